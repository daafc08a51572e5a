#include "services/aggregator/grpc/kanwil_sync_service.h"

#include <deque>
#include <optional>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "common/log/log.h"
#include "common/status/grpc_status.h"

namespace unggul::aggregator {
namespace {

namespace s1 = ::unggul::sync::v1;

class SyncReactor final : public grpc::ServerBidiReactor<s1::NodeMessage, s1::AggregatorMessage> {
 public:
  SyncReactor(SyncCore& core, Executor& executor) : core_(core), executor_(executor) {
    StartRead(&in_);
  }

  void OnReadDone(bool ok) override {
    if (!ok) return FinishOnce(grpc::Status::OK);  // half-close or cancel; no task pending
    executor_.Schedule([this] {
      absl::StatusOr<std::vector<s1::AggregatorMessage>> replies = core_.Handle(session_, in_);
      if (!replies.ok()) {
        log::Warn("sync stream refused",
                  {{"upt", session_.upt_code}, {"status", replies.status().ToString()}});
        return FinishOnce(ToGrpcStatus(replies.status()));
      }
      for (s1::AggregatorMessage& reply : *replies) Send(std::move(reply));
      StartRead(&in_);  // the next message only after this one is applied
    });
  }

  void OnWriteDone(bool ok) override {
    std::optional<grpc::Status> finish_now;
    {
      absl::MutexLock lock(&mu_);
      outbox_.pop_front();
      if (!ok) outbox_.clear();  // the stream is broken; the read chain finishes it
      if (!outbox_.empty()) {
        StartWrite(&outbox_.front());
      } else {
        writing_ = false;
        finish_now = std::move(pending_finish_);
        pending_finish_.reset();
      }
    }
    if (finish_now) Finish(*finish_now);  // outside the lock: OnDone may follow
  }

  void OnDone() override {
    core_.Closed(session_);
    delete this;
  }

 private:
  void Send(s1::AggregatorMessage message) {
    absl::MutexLock lock(&mu_);
    if (finished_) return;
    outbox_.push_back(std::move(message));
    if (!writing_) {
      writing_ = true;
      StartWrite(&outbox_.front());
    }
  }

  void FinishOnce(grpc::Status status) {
    {
      absl::MutexLock lock(&mu_);
      if (finished_) return;
      finished_ = true;
      if (writing_) {
        pending_finish_ = std::move(status);  // OnWriteDone finishes after the outbox drains
        return;
      }
    }
    Finish(status);
  }

  SyncCore& core_;
  Executor& executor_;
  SyncSession session_;  // touched by one task at a time
  s1::NodeMessage in_;

  absl::Mutex mu_;
  std::deque<s1::AggregatorMessage> outbox_ ABSL_GUARDED_BY(mu_);
  bool writing_ ABSL_GUARDED_BY(mu_) = false;
  bool finished_ ABSL_GUARDED_BY(mu_) = false;
  std::optional<grpc::Status> pending_finish_ ABSL_GUARDED_BY(mu_);
};

}  // namespace

grpc::ServerBidiReactor<s1::NodeMessage, s1::AggregatorMessage>* KanwilSyncServiceImpl::Sync(
    grpc::CallbackServerContext* /*context*/) {
  return new SyncReactor(core_, executor_);
}

}  // namespace unggul::aggregator

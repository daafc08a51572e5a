#include "services/aggregator/grpc/kanwil_sync_service.h"

#include <deque>
#include <memory>
#include <optional>
#include <set>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "common/log/log.h"
#include "common/pki/pki.h"
#include "common/status/grpc_status.h"
#include "common/tls/tls.h"
#include "services/aggregator/core/designation_core.h"

namespace unggul::aggregator {
namespace {

namespace s1 = ::unggul::sync::v1;

class SyncReactor final : public grpc::ServerBidiReactor<s1::NodeMessage, s1::AggregatorMessage> {
 public:
  SyncReactor(grpc::CallbackServerContext* context, SyncCore& core, Executor& executor,
              PublicationHub* hub, const SyncAdmission& admission)
      : context_(context), core_(core), executor_(executor), hub_(hub) {
    session_.peer = context->peer();
    if (admission.require_identity) Admit(*context, admission);
    // A newer stream of the same node process replaces this one (SyncCore::Claim).
    session_.canceller = std::make_shared<StreamCanceller>([context] { context->TryCancel(); });
    StartRead(&in_);
  }

  void OnReadDone(bool ok) override {
    if (!ok) {
      // Nodes end a stream by cancelling it. Anything else is a half-close or a message gRPC
      // could not parse: a protocol error, said so (no task is pending here).
      if (context_->IsCancelled()) return FinishOnce(grpc::Status::OK);
      return FinishOnce(grpc::Status(
          grpc::StatusCode::INVALID_ARGUMENT,
          "sync stream: a message could not be parsed as a NodeMessage, or the node half-closed "
          "the stream (nodes end a stream by cancelling it)"));
    }
    executor_.Schedule([this] {
      absl::StatusOr<std::vector<s1::AggregatorMessage>> replies = core_.Handle(session_, in_);
      if (!replies.ok()) {
        log::Warn("sync stream refused",
                  {{"upt", session_.upt_code}, {"status", replies.status().ToString()}});
        return FinishOnce(ToGrpcStatus(replies.status()));
      }
      for (s1::AggregatorMessage& reply : *replies) Send(std::move(reply));
      if (session_.phase == SyncSession::Phase::kStreaming && hub_ != nullptr && hub_handle_ == 0) {
        StartDesignationFeed();
      }
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
    if (hub_handle_ != 0) hub_->Unsubscribe(hub_handle_);  // no callback after this returns
    core_.Closed(session_);
    delete this;
  }

 private:
  // The UPT this stream may speak for, from the peer's verified certificate; SyncCore refuses
  // the Hello otherwise.
  void Admit(const grpc::CallbackServerContext& context, const SyncAdmission& admission) {
    session_.require_identity = true;
    const std::optional<tls::Peer> peer = tls::PeerOf(*context.auth_context());
    std::string why;
    if (!peer) {
      session_.admission_error = "no client certificate with a Unggul identity";
    } else if (peer->id.kind != pki::PeerId::Kind::kUpt) {
      session_.admission_error =
          absl::StrCat("the certificate identifies ", pki::SpiffeUri(peer->id), ", not a UPT node");
    } else if (peer->id.kanwil != admission.kanwil) {
      session_.admission_error = absl::StrCat("the certificate belongs to Kanwil ", peer->id.kanwil,
                                              ", not ", admission.kanwil);
    } else if (admission.revoked != nullptr && admission.revoked->IsRevoked(peer->serial, &why)) {
      session_.admission_error = why;
    } else {
      session_.certified_upt = peer->id.name;
    }
  }

  // Subscribe first, then read what was published before: nothing falls between the two, and
  // a publication seen both ways is sent once.
  void StartDesignationFeed() {
    hub_handle_ = hub_->Subscribe([this](const kanwil::v1::Publication& p) {
      absl::MutexLock lock(&mu_);
      if (!caught_up_) {
        pending_.push_back(p.revision());
        pending_msgs_.push_back(DesignationMessage(p));
      } else if (sent_revisions_.insert(p.revision()).second) {
        SendLocked(DesignationMessage(p));
      }
    });
    absl::StatusOr<std::vector<s1::AggregatorMessage>> missed =
        core_.DesignationsAfter(session_.designation_revision);
    absl::MutexLock lock(&mu_);
    if (missed.ok()) {
      for (s1::AggregatorMessage& m : *missed) {
        if (sent_revisions_.insert(m.designation().notice().revision()).second) {
          SendLocked(std::move(m));
        }
      }
    }
    for (size_t i = 0; i < pending_msgs_.size(); ++i) {
      if (sent_revisions_.insert(pending_[i]).second) SendLocked(std::move(pending_msgs_[i]));
    }
    pending_.clear();
    pending_msgs_.clear();
    caught_up_ = true;
  }

  static s1::AggregatorMessage DesignationMessage(const kanwil::v1::Publication& p) {
    s1::AggregatorMessage m;
    *m.mutable_designation()->mutable_notice() = ToNotice(p);
    return m;
  }

  void Send(s1::AggregatorMessage message) {
    absl::MutexLock lock(&mu_);
    SendLocked(std::move(message));
  }

  void SendLocked(s1::AggregatorMessage message) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
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

  grpc::CallbackServerContext* const context_;
  SyncCore& core_;
  Executor& executor_;
  PublicationHub* hub_;
  int hub_handle_ = 0;   // set and read by the read chain only
  SyncSession session_;  // touched by one task at a time
  s1::NodeMessage in_;

  absl::Mutex mu_;
  std::deque<s1::AggregatorMessage> outbox_ ABSL_GUARDED_BY(mu_);
  bool writing_ ABSL_GUARDED_BY(mu_) = false;
  bool finished_ ABSL_GUARDED_BY(mu_) = false;
  std::optional<grpc::Status> pending_finish_ ABSL_GUARDED_BY(mu_);
  bool caught_up_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<uint64_t> pending_ ABSL_GUARDED_BY(mu_);
  std::vector<s1::AggregatorMessage> pending_msgs_ ABSL_GUARDED_BY(mu_);
  std::set<uint64_t> sent_revisions_ ABSL_GUARDED_BY(mu_);
};

}  // namespace

grpc::ServerBidiReactor<s1::NodeMessage, s1::AggregatorMessage>* KanwilSyncServiceImpl::Sync(
    grpc::CallbackServerContext* context) {
  return new SyncReactor(context, core_, executor_, hub_, admission_);
}

}  // namespace unggul::aggregator

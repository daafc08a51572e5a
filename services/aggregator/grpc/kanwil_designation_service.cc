#include "services/aggregator/grpc/kanwil_designation_service.h"

#include <algorithm>
#include <deque>
#include <optional>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "common/auth/grpc_auth.h"
#include "common/status/echo.h"
#include "common/status/grpc_status.h"
#include "services/aggregator/grpc/roles.h"

namespace unggul::aggregator {
namespace {

namespace kv1 = ::unggul::kanwil::v1;

template <typename T>
grpc::Status Reply(absl::StatusOr<T> result, T* response) {
  if (!result.ok()) return ToGrpcStatus(result.status());
  *response = *std::move(result);
  return grpc::Status::OK;
}

// One WatchDesignations stream. Subscribes to the hub first, then catches up from the store
// (publications after `after`), so nothing published in between is missed; revisions are
// monotonic and each is sent once. Threading: hub callbacks (under the hub's lock, never
// blocking), executor tasks and gRPC reactions meet under `mu_`. At most one store read and
// one write are in flight; Finish is called once, never while a read is in flight, so no task
// outlives the reactor.
class WatchReactor final : public grpc::ServerWriteReactor<kv1::Publication> {
 public:
  WatchReactor(DesignationStore& store, PublicationHub& hub, Executor& executor, uint64_t after)
      : store_(store), hub_(hub), executor_(executor), after_(after) {
    // reading_ starts true: publications that arrive before the first read are held in live_.
    handle_ = hub_.Subscribe([this](const kv1::Publication& p) { OnPublished(p); });
    executor_.Schedule([this] { CatchUp(); });
  }

  void OnWriteDone(bool ok) override {
    std::optional<grpc::Status> finish;
    {
      absl::MutexLock lock(&mu_);
      writing_ = false;
      outbox_.pop_front();
      if (!ok) done_ = true;  // the client is gone
      finish = NextLocked();
    }
    if (finish) Finish(*finish);
  }

  void OnCancel() override {
    std::optional<grpc::Status> finish;
    {
      absl::MutexLock lock(&mu_);
      done_ = true;
      finish = NextLocked();
    }
    if (finish) Finish(*finish);
  }

  void OnDone() override {
    hub_.Unsubscribe(handle_);  // no hub callback runs after this returns
    delete this;
  }

 private:
  static constexpr size_t kPage = 500;

  void OnPublished(const kv1::Publication& p) {
    std::optional<grpc::Status> finish;
    {
      absl::MutexLock lock(&mu_);
      if (finished_) return;
      if (reading_) {
        live_.push_back(p);  // sent after the catch-up, if it did not already carry it
      } else {
        QueueLocked(p);
      }
      finish = NextLocked();
    }
    if (finish) Finish(*finish);
  }

  // Executor task: one page of publications after `after_` from the store.
  void CatchUp() {
    uint64_t after = 0;
    {
      absl::MutexLock lock(&mu_);
      after = after_;
    }
    absl::StatusOr<std::vector<kv1::Publication>> page = store_.ReadPublications(after, kPage);
    bool more = false;
    std::optional<grpc::Status> finish;
    {
      absl::MutexLock lock(&mu_);
      if (!page.ok()) {
        failure_ = ToGrpcStatus(page.status());
        done_ = true;
      } else {
        for (const kv1::Publication& p : *page) QueueLocked(p);
        more = page->size() == kPage && !done_;
      }
      if (!more) {
        reading_ = false;
        for (const kv1::Publication& p : live_) QueueLocked(p);
        live_.clear();
      }
      finish = NextLocked();
    }
    if (more) {
      executor_.Schedule([this] { CatchUp(); });  // reading_ stays true: no Finish meanwhile
    } else if (finish) {
      Finish(*finish);
    }
  }

  void QueueLocked(const kv1::Publication& p) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (p.revision() <= after_) return;  // already sent (seen both live and in the store)
    after_ = p.revision();
    outbox_.push_back(p);
  }

  // Starts the next write, or returns the status to finish with (once) when the stream is done
  // and no read or write is in flight.
  std::optional<grpc::Status> NextLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (finished_ || writing_) return std::nullopt;
    if (!done_ && !outbox_.empty()) {
      writing_ = true;
      StartWrite(&outbox_.front());
      return std::nullopt;
    }
    if (!done_ || reading_) return std::nullopt;
    finished_ = true;
    return failure_.ok() ? grpc::Status(grpc::StatusCode::CANCELLED, "watch cancelled") : failure_;
  }

  DesignationStore& store_;
  PublicationHub& hub_;
  Executor& executor_;
  int handle_ = 0;
  absl::Mutex mu_;
  uint64_t after_ ABSL_GUARDED_BY(mu_);
  std::deque<kv1::Publication> outbox_ ABSL_GUARDED_BY(mu_);  // front: being written
  std::vector<kv1::Publication> live_ ABSL_GUARDED_BY(mu_);   // published during the catch-up
  bool reading_ ABSL_GUARDED_BY(mu_) = true;  // a catch-up read is scheduled or running
  bool writing_ ABSL_GUARDED_BY(mu_) = false;
  bool done_ ABSL_GUARDED_BY(mu_) = false;  // cancelled, client gone or a failed read
  bool finished_ ABSL_GUARDED_BY(mu_) = false;
  grpc::Status failure_ ABSL_GUARDED_BY(mu_);
};

// With an access policy: the authenticated person acts (a different actor.user is refused; the
// organisational role in actor.role is kept for the record, the access role otherwise). Open:
// the request's actor as given.
absl::Status SetActor(const std::optional<auth::Identity>& who, kv1::Actor* actor) {
  if (!who) return absl::OkStatus();
  if (!actor->user().empty() && absl::AsciiStrToLower(actor->user()) != who->user) {
    return absl::PermissionDeniedError(absl::StrCat("actor.user: must be the caller ", who->user,
                                                    " or empty, got ", Echo(actor->user())));
  }
  actor->set_user(who->user);
  if (actor->role().empty()) actor->set_role(who->role);
  return absl::OkStatus();
}

}  // namespace

grpc::Status KanwilDesignationServiceImpl::CreateDesignation(
    grpc::ServerContext* context, const kv1::CreateDesignationRequest* request,
    kv1::Designation* response) {
  absl::StatusOr<std::optional<auth::Identity>> who = auth_.ActingPerson(*context);
  if (!who.ok()) return ToGrpcStatus(who.status());
  kv1::CreateDesignationRequest req = *request;
  if (absl::Status s = SetActor(*who, req.mutable_actor()); !s.ok()) return ToGrpcStatus(s);
  return Reply(core_.Create(req), response);
}

grpc::Status KanwilDesignationServiceImpl::TransitionDesignation(
    grpc::ServerContext* context, const kv1::TransitionDesignationRequest* request,
    kv1::Designation* response) {
  // The role table let PROPOSER, VERIFIER, APPROVER and ADMIN in; the action decides.
  absl::StatusOr<std::optional<auth::Identity>> who = auth_.ActingPerson(*context);
  if (!who.ok()) return ToGrpcStatus(who.status());
  const std::vector<std::string> roles = RolesForAction(request->action());
  if (*who && !roles.empty() &&
      std::find(roles.begin(), roles.end(), (*who)->role) == roles.end()) {
    return ToGrpcStatus(absl::PermissionDeniedError(
        absl::StrCat("action ", kv1::DesignationAction_Name(request->action()), ": needs ",
                     auth::DescribeRoles(roles), "; ", (*who)->Describe())));
  }
  kv1::TransitionDesignationRequest req = *request;
  if (absl::Status s = SetActor(*who, req.mutable_actor()); !s.ok()) return ToGrpcStatus(s);
  return Reply(core_.Transition(req), response);
}

grpc::Status KanwilDesignationServiceImpl::GetDesignation(grpc::ServerContext*,
                                                          const kv1::GetDesignationRequest* request,
                                                          kv1::Designation* response) {
  return Reply(core_.Get(request->designation_id()), response);
}

grpc::Status KanwilDesignationServiceImpl::ListDesignations(
    grpc::ServerContext*, const kv1::ListDesignationsRequest* request,
    kv1::ListDesignationsResponse* response) {
  return Reply(core_.List(*request), response);
}

grpc::Status KanwilDesignationServiceImpl::GetAuditLog(grpc::ServerContext*,
                                                       const kv1::GetAuditLogRequest* request,
                                                       kv1::GetAuditLogResponse* response) {
  return Reply(core_.AuditLog(*request), response);
}

grpc::Status KanwilDesignationServiceImpl::VerifyAuditLog(grpc::ServerContext*,
                                                          const kv1::VerifyAuditLogRequest*,
                                                          kv1::VerifyAuditLogResponse* response) {
  return Reply(core_.VerifyAuditLog(), response);
}

grpc::ServerWriteReactor<kv1::Publication>* KanwilDesignationServiceImpl::WatchDesignations(
    grpc::CallbackServerContext*, const kv1::WatchDesignationsRequest* request) {
  return new WatchReactor(store_, hub_, executor_, request->from_revision());
}

}  // namespace unggul::aggregator

#include "services/aggregator/grpc/kanwil_designation_service.h"

#include <utility>

#include "common/status/grpc_status.h"
#include "services/aggregator/grpc/authorize.h"

namespace unggul::aggregator {
namespace {

namespace kv1 = ::unggul::kanwil::v1;

template <typename T>
grpc::Status Reply(absl::StatusOr<T> result, T* response) {
  if (!result.ok()) return ToGrpcStatus(result.status());
  *response = *std::move(result);
  return grpc::Status::OK;
}

Permission NeededFor(kv1::DesignationAction action) {
  switch (action) {
    case kv1::DESIGNATION_ACTION_VERIFY:
    case kv1::DESIGNATION_ACTION_REJECT:
      return Permission::kVerify;
    case kv1::DESIGNATION_ACTION_APPROVE:
    case kv1::DESIGNATION_ACTION_PUBLISH:
    case kv1::DESIGNATION_ACTION_REVOKE:
      return Permission::kApprove;
    default:
      return Permission::kPropose;  // SUBMIT, WITHDRAW (unknown actions fail validation)
  }
}

}  // namespace

grpc::Status KanwilDesignationServiceImpl::CreateDesignation(
    grpc::ServerContext* context, const kv1::CreateDesignationRequest* request,
    kv1::Designation* response) {
  absl::StatusOr<Principal> principal = AuthorizeCall(*context, access_, Permission::kPropose);
  if (!principal.ok()) return ToGrpcStatus(principal.status());
  kv1::CreateDesignationRequest req = *request;
  if (access_.enabled()) {
    req.mutable_actor()->set_user(principal->user);
    req.mutable_actor()->set_role(principal->role);
  }
  return Reply(core_.Create(req), response);
}

grpc::Status KanwilDesignationServiceImpl::TransitionDesignation(
    grpc::ServerContext* context, const kv1::TransitionDesignationRequest* request,
    kv1::Designation* response) {
  absl::StatusOr<Principal> principal =
      AuthorizeCall(*context, access_, NeededFor(request->action()));
  if (!principal.ok()) return ToGrpcStatus(principal.status());
  kv1::TransitionDesignationRequest req = *request;
  if (access_.enabled()) {
    req.mutable_actor()->set_user(principal->user);
    req.mutable_actor()->set_role(principal->role);
  }
  return Reply(core_.Transition(req), response);
}

grpc::Status KanwilDesignationServiceImpl::GetDesignation(grpc::ServerContext* context,
                                                          const kv1::GetDesignationRequest* request,
                                                          kv1::Designation* response) {
  absl::StatusOr<Principal> principal = AuthorizeCall(*context, access_, Permission::kRead);
  if (!principal.ok()) return ToGrpcStatus(principal.status());
  return Reply(core_.Get(request->designation_id()), response);
}

grpc::Status KanwilDesignationServiceImpl::ListDesignations(
    grpc::ServerContext* context, const kv1::ListDesignationsRequest* request,
    kv1::ListDesignationsResponse* response) {
  absl::StatusOr<Principal> principal = AuthorizeCall(*context, access_, Permission::kRead);
  if (!principal.ok()) return ToGrpcStatus(principal.status());
  return Reply(core_.List(*request), response);
}

grpc::Status KanwilDesignationServiceImpl::GetAuditLog(grpc::ServerContext* context,
                                                       const kv1::GetAuditLogRequest* request,
                                                       kv1::GetAuditLogResponse* response) {
  absl::StatusOr<Principal> principal = AuthorizeCall(*context, access_, Permission::kRead);
  if (!principal.ok()) return ToGrpcStatus(principal.status());
  return Reply(core_.AuditLog(*request), response);
}

grpc::Status KanwilDesignationServiceImpl::VerifyAuditLog(grpc::ServerContext* context,
                                                          const kv1::VerifyAuditLogRequest*,
                                                          kv1::VerifyAuditLogResponse* response) {
  absl::StatusOr<Principal> principal = AuthorizeCall(*context, access_, Permission::kRead);
  if (!principal.ok()) return ToGrpcStatus(principal.status());
  return Reply(core_.VerifyAuditLog(), response);
}

grpc::Status KanwilDesignationServiceImpl::WatchDesignations(
    grpc::ServerContext* context, const kv1::WatchDesignationsRequest* request,
    grpc::ServerWriter<kv1::Publication>* writer) {
  absl::StatusOr<Principal> principal = AuthorizeCall(*context, access_, Permission::kRead);
  if (!principal.ok()) return ToGrpcStatus(principal.status());
  uint64_t after = request->from_revision();
  while (!context->IsCancelled()) {
    absl::StatusOr<std::vector<kv1::Publication>> page = store_.ReadPublications(after, 500);
    if (!page.ok()) return ToGrpcStatus(page.status());
    for (const kv1::Publication& p : *page) {
      if (!writer->Write(p)) return grpc::Status(grpc::StatusCode::CANCELLED, "client gone");
      after = p.revision();
    }
    if (page->empty()) hub_.WaitForRevisionAbove(after, absl::Seconds(1));
  }
  return grpc::Status(grpc::StatusCode::CANCELLED, "watch cancelled");
}

}  // namespace unggul::aggregator

#pragma once

// gRPC adapter of KanwilDesignations: the unary RPCs on the sync API; WatchDesignations on the
// callback API, a write reactor subscribed to the PublicationHub. A watcher holds no thread: it
// catches up from the store on the executor (500 publications a read), then each publication
// is queued into its outbox by the hub and written when the previous write is done. A
// cancelled watch is finished at once (after a catch-up read already running returns).

#include "common/auth/grpc_auth.h"
#include "common/executor/executor.h"
#include "services/aggregator/core/designation_core.h"
#include "services/aggregator/core/publication_hub.h"
#include "unggul/kanwil/v1/designation.grpc.pb.h"

namespace unggul::aggregator {

class KanwilDesignationServiceImpl final
    : public kanwil::v1::KanwilDesignations::WithCallbackMethod_WatchDesignations<
          kanwil::v1::KanwilDesignations::Service> {
 public:
  // Who may call what is decided before any handler (roles.h, common/auth); TransitionDesignation
  // then checks the action against RolesForAction. With an access policy the authenticated user
  // is the actor (a request's actor.user must be that user; actor.role stays display data, e.g.
  // KABID_YANBIN_KANWIL), so separation of duties rests on identities. `executor` runs the
  // watchers' store reads; every argument must outlive the server.
  KanwilDesignationServiceImpl(DesignationCore& core, DesignationStore& store, PublicationHub& hub,
                               Executor& executor, auth::AuthProcessor& auth)
      : core_(core), store_(store), hub_(hub), executor_(executor), auth_(auth) {}

  grpc::Status CreateDesignation(grpc::ServerContext*, const kanwil::v1::CreateDesignationRequest*,
                                 kanwil::v1::Designation*) override;
  grpc::Status TransitionDesignation(grpc::ServerContext*,
                                     const kanwil::v1::TransitionDesignationRequest*,
                                     kanwil::v1::Designation*) override;
  grpc::Status GetDesignation(grpc::ServerContext*, const kanwil::v1::GetDesignationRequest*,
                              kanwil::v1::Designation*) override;
  grpc::Status ListDesignations(grpc::ServerContext*, const kanwil::v1::ListDesignationsRequest*,
                                kanwil::v1::ListDesignationsResponse*) override;
  grpc::Status GetAuditLog(grpc::ServerContext*, const kanwil::v1::GetAuditLogRequest*,
                           kanwil::v1::GetAuditLogResponse*) override;
  grpc::Status VerifyAuditLog(grpc::ServerContext*, const kanwil::v1::VerifyAuditLogRequest*,
                              kanwil::v1::VerifyAuditLogResponse*) override;
  grpc::ServerWriteReactor<kanwil::v1::Publication>* WatchDesignations(
      grpc::CallbackServerContext* context,
      const kanwil::v1::WatchDesignationsRequest* request) override;

 private:
  DesignationCore& core_;
  DesignationStore& store_;
  PublicationHub& hub_;
  Executor& executor_;
  auth::AuthProcessor& auth_;
};

}  // namespace unggul::aggregator

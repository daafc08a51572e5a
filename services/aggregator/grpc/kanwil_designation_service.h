#pragma once

// gRPC adapter of KanwilDesignations (sync API). WatchDesignations holds one server thread per
// watcher (dashboards are few; the server's thread quota bounds them) and waits on the
// PublicationHub between catch-up reads, checking for cancellation at least once a second.

#include "services/aggregator/core/access.h"
#include "services/aggregator/core/designation_core.h"
#include "services/aggregator/core/publication_hub.h"
#include "unggul/kanwil/v1/designation.grpc.pb.h"

namespace unggul::aggregator {

class KanwilDesignationServiceImpl final : public kanwil::v1::KanwilDesignations::Service {
 public:
  // With tokens configured, the authenticated user and role replace the request's actor, so
  // separation of duties rests on identities.
  KanwilDesignationServiceImpl(DesignationCore& core, DesignationStore& store, PublicationHub& hub,
                               const AccessPolicy& access)
      : core_(core), store_(store), hub_(hub), access_(access) {}

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
  grpc::Status WatchDesignations(grpc::ServerContext*, const kanwil::v1::WatchDesignationsRequest*,
                                 grpc::ServerWriter<kanwil::v1::Publication>*) override;

 private:
  DesignationCore& core_;
  DesignationStore& store_;
  PublicationHub& hub_;
  const AccessPolicy& access_;
};

}  // namespace unggul::aggregator

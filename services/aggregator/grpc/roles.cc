#include "services/aggregator/grpc/roles.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "unggul/kanwil/v1/dashboard.grpc.pb.h"
#include "unggul/kanwil/v1/designation.grpc.pb.h"
#include "unggul/sync/v1/sync.grpc.pb.h"

namespace unggul::aggregator {
namespace {

namespace kv1 = ::unggul::kanwil::v1;

const std::vector<std::string> kReaders = {"VIEWER",   "ASSESSOR", "PROPOSER",
                                           "VERIFIER", "APPROVER", "ADMIN"};

std::string Path(const char* service, const char* method) {
  return absl::StrCat("/", service, "/", method);
}

}  // namespace

auth::RoleTable KanwilRoleTable() {
  const char* dash = kv1::KanwilDashboard::service_full_name();
  const char* des = kv1::KanwilDesignations::service_full_name();
  return {
      {Path(sync::v1::KanwilSync::service_full_name(), "Sync"), {auth::kUptNode}},
      {Path(dash, "ListUpts"), kReaders},
      {Path(dash, "ListProducts"), kReaders},
      {Path(dash, "GetProduct"), kReaders},
      {Path(dash, "GetUptDigest"), kReaders},
      {Path(dash, "GetRanking"), kReaders},
      {Path(dash, "GetProductScore"), kReaders},
      {Path(dash, "GetProductMap"), kReaders},
      {Path(dash, "SubmitAssessment"), {"ASSESSOR", "ADMIN"}, /*write=*/true},
      {Path(dash, "VerifyMonthlyReports"), {"VERIFIER", "ADMIN"}, /*write=*/true},
      {Path(dash, "RecordIncident"), {"VERIFIER", "ADMIN"}, /*write=*/true},
      {Path(dash, "CloseIncident"), {"VERIFIER", "ADMIN"}, /*write=*/true},
      {Path(dash, "ListIncidents"), kReaders},
      {Path(des, "CreateDesignation"), {"PROPOSER", "ADMIN"}, /*write=*/true},
      {Path(des, "TransitionDesignation"),
       {"PROPOSER", "VERIFIER", "APPROVER", "ADMIN"},
       /*write=*/true},
      {Path(des, "GetDesignation"), kReaders},
      {Path(des, "ListDesignations"), kReaders},
      {Path(des, "GetAuditLog"), kReaders},
      {Path(des, "VerifyAuditLog"), kReaders},
      {Path(des, "WatchDesignations"), kReaders},
  };
}

std::vector<std::string> RolesForAction(kv1::DesignationAction action) {
  switch (action) {
    case kv1::DESIGNATION_ACTION_SUBMIT:
    case kv1::DESIGNATION_ACTION_WITHDRAW:
      return {"PROPOSER", "ADMIN"};
    case kv1::DESIGNATION_ACTION_VERIFY:
    case kv1::DESIGNATION_ACTION_REJECT:
      return {"VERIFIER", "ADMIN"};
    case kv1::DESIGNATION_ACTION_APPROVE:
    case kv1::DESIGNATION_ACTION_PUBLISH:
    case kv1::DESIGNATION_ACTION_REVOKE:
      return {"APPROVER", "ADMIN"};
    default:
      return {};
  }
}

}  // namespace unggul::aggregator

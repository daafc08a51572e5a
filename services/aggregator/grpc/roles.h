#pragma once

// Who may call each RPC of the Kanwil aggregator: its one role table, enforced before any handler
// by the auth processor (common/auth/grpc_auth.h). Roles:
//   VIEWER    reads (UPTs, products, rankings, designations, audit log, incidents)
//   ASSESSOR  reads; enters panel assessments (SubmitAssessment)
//   PROPOSER  reads; drafts designations, submits and withdraws them
//   VERIFIER  reads; verifies or rejects designations, verifies monthly labour reports,
//             records and closes incidents
//   APPROVER  reads; approves, publishes and revokes designations
//   ADMIN     everything above (separation of duties still applies to the person)
//   UPT_NODE  KanwilSync.Sync: a UPT node's certificate (which UPT: SyncAdmission)
// TransitionDesignation is let in for PROPOSER, VERIFIER, APPROVER and ADMIN; the handler then
// checks the action against RolesForAction. Writes (assessments, labour verification, incidents,
// designations) count against the caller's --write_rate_limit.

#include <vector>

#include "common/auth/authorizer.h"
#include "unggul/kanwil/v1/designation.pb.h"

namespace unggul::aggregator {

auth::RoleTable KanwilRoleTable();

// The roles that may take `action`; empty for an unknown action (validation refuses it).
std::vector<std::string> RolesForAction(kanwil::v1::DesignationAction action);

}  // namespace unggul::aggregator

#pragma once

// Who may call each RPC of a UPT node: its one role table, enforced before any handler by the
// auth processor (common/auth/grpc_auth.h). Roles:
//   VIEWER    reads: node info, products, records, designations received; WaitForSync
//   OPERATOR  reads and every write (products, batches, sales, certifications, trainings,
//             monthly labour, settlements, customer returns); writes count against the
//             caller's --write_rate_limit

#include "common/auth/authorizer.h"

namespace unggul::node {

auth::RoleTable NodeRoleTable();

}  // namespace unggul::node

#include "services/node/grpc/roles.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "unggul/node/v1/node_service.grpc.pb.h"

namespace unggul::node {

auth::RoleTable NodeRoleTable() {
  const std::vector<std::string> readers = {"VIEWER", "OPERATOR"};
  const std::vector<std::string> writers = {"OPERATOR"};
  auth::RoleTable table;
  for (const char* read :
       {"GetNodeInfo",     "WaitForSync",       "GetProduct",        "ListProducts",
        "GetRecord",       "ListRecordsOfKind", "GetBatch",          "ListBatches",
        "GetSale",         "ListSales",         "GetCertification",  "ListCertifications",
        "GetTraining",     "ListTrainings",     "GetMonthlyLabour",  "ListMonthlyLabour",
        "GetSettlement",   "ListSettlements",   "GetCustomerReturn", "ListCustomerReturns",
        "ListDesignations"}) {
    table.push_back({absl::StrCat("/", v1::UptNode::service_full_name(), "/", read), readers});
  }
  for (const char* write : {"CreateProduct", "UpdateProduct", "RetireProduct", "WriteRecord",
                            "RecordBatch", "RecordSale", "RecordCertification", "RecordTraining",
                            "RecordMonthlyLabour", "RecordSettlement", "RecordCustomerReturn"}) {
    table.push_back(
        {absl::StrCat("/", v1::UptNode::service_full_name(), "/", write), writers, /*write=*/true});
  }
  return table;
}

}  // namespace unggul::node

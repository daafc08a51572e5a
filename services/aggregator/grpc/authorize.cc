#include "services/aggregator/grpc/authorize.h"

#include <string>

namespace unggul::aggregator {

absl::StatusOr<Principal> AuthorizeCall(const grpc::ServerContextBase& context,
                                        const AccessPolicy& policy, Permission needed) {
  std::string authorization;
  const auto& metadata = context.client_metadata();
  if (auto it = metadata.find("authorization"); it != metadata.end()) {
    authorization.assign(it->second.data(), it->second.size());
  }
  return policy.Authorize(authorization, needed);
}

}  // namespace unggul::aggregator

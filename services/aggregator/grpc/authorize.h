#pragma once

// Reads the caller's bearer token from gRPC metadata and checks it against the AccessPolicy.

#include "absl/status/statusor.h"
#include "grpcpp/server_context.h"
#include "services/aggregator/core/access.h"

namespace unggul::aggregator {

absl::StatusOr<Principal> AuthorizeCall(const grpc::ServerContextBase& context,
                                        const AccessPolicy& policy, Permission needed);

}  // namespace unggul::aggregator

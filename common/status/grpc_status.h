#pragma once

// The gRPC edge of error handling: absl::Status <-> grpc::Status. Both code enums follow
// google.rpc.Code, so the mapping is a cast. Thread-safe, no state.

#include "absl/status/status.h"
#include "grpcpp/support/status.h"

namespace unggul {

grpc::Status ToGrpcStatus(const absl::Status& status);
absl::Status FromGrpcStatus(const grpc::Status& status);

}  // namespace unggul

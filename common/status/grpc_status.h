#pragma once

// The gRPC edge of error handling: absl::Status <-> grpc::Status. Both code enums follow
// google.rpc.Code, so the mapping is a cast. Thread-safe, no state.

#include <cstddef>

#include "absl/status/status.h"
#include "grpcpp/support/status.h"

namespace unggul {

// Messages longer than kMaxStatusMessageBytes are cut (Echo), so an error always fits the
// peer's header size limit.
inline constexpr size_t kMaxStatusMessageBytes = 1024;
grpc::Status ToGrpcStatus(const absl::Status& status);
absl::Status FromGrpcStatus(const grpc::Status& status);

}  // namespace unggul

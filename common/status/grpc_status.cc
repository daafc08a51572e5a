#include "common/status/grpc_status.h"

#include <string>

#include "common/status/echo.h"

namespace unggul {

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  // A message quoting a caller's value without Echo must still fit gRPC's headers.
  return grpc::Status(static_cast<grpc::StatusCode>(status.raw_code()),
                      Echo(status.message(), kMaxStatusMessageBytes));
}

absl::Status FromGrpcStatus(const grpc::Status& status) {
  if (status.ok()) return absl::OkStatus();
  return absl::Status(static_cast<absl::StatusCode>(status.error_code()), status.error_message());
}

}  // namespace unggul

#include "common/status/grpc_status.h"

#include "gtest/gtest.h"

namespace unggul {
namespace {

TEST(GrpcStatusTest, RoundTripKeepsCodeAndMessage) {
  const absl::StatusCode codes[] = {
      absl::StatusCode::kInvalidArgument,  absl::StatusCode::kNotFound,
      absl::StatusCode::kAlreadyExists,    absl::StatusCode::kFailedPrecondition,
      absl::StatusCode::kAborted,          absl::StatusCode::kUnavailable,
      absl::StatusCode::kPermissionDenied, absl::StatusCode::kResourceExhausted,
      absl::StatusCode::kDataLoss,         absl::StatusCode::kInternal};
  for (absl::StatusCode code : codes) {
    absl::Status in(code, "product SMS-LP-LAHAT-GSJM is discontinued");
    grpc::Status wire = ToGrpcStatus(in);
    EXPECT_EQ(static_cast<int>(wire.error_code()), static_cast<int>(code));
    EXPECT_EQ(wire.error_message(), "product SMS-LP-LAHAT-GSJM is discontinued");
    EXPECT_EQ(FromGrpcStatus(wire), in);
  }
  EXPECT_TRUE(ToGrpcStatus(absl::OkStatus()).ok());
  EXPECT_TRUE(FromGrpcStatus(grpc::Status::OK).ok());
}

}  // namespace
}  // namespace unggul

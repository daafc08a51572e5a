#include "common/status/echo.h"

#include <string>

#include "common/status/grpc_status.h"
#include "gtest/gtest.h"

namespace unggul {
namespace {

TEST(EchoTest, ShortValuesAreShownWhole) {
  EXPECT_EQ(Echo("2026-13-01"), "2026-13-01");
  EXPECT_EQ(Echo(std::string(64, 'a')), std::string(64, 'a'));
}

TEST(EchoTest, LongValuesAreCutTo64BytesAndTheirLength) {
  EXPECT_EQ(Echo(std::string(100 * 1024, '9')), std::string(64, '9') + "... (102400 bytes)");
}

TEST(EchoTest, AUtf8CharacterIsNeverSplit) {
  // 63 ASCII bytes then "é" (2 bytes): the cut at 64 would split it, so it moves before it.
  const std::string value = std::string(63, 'a') + "\xC3\xA9" + std::string(10, 'b');
  EXPECT_EQ(Echo(value), std::string(63, 'a') + "... (75 bytes)");
}

TEST(EchoTest, TheGrpcEdgeCapsWholeMessages) {
  const absl::Status huge = absl::InvalidArgumentError("start_date: must be YYYY-MM-DD, got \"" +
                                                       std::string(100 * 1024, 'x') + "\"");
  const grpc::Status out = ToGrpcStatus(huge);
  EXPECT_EQ(out.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_LE(out.error_message().size(), kMaxStatusMessageBytes + 32);
  EXPECT_EQ(out.error_message().rfind("start_date: must be YYYY-MM-DD, got \"xxx", 0), 0u);
  EXPECT_NE(out.error_message().find("bytes)"), std::string::npos);
}

}  // namespace
}  // namespace unggul

#include "common/server/server_main.h"

#include "common/testing/status_matchers.h"
#include "gtest/gtest.h"

namespace unggul {
namespace {

TEST(CheckListenAddressTest, TakesHostAndPortOnly) {
  for (const char* ok : {"0.0.0.0:7401", "127.0.0.1:0", "localhost:7401", "[::]:7401",
                         "[::1]:65535", "upt-lahat.sumsel.example:7401"}) {
    UNGGUL_EXPECT_OK(CheckListenAddress(ok)) << ok;
  }
  for (const char* bad : {"", "localhost", "127.0.0.1:", ":7401", "::1", "[::1]", "[::1:7401",
                          "host:http", "host:65536", "host:-1", "host:123456"}) {
    EXPECT_EQ(CheckListenAddress(bad).code(), absl::StatusCode::kInvalidArgument) << bad;
  }
}

}  // namespace
}  // namespace unggul

#include "common/log/log.h"

#include "gtest/gtest.h"

namespace unggul::log {
namespace {

TEST(LogTest, JsonLineEscapesEveryField) {
  EXPECT_EQ(
      FormatLineForTest(Format::kJson, Level::kWarn, "stream \"closed\"",
                        {{"upt", "SMS-LP-LAHAT"}, {"why", "line1\nline2"}}),
      R"({"level":"warn","msg":"stream \"closed\"","upt":"SMS-LP-LAHAT","why":"line1\nline2"})");
}

TEST(LogTest, TextLineQuotesValuesWithSpaces) {
  EXPECT_EQ(FormatLineForTest(Format::kText, Level::kInfo, "listening",
                              {{"addr", "127.0.0.1:4000"}, {"upt", "Lapas Lahat"}}),
            "INFO listening addr=127.0.0.1:4000 upt=\"Lapas Lahat\"");
}

TEST(LogTest, InitRejectsUnknownNames) {
  EXPECT_EQ(Init("xml", "info").code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Init("json", "loud").code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(Init("text", "warn").ok());
}

}  // namespace
}  // namespace unggul::log

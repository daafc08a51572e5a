#include "common/time/dates.h"

#include "common/testing/status_matchers.h"
#include "gtest/gtest.h"

namespace unggul {
namespace {

using ::unggul::testing::StatusIs;

TEST(DatesTest, RoundTrip) {
  UNGGUL_ASSERT_OK_AND_ASSIGN(int32_t day, ParseDate("2026-01-05", "batch.start_date"));
  EXPECT_EQ(FormatDate(day), "2026-01-05");
  UNGGUL_ASSERT_OK_AND_ASSIGN(int32_t epoch, ParseDate("1970-01-01", "x"));
  EXPECT_EQ(epoch, 0);
  UNGGUL_ASSERT_OK_AND_ASSIGN(int32_t leap, ParseDate("2024-02-29", "x"));
  EXPECT_EQ(FormatDate(leap), "2024-02-29");
}

TEST(DatesTest, RejectsMalformedWithFieldName) {
  for (const char* bad : {"2026-1-05", "2026/01/05", "20260105", "2026-02-30", "2025-02-29",
                          "1969-12-31", "2026-13-01", "abcd-ef-gh", ""}) {
    absl::StatusOr<int32_t> day = ParseDate(bad, "sale.sale_date");
    EXPECT_THAT(day.status(), StatusIs(absl::StatusCode::kInvalidArgument)) << bad;
    EXPECT_NE(day.status().message().find("sale.sale_date"), std::string::npos) << bad;
  }
}

TEST(DatesTest, JakartaDayIsUtcPlusSeven) {
  // 2026-11-28T17:30:00Z is 2026-11-29 00:30 in Jakarta.
  const absl::Time t = absl::FromUnixSeconds(1795887000);
  EXPECT_EQ(FormatDate(JakartaDay(t)), "2026-11-29");
  EXPECT_EQ(FormatDate(JakartaDay(t - absl::Hours(1))), "2026-11-28");
}

}  // namespace
}  // namespace unggul

#include "common/time/month.h"

#include "common/testing/status_matchers.h"
#include "gtest/gtest.h"

namespace unggul {
namespace {

using ::unggul::testing::StatusIs;

TEST(MonthTest, ParseOfAndEveryForm) {
  UNGGUL_ASSERT_OK_AND_ASSIGN(Month m, Month::Parse("2026-10", "labour.month"));
  EXPECT_EQ(m.ToString(), "2026-10");
  EXPECT_EQ(m.yyyymm(), 202610u);
  EXPECT_EQ(m.index(), 2026 * 12 + 9);
  EXPECT_EQ(Month::FromYyyymm(202610), m);
  EXPECT_EQ(Month::FromIndex(m.index()), m);
  EXPECT_EQ(m.civil(), absl::CivilMonth(2026, 10));
  EXPECT_EQ(Month::Of("2026-10-17"), m);  // a date's month
  EXPECT_EQ(Month::Of("2026-10"), m);
  EXPECT_EQ(m.days(), 31);
  EXPECT_EQ(Month::Of("2024-02")->days(), 29);
  EXPECT_EQ((m + 3).ToString(), "2027-01");
  EXPECT_EQ((m - 10).ToString(), "2025-12");
  EXPECT_EQ((m + 3) - m, 3);
  EXPECT_LT(m, m + 1);
}

TEST(MonthTest, RejectsMalformedWithFieldAndRule) {
  for (const char* bad : {"2026-13", "2026-00", "2026-1", "26-10", "2026/10", "1969-12",
                          "2026-10-01", "abcd-ef", ""}) {
    absl::StatusOr<Month> m = Month::Parse(bad, "settlement.period_end");
    EXPECT_THAT(m.status(), StatusIs(absl::StatusCode::kInvalidArgument)) << bad;
    EXPECT_EQ(m.status().message(),
              std::string("settlement.period_end: must be a month YYYY-MM, got \"") + bad + "\"");
  }
  for (const char* bad : {"2026-13-01", "2026-10x", "", "2026-1-01", "0000-01"}) {
    EXPECT_EQ(Month::Of(bad), std::nullopt) << bad;
  }
}

}  // namespace
}  // namespace unggul

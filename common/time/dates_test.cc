#include "common/time/dates.h"

#include <cstdlib>

#include "absl/time/clock.h"
#include "common/testing/status_matchers.h"
#include "common/time/clock.h"
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

TEST(DatesTest, LastCompleteJakartaMonth) {
  UNGGUL_ASSERT_OK_AND_ASSIGN(absl::Time mid, ParseNowOverride("2026-12-03T10:00:00+07:00"));
  EXPECT_EQ(LastCompleteJakartaMonth(mid), "2026-11");
  // New Year in Jakarta while UTC still shows 31 December.
  UNGGUL_ASSERT_OK_AND_ASSIGN(absl::Time ny, ParseNowOverride("2026-12-31T17:30:00Z"));
  EXPECT_EQ(LastCompleteJakartaMonth(ny), "2026-12");
  EXPECT_EQ(LastCompleteJakartaMonth(ny - absl::Hours(1)), "2026-11");
  UNGGUL_ASSERT_OK_AND_ASSIGN(absl::Time march, ParseNowOverride("2024-03-01"));
  EXPECT_EQ(LastCompleteJakartaMonth(march), "2024-02");
}

TEST(ClockTest, ParseNowOverrideAcceptsRfc3339AndDatesOnly) {
  UNGGUL_ASSERT_OK_AND_ASSIGN(absl::Time a, ParseNowOverride("2031-01-15T10:00:00+07:00"));
  EXPECT_EQ(a, absl::FromUnixSeconds(1926212400));
  UNGGUL_ASSERT_OK_AND_ASSIGN(absl::Time b, ParseNowOverride("2031-01-15"));
  EXPECT_EQ(b - a, absl::Hours(2));  // a plain date is noon in Jakarta
  for (const char* bad : {"tomorrow", "2031-13-01", "2031-01-15 10:00", ""}) {
    EXPECT_THAT(ParseNowOverride(bad).status(), StatusIs(absl::StatusCode::kInvalidArgument))
        << bad;
    EXPECT_NE(ParseNowOverride(bad).status().message().find("UNGGUL_NOW"), std::string::npos);
  }
}

TEST(ClockTest, EnvironmentShiftsTheDomainClockOnly) {
  const char* saved = std::getenv(kNowEnv);
  const std::string restore = saved == nullptr ? "" : saved;
  ASSERT_EQ(setenv(kNowEnv, "2033-08-17T09:00:00+07:00", 1), 0);
  UNGGUL_ASSERT_OK_AND_ASSIGN(SystemClock shifted, SystemClockFromEnvironment());
  EXPECT_EQ(FormatDate(JakartaDay(shifted.Now())), "2033-08-17");
  ASSERT_EQ(setenv(kNowEnv, "not a date", 1), 0);
  EXPECT_THAT(SystemClockFromEnvironment().status(), StatusIs(absl::StatusCode::kInvalidArgument));
  ASSERT_EQ(setenv(kNowEnv, "", 1), 0);
  UNGGUL_ASSERT_OK_AND_ASSIGN(SystemClock plain, SystemClockFromEnvironment());
  EXPECT_EQ(plain.offset(), absl::ZeroDuration());
  if (saved == nullptr) {
    unsetenv(kNowEnv);
  } else {
    setenv(kNowEnv, restore.c_str(), 1);
  }
}

}  // namespace
}  // namespace unggul

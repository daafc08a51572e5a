#include "common/auth/rate_limiter.h"

#include "common/testing/fake_clock.h"
#include "common/testing/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace unggul::auth {
namespace {

using ::testing::HasSubstr;
using ::unggul::testing::StatusIs;

TEST(RateLimiterTest, ABurstOfTheMinutesAllowanceThenOneWritePerRefill) {
  unggul::testing::FakeClock clock(absl::FromUnixSeconds(1795921200));
  RateLimiter limiter(clock, 6);  // one write every 10 s
  for (int i = 0; i < 6; ++i) UNGGUL_EXPECT_OK(limiter.Take("op.lahat"));
  EXPECT_THAT(limiter.Take("op.lahat"),
              StatusIs(absl::StatusCode::kResourceExhausted,
                       "write rate limit: op.lahat may write 6 times a minute "
                       "(--write_rate_limit); next write in 10s"));
  UNGGUL_EXPECT_OK(limiter.Take("op.pagaralam"));  // each caller has its own bucket
  clock.Advance(absl::Seconds(9));
  EXPECT_THAT(limiter.Take("op.lahat"),
              StatusIs(absl::StatusCode::kResourceExhausted, HasSubstr("next write in 1s")));
  clock.Advance(absl::Seconds(1));
  UNGGUL_EXPECT_OK(limiter.Take("op.lahat"));
  EXPECT_THAT(limiter.Take("op.lahat"), StatusIs(absl::StatusCode::kResourceExhausted));
  clock.Advance(absl::Hours(1));  // refills to the allowance, not beyond
  for (int i = 0; i < 6; ++i) UNGGUL_EXPECT_OK(limiter.Take("op.lahat"));
  EXPECT_THAT(limiter.Take("op.lahat"), StatusIs(absl::StatusCode::kResourceExhausted));
}

TEST(RateLimiterTest, ZeroMeansNoLimit) {
  unggul::testing::FakeClock clock(absl::FromUnixSeconds(1795921200));
  RateLimiter limiter(clock, 0);
  for (int i = 0; i < 10'000; ++i) UNGGUL_ASSERT_OK(limiter.Take("anyone"));
}

}  // namespace
}  // namespace unggul::auth

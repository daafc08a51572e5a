#include "services/node/core/sync_waiters.h"

#include <optional>
#include <string>
#include <vector>

#include "absl/synchronization/notification.h"
#include "common/testing/fake_clock.h"
#include "common/testing/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace unggul::node {
namespace {

using ::testing::HasSubstr;
using ::unggul::testing::StatusIs;

class SyncWaitersTest : public ::testing::Test {
 protected:
  // A waiter on `acked_ >= target` that records how it ended.
  absl::StatusOr<uint64_t> Wait(SyncWaiters& waiters, uint64_t target, absl::Duration timeout,
                                const std::string& peer = "ipv4:127.0.0.1") {
    return waiters.Add(
        peer,
        [this, target]() -> std::optional<absl::Status> {
          if (acked_.load() >= target) return absl::OkStatus();
          return std::nullopt;
        },
        clock_.Now() + timeout, [] { return absl::DeadlineExceededError("not yet"); },
        [this](absl::Status s) {
          absl::MutexLock lock(&mu_);
          ended_.push_back(std::move(s));
        });
  }
  std::vector<absl::Status> Ended() {
    absl::MutexLock lock(&mu_);
    return ended_;
  }
  // Blocks (with a deadline) until `n` waiters ended: the timer thread completes them.
  bool AwaitEnded(size_t n) {
    absl::MutexLock lock(&mu_);
    auto done = [this, n]() ABSL_SHARED_LOCKS_REQUIRED(mu_) { return ended_.size() >= n; };
    return mu_.AwaitWithTimeout(absl::Condition(&done), absl::Seconds(10));
  }

  unggul::testing::FakeClock clock_{absl::FromUnixSeconds(1795921200)};
  std::atomic<uint64_t> acked_{0};
  absl::Mutex mu_;
  std::vector<absl::Status> ended_ ABSL_GUARDED_BY(mu_);
};

TEST_F(SyncWaitersTest, AWaitAlreadySatisfiedEndsAtOnce) {
  SyncWaiters waiters(clock_, SyncWaiters::Limits());
  acked_ = 5;
  UNGGUL_ASSERT_OK(Wait(waiters, 5, absl::Seconds(10)).status());
  ASSERT_EQ(Ended().size(), 1u);
  UNGGUL_EXPECT_OK(Ended()[0]);
  EXPECT_EQ(waiters.pending(), 0);
}

TEST_F(SyncWaitersTest, NotifyEndsTheWaitersWhoseConditionHolds) {
  SyncWaiters waiters(clock_, SyncWaiters::Limits());
  UNGGUL_ASSERT_OK(Wait(waiters, 3, absl::Seconds(10)).status());
  UNGGUL_ASSERT_OK(Wait(waiters, 9, absl::Seconds(10)).status());
  acked_ = 4;
  waiters.Notify();
  ASSERT_EQ(Ended().size(), 1u);
  UNGGUL_EXPECT_OK(Ended()[0]);
  EXPECT_EQ(waiters.pending(), 1);
}

TEST_F(SyncWaitersTest, TheDeadlineEndsAWaitOnSimulatedTime) {
  SyncWaiters waiters(clock_, SyncWaiters::Limits());
  UNGGUL_ASSERT_OK(Wait(waiters, 3, absl::Seconds(30)).status());
  clock_.Advance(absl::Seconds(29));
  EXPECT_EQ(waiters.pending(), 1);
  clock_.Advance(absl::Seconds(1));
  ASSERT_TRUE(AwaitEnded(1));
  EXPECT_THAT(Ended()[0], StatusIs(absl::StatusCode::kDeadlineExceeded, HasSubstr("not yet")));
  EXPECT_EQ(waiters.pending(), 0);
}

TEST_F(SyncWaitersTest, CancelEndsOnceAndFreesTheSlot) {
  SyncWaiters::Limits limits;
  limits.max_pending_per_peer = 1;
  SyncWaiters waiters(clock_, limits);
  UNGGUL_ASSERT_OK_AND_ASSIGN(uint64_t id, Wait(waiters, 3, absl::Hours(1)));
  EXPECT_THAT(
      Wait(waiters, 3, absl::Hours(1)).status(),
      StatusIs(absl::StatusCode::kResourceExhausted, HasSubstr("max_pending_waits_per_peer: 1")));
  waiters.Cancel(id);
  waiters.Cancel(id);  // no-op
  ASSERT_EQ(Ended().size(), 1u);
  EXPECT_THAT(Ended()[0], StatusIs(absl::StatusCode::kCancelled));
  UNGGUL_EXPECT_OK(Wait(waiters, 3, absl::Hours(1)).status());  // the slot is free again
}

TEST_F(SyncWaitersTest, LimitsArePerPeerAndInTotal) {
  SyncWaiters::Limits limits;
  limits.max_pending = 3;
  limits.max_pending_per_peer = 2;
  SyncWaiters waiters(clock_, limits);
  UNGGUL_ASSERT_OK(Wait(waiters, 3, absl::Hours(1), "a").status());
  UNGGUL_ASSERT_OK(Wait(waiters, 3, absl::Hours(1), "a").status());
  EXPECT_THAT(Wait(waiters, 3, absl::Hours(1), "a").status(),
              StatusIs(absl::StatusCode::kResourceExhausted, HasSubstr("from a")));
  UNGGUL_ASSERT_OK(Wait(waiters, 3, absl::Hours(1), "b").status());
  EXPECT_THAT(Wait(waiters, 3, absl::Hours(1), "c").status(),
              StatusIs(absl::StatusCode::kResourceExhausted, HasSubstr("max_pending_waits: 3")));
}

TEST_F(SyncWaitersTest, StoppingEndsEveryPendingWait) {
  {
    SyncWaiters waiters(clock_, SyncWaiters::Limits());
    UNGGUL_ASSERT_OK(Wait(waiters, 3, absl::Hours(1)).status());
    UNGGUL_ASSERT_OK(Wait(waiters, 4, absl::Hours(1)).status());
  }
  ASSERT_EQ(Ended().size(), 2u);
  for (const absl::Status& s : Ended()) EXPECT_THAT(s, StatusIs(absl::StatusCode::kUnavailable));
}

}  // namespace
}  // namespace unggul::node

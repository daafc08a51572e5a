#include "common/time/periodic_task.h"

#include <atomic>

#include "absl/synchronization/notification.h"
#include "common/testing/fake_clock.h"
#include "gtest/gtest.h"

namespace unggul {
namespace {

using ::unggul::testing::FakeClock;

// Blocks (without sleeping) until the task's thread waits on the clock.
void AwaitWaiter(const FakeClock& clock) { ASSERT_TRUE(clock.AwaitWaiter(absl::Seconds(30))); }

TEST(PeriodicTaskTest, RunsWhenTheClockPassesEachTickAndNotBefore) {
  FakeClock clock(absl::FromUnixSeconds(1795921200));
  absl::Mutex mu;
  int runs = 0;
  PeriodicTask task(clock, absl::Hours(1), [&] {
    absl::MutexLock lock(&mu);
    ++runs;
  });
  AwaitWaiter(clock);
  clock.Advance(absl::Minutes(59));
  AwaitWaiter(clock);  // woke, saw the tick is not reached, waits again
  EXPECT_EQ(task.runs(), 0);
  clock.Advance(absl::Minutes(1));
  {
    absl::MutexLock lock(&mu);
    mu.AwaitWithTimeout(absl::Condition(
                            +[](int* n) { return *n == 1; }, &runs),
                        absl::Seconds(30));
    EXPECT_EQ(runs, 1);
  }
  AwaitWaiter(clock);
  clock.Advance(absl::Hours(1));
  absl::MutexLock lock(&mu);
  mu.AwaitWithTimeout(absl::Condition(
                          +[](int* n) { return *n == 2; }, &runs),
                      absl::Seconds(30));
  EXPECT_EQ(runs, 2);
}

TEST(PeriodicTaskTest, StopsAtOnceWithoutTheClockMovingAndZeroIntervalStartsNothing) {
  FakeClock clock(absl::FromUnixSeconds(1795921200));
  std::atomic<int> runs{0};
  {
    PeriodicTask task(clock, absl::Hours(24), [&] { ++runs; });
    AwaitWaiter(clock);
  }  // the destructor returns although the fake clock never reaches the tick
  EXPECT_EQ(runs.load(), 0);
  PeriodicTask off(clock, absl::ZeroDuration(), [&] { ++runs; });
  clock.Advance(absl::Hours(48));
  EXPECT_EQ(off.runs(), 0);
}

TEST(FakeClockTest, WaitEndsWhenAdvancedPastTheDeadline) {
  FakeClock clock(absl::FromUnixSeconds(1795921200));
  const absl::Time deadline = clock.Now() + absl::Seconds(30);
  absl::Mutex mu;
  absl::CondVar cv;
  absl::Notification timed_out;
  std::thread waiter([&] {
    absl::MutexLock lock(&mu);
    while (!clock.WaitWithDeadline(cv, mu, deadline)) {
    }
    timed_out.Notify();
  });
  AwaitWaiter(clock);
  clock.Advance(absl::Seconds(29));
  EXPECT_FALSE(timed_out.HasBeenNotified());
  clock.Advance(absl::Seconds(1));
  timed_out.WaitForNotification();
  waiter.join();
}

}  // namespace
}  // namespace unggul

#include "common/executor/executor.h"

#include <atomic>

#include "absl/synchronization/notification.h"
#include "gtest/gtest.h"

namespace unggul {
namespace {

TEST(ThreadPoolExecutorTest, RunsEveryTaskAndDrainsOnDestruction) {
  std::atomic<int> ran{0};
  {
    ThreadPoolExecutor pool(2);
    for (int i = 0; i < 1000; ++i) pool.Schedule([&] { ++ran; });
    absl::Notification done;
    pool.Schedule([&] { done.Notify(); });
    ASSERT_TRUE(done.WaitForNotificationWithTimeout(absl::Seconds(30)));
  }
  EXPECT_EQ(ran.load(), 1000);
}

TEST(ManualExecutorTest, RunsTasksAndTheTasksTheySchedule) {
  ManualExecutor ex;
  int order = 0;
  int first = 0;
  int second = 0;
  ex.Schedule([&] {
    first = ++order;
    ex.Schedule([&] { second = ++order; });
  });
  EXPECT_EQ(ex.pending(), 1);
  EXPECT_EQ(first, 0);  // never inline
  EXPECT_EQ(ex.RunAll(), 2);
  EXPECT_EQ(first, 1);
  EXPECT_EQ(second, 2);
}

}  // namespace
}  // namespace unggul

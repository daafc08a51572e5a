#pragma once

// A timer: runs a task every interval of an injected Clock on its own thread. With a FakeClock
// the task runs when the test advances the clock past the next tick, never by real time passing.
// Thread-safe.

#include <functional>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/time/clock.h"

namespace unggul {

class PeriodicTask {
 public:
  // Runs `task` at Now() + interval, + 2 intervals, ... (a late run does not bunch up: the next
  // tick is one interval after the previous one ended). An interval <= 0 starts nothing.
  // `clock` must outlive the task.
  PeriodicTask(const Clock& clock, absl::Duration interval, std::function<void()> task);
  // Stops: waits for a running task to end, runs no more.
  ~PeriodicTask();

  PeriodicTask(const PeriodicTask&) = delete;
  PeriodicTask& operator=(const PeriodicTask&) = delete;

  // Times the task has run.
  int runs() const;

 private:
  void Loop();

  const Clock& clock_;
  const absl::Duration interval_;
  const std::function<void()> task_;
  mutable absl::Mutex mu_;
  absl::CondVar cv_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  int runs_ ABSL_GUARDED_BY(mu_) = 0;
  std::thread thread_;
};

}  // namespace unggul

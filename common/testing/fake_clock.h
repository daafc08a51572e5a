#pragma once

// A Clock the test moves by hand. Waits (WaitWithDeadline, SleepUntil, and through them every
// timeout, backoff and heartbeat of the code under test) end when Advance/Set reach their
// deadline, never by real time passing. Thread-safe. A waiter's CondVar and Mutex must outlive
// any Advance/Set that runs while it waits.

#include <cstdio>
#include <cstdlib>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/time/clock.h"

namespace unggul::testing {

class FakeClock final : public Clock {
 public:
  explicit FakeClock(absl::Time start) : now_(start) {}
  absl::Time Now() const override {
    absl::MutexLock lock(&mu_);
    return now_;
  }
  bool WaitWithDeadline(absl::CondVar& cv, absl::Mutex& waiter_mu,
                        absl::Time deadline) const override
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(waiter_mu) {
    const Waiter waiter{&cv, &waiter_mu};
    {
      absl::MutexLock lock(&mu_);
      if (now_ >= deadline) return true;
      waiters_.push_back(waiter);
    }
    // Advance/Set signal `cv` under `waiter_mu`, which this thread holds from the check above
    // until Wait releases it: a wake-up cannot fall in between.
    cv.Wait(&waiter_mu);
    absl::MutexLock lock(&mu_);
    for (auto it = waiters_.begin(); it != waiters_.end(); ++it) {
      if (it->cv == waiter.cv && it->mu == waiter.mu) {
        waiters_.erase(it);
        break;
      }
    }
    return now_ >= deadline;
  }
  void Advance(absl::Duration d) {
    Move([d](absl::Time t) { return t + d; });
  }
  void Set(absl::Time t) {
    Move([t](absl::Time) { return t; });
  }
  // Threads waiting on this clock now (tests wait for a waiter before advancing past its
  // deadline).
  int waiters() const {
    absl::MutexLock lock(&mu_);
    return static_cast<int>(waiters_.size());
  }
  // Blocks until a thread waits on this clock, or `timeout` (real time) passes; returns whether
  // one does. Woken by the waiter's registration itself (it changes waiters_ under mu_), so it
  // returns as soon as the waiter is there.
  bool AwaitWaiter(absl::Duration timeout) const {
    absl::MutexLock lock(&mu_);
    return mu_.AwaitWithTimeout(absl::Condition(
                                    +[](std::vector<Waiter>* w) { return !w->empty(); }, &waiters_),
                                timeout);
  }

 private:
  struct Waiter {
    absl::CondVar* cv;
    absl::Mutex* mu;
  };

  template <typename F>
  void Move(F next) {
    std::vector<Waiter> waiters;
    {
      absl::MutexLock lock(&mu_);
      now_ = next(now_);
      waiters = waiters_;
    }
    for (const Waiter& w : waiters) {
      absl::MutexLock lock(w.mu);
      w.cv->SignalAll();
    }
  }

  mutable absl::Mutex mu_;
  absl::Time now_ ABSL_GUARDED_BY(mu_);
  mutable std::vector<Waiter> waiters_ ABSL_GUARDED_BY(mu_);
};

// The wall clock as the binaries see it: shifted to UNGGUL_NOW when a dated ctest variant sets it
// (tests registered with unggul_test(... DATED) also run under two faked dates). Aborts with the
// reason on a malformed value, so a bad variant cannot pass silently.
inline SystemClock WallClockForTest() {
  absl::StatusOr<SystemClock> clock = SystemClockFromEnvironment();
  if (!clock.ok()) {
    std::fprintf(stderr, "%s\n", clock.status().ToString().c_str());
    std::abort();
  }
  return *clock;
}

}  // namespace unggul::testing

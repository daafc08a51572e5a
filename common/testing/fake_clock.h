#pragma once

// A Clock the test moves by hand. Thread-safe.

#include <cstdio>
#include <cstdlib>

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
  void Advance(absl::Duration d) {
    absl::MutexLock lock(&mu_);
    now_ += d;
  }
  void Set(absl::Time t) {
    absl::MutexLock lock(&mu_);
    now_ = t;
  }

 private:
  mutable absl::Mutex mu_;
  absl::Time now_ ABSL_GUARDED_BY(mu_);
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

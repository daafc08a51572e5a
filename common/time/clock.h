#pragma once

// Injected time as a system (the shape of Envoy's TimeSystem / SimulatedTimeSystem). Code never
// reads the system time itself: `main` passes a SystemClock, tests a FakeClock
// (common/testing/fake_clock.h) whose waiters wake when the test advances it. Only this library
// reads the system time. Thread-safe.
//
// One clock gives both dates and durations:
// - dates and timestamps that end up in data ("today" for validation, recorded_at, default
//   ranking periods, designation validity), which a rehearsal or a test may shift (UNGGUL_NOW);
// - timeouts, backoff, heartbeats and deadlines: Now() + d, then WaitWithDeadline. A shifted
//   SystemClock is shifted by a constant, so its waits last exactly as long as unshifted ones.
// Deadlines that leave the process (gRPC call deadlines) are real time: RealClock() below.

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace unggul {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual absl::Time Now() const = 0;

  // Blocks on `cv`, with `mu` held, until it is signalled or this clock reaches `deadline`
  // (absl::InfiniteFuture(): until signalled). Returns true when the deadline has passed, like
  // absl::CondVar::WaitWithDeadline. May return early with neither: callers re-check their
  // condition in a loop.
  virtual bool WaitWithDeadline(absl::CondVar& cv, absl::Mutex& mu, absl::Time deadline) const
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) = 0;

  // Blocks until Now() >= deadline.
  void SleepUntil(absl::Time deadline) const;
};

// The wall clock, optionally shifted by a fixed offset (zero by default).
class SystemClock final : public Clock {
 public:
  SystemClock() = default;
  explicit SystemClock(absl::Duration offset) : offset_(offset) {}
  absl::Time Now() const override;
  bool WaitWithDeadline(absl::CondVar& cv, absl::Mutex& mu, absl::Time deadline) const override
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu);
  absl::Duration offset() const { return offset_; }

 private:
  absl::Duration offset_ = absl::ZeroDuration();
};

// The unshifted system clock, for deadlines that leave the process (gRPC call deadlines, the
// server's drain deadline) and for code that has no injected clock (unggulctl).
const SystemClock& RealClock();

// Name of the environment variable that shifts the domain clock of every Unggul binary.
inline constexpr char kNowEnv[] = "UNGGUL_NOW";

// Parses an UNGGUL_NOW value: RFC 3339 ("2031-01-15T10:00:00+07:00", "2031-01-15T03:00:00Z") or a
// plain date "2031-01-15" (read as 12:00 Asia/Jakarta). InvalidArgument naming UNGGUL_NOW and the
// rule otherwise.
absl::StatusOr<absl::Time> ParseNowOverride(absl::string_view text);

// The process's domain clock. Without UNGGUL_NOW (or with it empty): the plain wall clock. With
// it: a wall clock that read that instant when this function ran and advances in real time from
// there — for tests that prove a verdict does not depend on the calendar, and for rehearsing a
// future period. InvalidArgument if the variable is malformed. Mains log a warning when shifted.
absl::StatusOr<SystemClock> SystemClockFromEnvironment();

}  // namespace unggul

#pragma once

// Injected time (envoy/common/time.h style). Code never reads the wall clock directly; `main`
// passes a SystemClock, tests a FakeClock (common/testing/fake_clock.h). Thread-safe.
//
// Two kinds of time are kept apart on purpose:
// - The *domain* clock (this `Clock`) gives dates and timestamps that end up in data: "today" for
//   validation, recorded_at, default ranking periods, designation validity. A rehearsal or a test
//   may shift it (UNGGUL_NOW below).
// - Timeouts, backoff and deadlines use absl::Now() directly; they are never shifted, so waits
//   behave the same whatever date the domain clock shows.

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace unggul {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual absl::Time Now() const = 0;
};

// The wall clock, optionally shifted by a fixed offset (zero by default).
class SystemClock final : public Clock {
 public:
  SystemClock() = default;
  explicit SystemClock(absl::Duration offset) : offset_(offset) {}
  absl::Time Now() const override;
  absl::Duration offset() const { return offset_; }

 private:
  absl::Duration offset_ = absl::ZeroDuration();
};

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

#include "common/time/clock.h"

#include <cstdlib>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/status/echo.h"

namespace unggul {

absl::Time SystemClock::Now() const { return absl::Now() + offset_; }

bool SystemClock::WaitWithDeadline(absl::CondVar& cv, absl::Mutex& mu, absl::Time deadline) const {
  if (deadline == absl::InfiniteFuture()) {
    cv.Wait(&mu);
    return false;
  }
  return cv.WaitWithDeadline(&mu, deadline - offset_);
}

void Clock::SleepUntil(absl::Time deadline) const {
  absl::Mutex mu;
  absl::CondVar cv;
  absl::MutexLock lock(&mu);
  while (Now() < deadline) WaitWithDeadline(cv, mu, deadline);
}

const SystemClock& RealClock() {
  static const SystemClock* const clock = new SystemClock();
  return *clock;
}

absl::StatusOr<absl::Time> ParseNowOverride(absl::string_view text) {
  const std::string s(text);
  std::string err;
  absl::Time t;
  if (absl::ParseTime(absl::RFC3339_full, s, &t, &err)) return t;
  // A plain date: noon in Asia/Jakarta (UTC+7), well away from any day or month boundary.
  if (s.size() == 10 &&
      absl::ParseTime("%Y-%m-%d %H:%M:%S %Ez", s + " 12:00:00 +07:00", &t, &err)) {
    return t;
  }
  return absl::InvalidArgumentError(
      absl::StrCat(kNowEnv, ": must be RFC 3339 (2031-01-15T10:00:00+07:00) or YYYY-MM-DD, got \"",
                   Echo(s), "\""));
}

absl::StatusOr<SystemClock> SystemClockFromEnvironment() {
  const char* value = std::getenv(kNowEnv);
  if (value == nullptr || *value == '\0') return SystemClock();
  absl::StatusOr<absl::Time> now = ParseNowOverride(value);
  if (!now.ok()) return now.status();
  return SystemClock(*now - absl::Now());
}

}  // namespace unggul

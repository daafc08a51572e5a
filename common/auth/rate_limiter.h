#pragma once

// Per-identity write rate limits: a token bucket per caller (a person, a token, a UPT node, or
// "anyone" on an open server) holding up to `per_minute` writes and refilled at `per_minute`
// writes a minute. A write that finds its bucket empty is refused with RESOURCE_EXHAUSTED naming
// the limit and when the next write is allowed; nothing is applied. Buckets of callers idle long
// enough to be full again are dropped when more than 10,000 are held. Time comes from the
// injected clock. Thread-safe.

#include <cstdint>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/time/clock.h"

namespace unggul::auth {

class RateLimiter {
 public:
  // `per_minute` 0: no limit.
  RateLimiter(const Clock& clock, int64_t per_minute) : clock_(clock), per_minute_(per_minute) {}

  // Takes one write from `caller`'s bucket. ResourceExhausted "write rate limit: <caller> may
  // write <N> times a minute (--write_rate_limit); next write in <d>" when it is empty.
  absl::Status Take(absl::string_view caller);

  int64_t per_minute() const { return per_minute_; }

 private:
  // The bucket as its "theoretical arrival time" (GCRA): each write moves it one interval
  // (a minute / per_minute) later; a write is allowed while it stays within a minute of now, less
  // one interval. Exact duration arithmetic, no drift.
  absl::Duration Interval() const { return absl::Minutes(1) / per_minute_; }

  const Clock& clock_;
  const int64_t per_minute_;
  absl::Mutex mu_;
  absl::flat_hash_map<std::string, absl::Time> buckets_ ABSL_GUARDED_BY(mu_);
};

}  // namespace unggul::auth

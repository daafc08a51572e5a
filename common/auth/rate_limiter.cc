#include "common/auth/rate_limiter.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"

namespace unggul::auth {
namespace {

constexpr size_t kMaxBuckets = 10'000;

}  // namespace

absl::Status RateLimiter::Take(absl::string_view caller) {
  if (per_minute_ <= 0) return absl::OkStatus();
  const absl::Time now = clock_.Now();
  const absl::Duration interval = Interval();
  const absl::Duration tolerance = absl::Minutes(1) - interval;
  absl::MutexLock lock(&mu_);
  if (buckets_.size() >= kMaxBuckets && !buckets_.contains(caller)) {
    absl::erase_if(buckets_, [&](const auto& entry) { return entry.second <= now; });  // full
  }
  absl::Time& tat = buckets_.try_emplace(caller, now).first->second;
  const absl::Time start = std::max(tat, now);
  if (start - now > tolerance) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "write rate limit: ", caller, " may write ", per_minute_,
        " times a minute (--write_rate_limit); next write in ",
        absl::FormatDuration(absl::Ceil(start - now - tolerance, absl::Milliseconds(1)))));
  }
  tat = start + interval;
  return absl::OkStatus();
}

}  // namespace unggul::auth

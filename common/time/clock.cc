#include "common/time/clock.h"

#include "absl/time/clock.h"

namespace unggul {

absl::Time SystemClock::Now() const { return absl::Now(); }

}  // namespace unggul

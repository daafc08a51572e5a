#pragma once

// Injected time (envoy/common/time.h style). Code never reads the wall clock directly; `main`
// passes a SystemClock, tests a FakeClock (common/testing/fake_clock.h). Thread-safe.

#include "absl/time/time.h"

namespace unggul {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual absl::Time Now() const = 0;
};

class SystemClock final : public Clock {
 public:
  absl::Time Now() const override;
};

}  // namespace unggul

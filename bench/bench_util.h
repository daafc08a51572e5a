#pragma once

// Small helpers shared by the benchmarks (bench/*_bench.cc): temp folders, timing, percentiles
// and process memory. Benchmarks only; never linked into services or tests.

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace unggul::bench {

// A new folder /tmp/<prefix>-XXXXXX, mode 0755 (a PostgreSQL server running as another user
// must read files in it). Empty on failure.
std::string MakeTempDir(absl::string_view prefix);

// Seconds / milliseconds elapsed since `start`.
double SecondsSince(absl::Time start);
double MillisSince(absl::Time start);

// The p-quantile (0..1) of `values`, linear interpolation between order statistics; 0 if empty.
double Percentile(std::vector<double> values, double p);

// VmRSS of a process in KiB (pid 0 = this process); 0 if unreadable.
int64_t RssKb(pid_t pid = 0);

}  // namespace unggul::bench

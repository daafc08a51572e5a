#include "bench/bench_util.h"

#include <stdlib.h>
#include <sys/stat.h>

#include <algorithm>
#include <fstream>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "common/time/clock.h"

namespace unggul::bench {

std::string MakeTempDir(absl::string_view prefix) {
  std::string templ = absl::StrCat("/tmp/", prefix, "-XXXXXX");
  if (mkdtemp(templ.data()) == nullptr) return "";
  chmod(templ.c_str(), 0755);
  return templ;
}

double SecondsSince(absl::Time start) {
  return absl::ToDoubleSeconds(unggul::RealClock().Now() - start);
}

double MillisSince(absl::Time start) {
  return absl::ToDoubleMilliseconds(unggul::RealClock().Now() - start);
}

double Percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const double h = (static_cast<double>(values.size()) - 1) * p;
  const size_t lo = static_cast<size_t>(h);
  const size_t hi = std::min(values.size() - 1, lo + 1);
  return values[lo] + (h - static_cast<double>(lo)) * (values[hi] - values[lo]);
}

int64_t RssKb(pid_t pid) {
  std::ifstream in(pid == 0 ? std::string("/proc/self/status")
                            : absl::StrCat("/proc/", pid, "/status"));
  std::string line;
  while (std::getline(in, line)) {
    if (absl::StartsWith(line, "VmRSS:")) {
      int64_t kb = 0;
      const absl::string_view value =
          absl::StripAsciiWhitespace(absl::StripSuffix(absl::string_view(line).substr(6), "kB"));
      return absl::SimpleAtoi(value, &kb) ? kb : 0;
    }
  }
  return 0;
}

}  // namespace unggul::bench

#include "common/time/dates.h"

#include <cstdio>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "common/status/echo.h"

namespace unggul {
namespace {
const absl::CivilDay kEpoch(1970, 1, 1);
}  // namespace

absl::StatusOr<int32_t> ParseDate(absl::string_view text, absl::string_view field) {
  auto bad = [&](absl::string_view rule) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": ", rule, ", got \"", Echo(text), "\""));
  };
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') {
    return bad("must be a date YYYY-MM-DD");
  }
  int parts[3] = {0, 0, 0};
  const int starts[3] = {0, 5, 8};
  const int lens[3] = {4, 2, 2};
  for (int i = 0; i < 3; ++i) {
    for (int j = 0; j < lens[i]; ++j) {
      const char c = text[starts[i] + j];
      if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) {
        return bad("must be a date YYYY-MM-DD");
      }
      parts[i] = parts[i] * 10 + (c - '0');
    }
  }
  const absl::CivilDay day(parts[0], parts[1], parts[2]);
  if (day.year() != parts[0] || day.month() != parts[1] || day.day() != parts[2]) {
    return bad("must be a real calendar day");
  }
  if (parts[0] < 1970) return bad("must be on or after 1970-01-01");
  return static_cast<int32_t>(day - kEpoch);
}

std::string FormatDate(int32_t day) {
  const absl::CivilDay civil = kEpoch + day;
  char buf[16];
  std::snprintf(buf, sizeof(buf), "%04d-%02d-%02d", static_cast<int>(civil.year()), civil.month(),
                civil.day());
  return buf;
}

int32_t JakartaDay(absl::Time t) {
  static const absl::TimeZone kJakarta = absl::FixedTimeZone(7 * 60 * 60);
  return static_cast<int32_t>(absl::ToCivilDay(t, kJakarta) - kEpoch);
}

std::string LastCompleteJakartaMonth(absl::Time t) {
  const absl::CivilMonth last = absl::CivilMonth(kEpoch + JakartaDay(t)) - 1;
  char buf[16];
  std::snprintf(buf, sizeof(buf), "%04d-%02d", static_cast<int>(last.year()), last.month());
  return buf;
}

}  // namespace unggul

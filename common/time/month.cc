#include "common/time/month.h"

#include <cstdio>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/status/echo.h"

namespace unggul {
namespace {

// Reads "YYYY-MM" at the start of `text` into year and month; false when it is not there.
bool ReadMonth(absl::string_view text, int& year, int& month) {
  if (text.size() < 7 || text[4] != '-') return false;
  for (int i : {0, 1, 2, 3, 5, 6}) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(text[i]))) return false;
  }
  year = (text[0] - '0') * 1000 + (text[1] - '0') * 100 + (text[2] - '0') * 10 + (text[3] - '0');
  month = (text[5] - '0') * 10 + (text[6] - '0');
  return year >= 1970 && month >= 1 && month <= 12;
}

}  // namespace

absl::StatusOr<Month> Month::Parse(absl::string_view text, absl::string_view field) {
  int year = 0;
  int month = 0;
  if (text.size() != 7 || !ReadMonth(text, year, month)) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": must be a month YYYY-MM, got \"", Echo(text), "\""));
  }
  return Month(absl::CivilMonth(year, month));
}

std::optional<Month> Month::Of(absl::string_view text) {
  int year = 0;
  int month = 0;
  if (!ReadMonth(text, year, month) || (text.size() > 7 && text[7] != '-')) return std::nullopt;
  return Month(absl::CivilMonth(year, month));
}

Month Month::FromYyyymm(uint32_t yyyymm) {
  return Month(absl::CivilMonth(static_cast<int>(yyyymm / 100), static_cast<int>(yyyymm % 100)));
}

Month Month::FromIndex(int index) { return Month(absl::CivilMonth(index / 12, index % 12 + 1)); }

std::string Month::ToString() const {
  char buf[16];
  std::snprintf(buf, sizeof(buf), "%04d-%02d", year(), month());
  return buf;
}

int Month::days() const {
  return static_cast<int>(absl::CivilDay(civil_ + 1) - absl::CivilDay(civil_));
}

}  // namespace unggul

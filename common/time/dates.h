#pragma once

// Calendar dates as used on the wire: "YYYY-MM-DD" in Asia/Jakarta (UTC+7, no DST), stored as
// days since 1970-01-01 (an int32, >= 0 for every accepted date). Thread-safe, no state.

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace unggul {

// Parses "YYYY-MM-DD" (exactly 10 characters, a real calendar day, 1970-01-01..9999-12-31).
// InvalidArgument naming `field` and the rule otherwise.
absl::StatusOr<int32_t> ParseDate(absl::string_view text, absl::string_view field);

// Formats days since the epoch as "YYYY-MM-DD".
std::string FormatDate(int32_t day);

// The calendar day in Asia/Jakarta at instant `t`, as days since the epoch.
int32_t JakartaDay(absl::Time t);

// "YYYY-MM" of the last complete calendar month in Asia/Jakarta at instant `t`: on 2026-12-03
// (Jakarta) that is "2026-11", on 2027-01-01 00:30 Jakarta (still 2026-12-31 in UTC) "2026-12".
// The default end of fixture windows and ranking periods.
std::string LastCompleteJakartaMonth(absl::Time t);

}  // namespace unggul

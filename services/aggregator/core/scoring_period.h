#pragma once

// Scoring periods as the Kanwil names them: whole months in Asia/Jakarta. Pure; thread-safe.

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/time/clock.h"
#include "unggul/kanwil/v1/scoring.pb.h"

namespace unggul::aggregator {

// The period [start_month, end_month] ("YYYY-MM", inclusive), labelled "2026" for a calendar
// year and "2025-12..2026-11" otherwise. Both empty: the last 12 complete months before
// `clock`'s today in Jakarta. InvalidArgument naming start_month/end_month for a malformed month
// or an end before the start.
absl::StatusOr<kanwil::v1::ScoringPeriod> ScoringPeriodFor(absl::string_view start_month,
                                                           absl::string_view end_month,
                                                           const Clock& clock);

}  // namespace unggul::aggregator

#include "services/aggregator/core/scoring_period.h"

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "common/status/status_macros.h"
#include "common/time/dates.h"
#include "common/time/month.h"

namespace unggul::aggregator {
namespace {

namespace kv1 = ::unggul::kanwil::v1;

absl::StatusOr<absl::CivilMonth> ParseMonth(absl::string_view text, absl::string_view field) {
  UNGGUL_ASSIGN_OR_RETURN(const Month month, Month::Parse(text, field));
  return month.civil();
}

std::string MonthText(absl::CivilMonth m) { return Month(m).ToString(); }

}  // namespace

absl::StatusOr<kv1::ScoringPeriod> ScoringPeriodFor(absl::string_view start_month,
                                                    absl::string_view end_month,
                                                    const Clock& clock) {
  kv1::ScoringPeriod period;
  absl::CivilMonth start;
  absl::CivilMonth end;
  if (start_month.empty() && end_month.empty()) {
    const absl::CivilDay today = absl::CivilDay(1970, 1, 1) + JakartaDay(clock.Now());
    end = absl::CivilMonth(today) - 1;
    start = end - 11;
  } else {
    UNGGUL_ASSIGN_OR_RETURN(start, ParseMonth(start_month, "start_month"));
    UNGGUL_ASSIGN_OR_RETURN(end, ParseMonth(end_month, "end_month"));
    if (start > end) return absl::InvalidArgumentError("end_month: must not be before start_month");
  }
  period.set_start_month(MonthText(start));
  period.set_end_month(MonthText(end));
  period.set_label(start.month() == 1 && end.month() == 12 && start.year() == end.year()
                       ? absl::StrCat(start.year())
                       : absl::StrCat(MonthText(start), "..", MonthText(end)));
  return period;
}

}  // namespace unggul::aggregator

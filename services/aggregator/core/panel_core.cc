#include "services/aggregator/core/panel_core.h"

#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/records/records.h"
#include "common/status/echo.h"
#include "common/status/status_macros.h"
#include "services/aggregator/core/scoring_period.h"

namespace unggul::aggregator {
namespace {

namespace kv1 = ::unggul::kanwil::v1;
namespace v1 = ::unggul::node::v1;

const std::set<std::string>& PanelIndicators() {
  static const auto* codes = new std::set<std::string>{"C3", "C4", "D2", "D4"};
  return *codes;
}

}  // namespace

absl::StatusOr<kv1::Assessment> PanelCore::SubmitAssessment(const kv1::Assessment& in) {
  if (PanelIndicators().count(in.indicator()) == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("indicator: must be a panel indicator (C3, C4, D2 or D4), got \"",
                     Echo(in.indicator()), "\""));
  }
  if (in.assessor_id().empty() || in.assessor_id().size() > 64) {
    return absl::InvalidArgumentError("assessor_id: is required (1..64 characters)");
  }
  if (in.score() < 0 || in.score() > 4) {
    return absl::InvalidArgumentError(
        absl::StrCat("score: must be 0..4 (rubric), got ", in.score()));
  }
  const std::string upt = registry_.OwnerOf(in.product_id());
  if (upt.empty())
    return absl::NotFoundError(absl::StrCat("product ", in.product_id(), " not found"));
  UNGGUL_RETURN_IF_ERROR(records_.GetRecord(RecordKind::kProduct, upt, in.product_id()).status());
  UNGGUL_ASSIGN_OR_RETURN(kv1::ScoringPeriod period,
                          ScoringPeriodFor(in.start_month(), in.end_month(), clock_));
  kv1::Assessment a = in;
  a.set_start_month(period.start_month());
  a.set_end_month(period.end_month());
  a.set_recorded_at_unix_ms(absl::ToUnixMillis(clock_.Now()));
  UNGGUL_RETURN_IF_ERROR(assessments_.PutAssessment(a));
  return a;
}

absl::StatusOr<kv1::VerifyMonthlyReportsResponse> PanelCore::VerifyMonthlyReports(
    const kv1::VerifyMonthlyReportsRequest& request) {
  if (request.verified_by().empty() || request.verified_by().size() > 64) {
    return absl::InvalidArgumentError("verified_by: is required (1..64 characters)");
  }
  if (!registry_.InRegistry(request.upt_code())) {
    return absl::NotFoundError(absl::StrCat("UPT ", request.upt_code(), " is not in the registry"));
  }
  UNGGUL_ASSIGN_OR_RETURN(kv1::ScoringPeriod period,
                          ScoringPeriodFor(request.start_month(), request.end_month(), clock_));
  std::vector<std::pair<std::string, std::string>> product_months;
  std::string token;
  do {
    UNGGUL_ASSIGN_OR_RETURN(
        ProductPage page,
        records_.ListProducts(request.upt_code(), v1::CATEGORY_UNSPECIFIED, 1000, token));
    for (const v1::Product& p : page.products) {
      UNGGUL_ASSIGN_OR_RETURN(std::vector<kv1::MonthlyRollup> months,
                              records_.GetRollups(request.upt_code(), p.product_id()));
      for (const kv1::MonthlyRollup& m : months) {
        if (m.labour_reports() > 0 && m.month() >= period.start_month() &&
            m.month() <= period.end_month()) {
          product_months.emplace_back(p.product_id(), m.month());
        }
      }
    }
    token = page.next_page_token;
  } while (!token.empty());
  UNGGUL_RETURN_IF_ERROR(assessments_.PutLabourVerifications(
      request.upt_code(), product_months, request.verified_by(), absl::ToUnixMillis(clock_.Now())));
  kv1::VerifyMonthlyReportsResponse out;
  out.set_product_months_verified(static_cast<int32_t>(product_months.size()));
  return out;
}

}  // namespace unggul::aggregator

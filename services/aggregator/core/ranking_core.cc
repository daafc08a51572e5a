#include "services/aggregator/core/ranking_core.h"

#include <map>
#include <set>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "common/crypto/sha256.h"
#include "common/records/records.h"
#include "common/status/status_macros.h"
#include "common/time/dates.h"
#include "services/aggregator/ranking/model.h"

namespace unggul::aggregator {
namespace {

namespace kv1 = ::unggul::kanwil::v1;
namespace v1 = ::unggul::node::v1;

absl::StatusOr<absl::CivilMonth> ParseMonth(absl::string_view text, absl::string_view field) {
  int year = 0;
  int month = 0;
  if (text.size() != 7 || text[4] != '-' || !absl::SimpleAtoi(text.substr(0, 4), &year) ||
      !absl::SimpleAtoi(text.substr(5, 2), &month) || month < 1 || month > 12 || year < 1970) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": must be a month YYYY-MM, got \"", text, "\""));
  }
  return absl::CivilMonth(year, month);
}

std::string MonthText(absl::CivilMonth m) {
  return absl::StrFormat("%04d-%02d", static_cast<int>(m.year()), m.month());
}

const std::set<std::string>& PanelIndicators() {
  static const auto* codes = new std::set<std::string>{"C3", "C4", "D2", "D4"};
  return *codes;
}

}  // namespace

RankingCore::RankingCore(KanwilStore& records, AssessmentStore& assessments,
                         const SyncCore& registry, const Clock& clock, kv1::ScoringModel model)
    : records_(records),
      assessments_(assessments),
      registry_(registry),
      clock_(clock),
      model_(std::move(model)),
      model_hash_(Sha256Hex(DeterministicBytes(model_))) {}

absl::StatusOr<kv1::ScoringPeriod> RankingCore::Period(absl::string_view start_month,
                                                       absl::string_view end_month) const {
  kv1::ScoringPeriod period;
  absl::CivilMonth start;
  absl::CivilMonth end;
  if (start_month.empty() && end_month.empty()) {
    const absl::CivilDay today = absl::CivilDay(1970, 1, 1) + JakartaDay(clock_.Now());
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

std::string RankingCore::OwnerOf(absl::string_view record_id) const {
  std::string best;
  for (const RegistryEntry& e : registry_.Registry()) {
    if (absl::StartsWith(record_id, e.upt_code + "-") && e.upt_code.size() > best.size()) {
      best = e.upt_code;
    }
  }
  return best;
}

absl::StatusOr<std::vector<ProductInput>> RankingCore::Inputs(const kv1::ScoringPeriod& period,
                                                              const std::string& upt_filter,
                                                              v1::Category category) const {
  UNGGUL_ASSIGN_OR_RETURN(absl::CivilMonth start, ParseMonth(period.start_month(), "start"));
  UNGGUL_ASSIGN_OR_RETURN(absl::CivilMonth end, ParseMonth(period.end_month(), "end"));
  const int64_t length = end - start + 1;
  const std::string prev_start = MonthText(start - length);
  const std::string first_month = period.start_month();
  std::vector<ProductInput> out;
  for (const RegistryEntry& upt : registry_.Registry()) {
    if (!upt_filter.empty() && upt.upt_code != upt_filter) continue;
    std::vector<v1::Product> products;
    std::string token;
    do {
      UNGGUL_ASSIGN_OR_RETURN(ProductPage page,
                              records_.ListProducts(upt.upt_code, category, 1000, token));
      for (v1::Product& p : page.products) products.push_back(std::move(p));
      token = page.next_page_token;
    } while (!token.empty());
    if (products.empty()) continue;
    // Certifications and trainings of the UPT (few per product).
    std::map<std::string, std::vector<v1::Certification>> certs;
    std::map<std::string, std::vector<v1::Training>> trainings;
    UNGGUL_ASSIGN_OR_RETURN(std::vector<v1::Record> all, records_.ListRecords(upt.upt_code));
    for (v1::Record& r : all) {
      if (r.has_certification()) {
        certs[r.certification().product_id()].push_back(std::move(*r.mutable_certification()));
      } else if (r.has_training()) {
        trainings[r.training().product_id()].push_back(std::move(*r.mutable_training()));
      }
    }
    for (v1::Product& product : products) {
      ProductInput in;
      in.upt_code = upt.upt_code;
      in.upt_type = upt.type;
      in.upt_active = true;
      UNGGUL_ASSIGN_OR_RETURN(in.rollups, records_.GetRollups(upt.upt_code, product.product_id()));
      // Revenue of the previous period of equal length: known when the product has rollups
      // before this period, 0 when it launched inside it, otherwise unknown.
      bool history = false;
      int64_t previous = 0;
      for (const kv1::MonthlyRollup& m : in.rollups) {
        if (m.month() < first_month) history = true;
        if (m.month() >= prev_start && m.month() < first_month) previous += m.revenue_idr();
      }
      if (history) {
        in.previous_period_revenue_idr = previous;
      } else if (!product.launch_date().empty() && product.launch_date() >= first_month) {
        in.previous_period_revenue_idr = 0;
      }
      UNGGUL_ASSIGN_OR_RETURN(
          std::vector<std::string> verified,
          assessments_.VerifiedLabourMonths(upt.upt_code, product.product_id()));
      const std::set<std::string> verified_set(verified.begin(), verified.end());
      for (const kv1::MonthlyRollup& m : in.rollups) {
        if (m.labour_reports() <= 0) continue;
        MonthlyReport report;
        report.month = m.month();
        report.distinct_inmates_engaged = m.distinct_inmates_engaged();
        report.small_cell = m.labour_small_cells() > 0;
        report.verified = verified_set.count(m.month()) > 0;
        in.monthly_reports.push_back(std::move(report));
      }
      in.certifications = certs[product.product_id()];
      in.trainings = trainings[product.product_id()];
      UNGGUL_ASSIGN_OR_RETURN(std::vector<kv1::Assessment> panel,
                              assessments_.ListAssessments(period.start_month(), period.end_month(),
                                                           product.product_id()));
      for (const kv1::Assessment& a : panel) {
        in.panel[a.indicator()].push_back(
            {a.assessor_id(), a.score(), a.external(), a.conflict_of_interest()});
      }
      in.submitted_at_unix_ms = product.created_at_unix_ms();
      in.product = std::move(product);
      out.push_back(std::move(in));
    }
  }
  return out;
}

absl::StatusOr<kv1::Ranking> RankingCore::Rank(const kv1::GetRankingRequest& request) const {
  UNGGUL_ASSIGN_OR_RETURN(kv1::ScoringPeriod period,
                          Period(request.start_month(), request.end_month()));
  kv1::ScoringModel model = model_;
  if (!request.weight_overrides().empty()) {
    std::map<std::string, double> overrides(request.weight_overrides().begin(),
                                            request.weight_overrides().end());
    UNGGUL_ASSIGN_OR_RETURN(model, ApplyWeightOverrides(model_, overrides));
  }
  UNGGUL_ASSIGN_OR_RETURN(std::vector<ProductInput> inputs,
                          Inputs(period, request.upt_code(), request.category()));
  return RankProducts(model, period, inputs);
}

absl::StatusOr<kv1::ProductScore> RankingCore::ScoreOf(
    const kv1::GetProductScoreRequest& request) const {
  if (request.product_id().empty()) return absl::InvalidArgumentError("product_id: is required");
  kv1::GetRankingRequest rank;
  rank.set_start_month(request.start_month());
  rank.set_end_month(request.end_month());
  UNGGUL_ASSIGN_OR_RETURN(kv1::Ranking ranking, Rank(rank));
  for (const kv1::ProductScore& s : ranking.products()) {
    if (s.product_id() == request.product_id()) return s;
  }
  return absl::NotFoundError(absl::StrCat("product ", request.product_id(), " not found"));
}

absl::StatusOr<kv1::ProductMap> RankingCore::Map(const kv1::GetRankingRequest& request) const {
  UNGGUL_ASSIGN_OR_RETURN(kv1::Ranking ranking, Rank(request));
  std::map<std::pair<int, std::string>, kv1::ProductMapCell> cells;
  std::map<std::string, v1::Category> category_of;
  UNGGUL_ASSIGN_OR_RETURN(kv1::ScoringPeriod period,
                          Period(request.start_month(), request.end_month()));
  UNGGUL_ASSIGN_OR_RETURN(std::vector<ProductInput> inputs,
                          Inputs(period, request.upt_code(), request.category()));
  for (const ProductInput& in : inputs)
    category_of[in.product.product_id()] = in.product.category();
  for (const kv1::ProductScore& s : ranking.products()) {
    const v1::Category cat = category_of[s.product_id()];
    kv1::ProductMapCell& cell = cells[{static_cast<int>(cat), s.upt_code()}];
    cell.set_category(cat);
    cell.set_upt_code(s.upt_code());
    cell.set_products(cell.products() + 1);
    if (s.rank() > 0) cell.set_ranked(cell.ranked() + 1);
    if (s.total() > cell.best_total() || cell.best_product_id().empty()) {
      cell.set_best_total(s.total());
      cell.set_best_product_id(s.product_id());
    }
  }
  kv1::ProductMap out;
  *out.mutable_period() = period;
  for (auto& [key, cell] : cells) *out.add_cells() = std::move(cell);
  return out;
}

absl::StatusOr<kv1::Assessment> RankingCore::SubmitAssessment(const kv1::Assessment& in) {
  if (PanelIndicators().count(in.indicator()) == 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "indicator: must be a panel indicator (C3, C4, D2 or D4), got \"", in.indicator(), "\""));
  }
  if (in.assessor_id().empty() || in.assessor_id().size() > 64) {
    return absl::InvalidArgumentError("assessor_id: is required (1..64 characters)");
  }
  if (in.score() < 0 || in.score() > 4) {
    return absl::InvalidArgumentError(
        absl::StrCat("score: must be 0..4 (rubric), got ", in.score()));
  }
  const std::string upt = OwnerOf(in.product_id());
  if (upt.empty())
    return absl::NotFoundError(absl::StrCat("product ", in.product_id(), " not found"));
  UNGGUL_RETURN_IF_ERROR(records_.GetRecord(RecordKind::kProduct, upt, in.product_id()).status());
  UNGGUL_ASSIGN_OR_RETURN(kv1::ScoringPeriod period, Period(in.start_month(), in.end_month()));
  kv1::Assessment a = in;
  a.set_start_month(period.start_month());
  a.set_end_month(period.end_month());
  a.set_recorded_at_unix_ms(absl::ToUnixMillis(clock_.Now()));
  UNGGUL_RETURN_IF_ERROR(assessments_.PutAssessment(a));
  return a;
}

absl::StatusOr<kv1::VerifyMonthlyReportsResponse> RankingCore::VerifyMonthlyReports(
    const kv1::VerifyMonthlyReportsRequest& request) {
  if (request.verified_by().empty() || request.verified_by().size() > 64) {
    return absl::InvalidArgumentError("verified_by: is required (1..64 characters)");
  }
  if (!registry_.InRegistry(request.upt_code())) {
    return absl::NotFoundError(absl::StrCat("UPT ", request.upt_code(), " is not in the registry"));
  }
  UNGGUL_ASSIGN_OR_RETURN(kv1::ScoringPeriod period,
                          Period(request.start_month(), request.end_month()));
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

absl::StatusOr<ScoreProvider::Frozen> RankingCore::ScoreFor(absl::string_view product_id,
                                                            absl::string_view start_month,
                                                            absl::string_view end_month) const {
  kv1::GetProductScoreRequest req;
  req.set_product_id(std::string(product_id));
  req.set_start_month(std::string(start_month));
  req.set_end_month(std::string(end_month));
  UNGGUL_ASSIGN_OR_RETURN(kv1::ProductScore score, ScoreOf(req));
  UNGGUL_ASSIGN_OR_RETURN(kv1::ScoringPeriod period, Period(start_month, end_month));
  Frozen f;
  f.score = std::move(score);
  f.model_version = absl::StrCat(model_.name(), " ", model_.version());
  f.model_hash = model_hash_;
  f.period_start = period.start_month() + "-01";
  UNGGUL_ASSIGN_OR_RETURN(absl::CivilMonth end, ParseMonth(period.end_month(), "end_month"));
  const absl::CivilDay last = absl::CivilDay(end + 1) - 1;
  f.period_end = FormatDate(static_cast<int32_t>(last - absl::CivilDay(1970, 1, 1)));
  f.period_label = period.label();
  return f;
}

}  // namespace unggul::aggregator

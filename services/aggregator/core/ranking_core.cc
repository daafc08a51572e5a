#include "services/aggregator/core/ranking_core.h"

#include <algorithm>
#include <map>
#include <set>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/time/civil_time.h"
#include "common/crypto/sha256.h"
#include "common/records/records.h"
#include "common/status/echo.h"
#include "common/status/status_macros.h"
#include "common/time/dates.h"
#include "common/time/month.h"
#include "services/aggregator/core/scoring_period.h"
#include "services/aggregator/ranking/model.h"

namespace unggul::aggregator {
namespace {

namespace kv1 = ::unggul::kanwil::v1;
namespace v1 = ::unggul::node::v1;

absl::StatusOr<absl::CivilMonth> ParseMonth(absl::string_view text, absl::string_view field) {
  UNGGUL_ASSIGN_OR_RETURN(const Month month, Month::Parse(text, field));
  return month.civil();
}

constexpr int kDefaultPageSize = 100;
constexpr int kMaxPageSize = 1000;

}  // namespace

RankingCore::RankingCore(const KanwilStore& records, const AssessmentStore& assessments,
                         const SyncCore& registry, const Clock& clock, kv1::ScoringModel model)
    : RankingCore(records, assessments, registry, clock, std::move(model), Options()) {}

RankingCore::RankingCore(const KanwilStore& records, const AssessmentStore& assessments,
                         const SyncCore& registry, const Clock& clock, kv1::ScoringModel model,
                         Options options)
    : clock_(clock),
      model_(std::move(model)),
      model_hash_(Sha256Hex(DeterministicBytes(model_))),
      snapshots_(
          std::make_unique<RankingSnapshots>(records, assessments, registry, clock, options)) {}

RankingCore::~RankingCore() = default;

absl::StatusOr<kv1::ScoringPeriod> RankingCore::Period(absl::string_view start_month,
                                                       absl::string_view end_month) const {
  return ScoringPeriodFor(start_month, end_month, clock_);
}

absl::StatusOr<RankingSpec> RankingCore::SpecOf(const kv1::GetRankingRequest& request) const {
  RankingSpec spec;
  UNGGUL_ASSIGN_OR_RETURN(spec.period, Period(request.start_month(), request.end_month()));
  spec.upt_filter = request.upt_code();
  spec.category = request.category();
  spec.key = absl::StrCat(spec.period.start_month(), "|", spec.period.end_month(), "|",
                          spec.upt_filter, "|", static_cast<int>(spec.category), "|");
  if (request.weight_overrides().empty()) {
    spec.model = model_;
  } else {
    std::map<std::string, double> overrides(request.weight_overrides().begin(),
                                            request.weight_overrides().end());
    UNGGUL_ASSIGN_OR_RETURN(spec.model, ApplyWeightOverrides(model_, overrides));
    for (const auto& [code, weight] : overrides) {
      absl::StrAppend(&spec.key, code, "=", absl::StrFormat("%.17g", weight), ";");
    }
  }
  return spec;
}

absl::StatusOr<kv1::Ranking> RankingCore::Rank(const kv1::GetRankingRequest& request) const {
  const int max_page = std::min(kMaxPageSize, std::max(1, max_page_size_));
  const int default_page = std::min(kDefaultPageSize, max_page);
  if (request.page_size() < 0 || request.page_size() > max_page) {
    return absl::InvalidArgumentError(
        absl::StrCat("page_size: must be 0..", max_page, " (0 = ", default_page,
                     "; --max_page_size), got ", request.page_size()));
  }
  const int page_size = request.page_size() == 0 ? default_page : request.page_size();
  if (request.max_staleness_seconds() < 0 || request.max_staleness_seconds() > 86400) {
    return absl::InvalidArgumentError(absl::StrCat("max_staleness_seconds: must be 0..86400, got ",
                                                   request.max_staleness_seconds()));
  }
  UNGGUL_ASSIGN_OR_RETURN(RankingSpec spec, SpecOf(request));
  std::shared_ptr<const RankingSnapshot> snap;
  int offset = 0;
  if (!request.page_token().empty()) {
    std::vector<std::string> parts = absl::StrSplit(request.page_token(), '.');
    uint64_t id = 0;
    if (parts.size() != 3 || parts[0] != "r1" || !absl::SimpleAtoi(parts[1], &id) ||
        !absl::SimpleAtoi(parts[2], &offset) || offset < 0) {
      return absl::InvalidArgumentError("page_token: malformed; pass next_page_token unchanged");
    }
    snap = snapshots_->Find(id);
    if (snap == nullptr) {
      return absl::AbortedError(
          "page_token: that ranking snapshot is no longer kept (the data changed and newer "
          "rankings replaced it); ask again from the first page");
    }
    if (snap->key != spec.key) {
      return absl::InvalidArgumentError(
          "page_token: belongs to a ranking with another period, filter or weights");
    }
    if (offset > snap->ranking->products_size()) {
      return absl::InvalidArgumentError("page_token: past the end of the ranking");
    }
  } else {
    UNGGUL_ASSIGN_OR_RETURN(
        snap, snapshots_->Materialise(spec, absl::Seconds(request.max_staleness_seconds())));
  }
  const kv1::Ranking& full = *snap->ranking;
  const bool summary = request.view() == kv1::RANKING_VIEW_SUMMARY;
  kv1::Ranking out;
  out.set_model_version(full.model_version());
  out.set_model_name(model_.name());
  out.set_model_hash(model_hash_);
  out.set_what_if(full.what_if());
  *out.mutable_period() = full.period();
  out.set_cohort_description(full.cohort_description());
  out.set_cohort_size(full.cohort_size());
  *out.mutable_caps() = full.caps();
  *out.mutable_top_product_ids() = full.top_product_ids();
  out.set_total_products(full.products_size());
  out.set_page_offset(offset);
  out.set_computed_at_unix_ms(snap->computed_at_unix_ms);
  out.set_compute_ms(snap->compute_ms);
  out.set_stale(snapshots_->IsStale(*snap));
  const int end = std::min(full.products_size(), offset + page_size);
  if (end < full.products_size()) {
    out.set_next_page_token(absl::StrCat("r1.", snap->id, ".", end));
  }
  // Close-call indices touching the page, in their original order.
  auto calls_of = [&](const absl::flat_hash_map<std::string, std::vector<int>>& index) {
    std::set<int> picked;
    for (int i = offset; i < end; ++i) {
      auto it = index.find(full.products(i).product_id());
      if (it != index.end()) picked.insert(it->second.begin(), it->second.end());
    }
    return picked;
  };
  out.mutable_products()->Reserve(end - offset);
  for (int i = offset; i < end; ++i) {
    *out.add_products() = summary ? *snap->summaries[static_cast<size_t>(i)] : full.products(i);
  }
  for (int i : calls_of(snap->calls)) *out.add_close_calls() = full.close_calls(i);
  for (int q = 0; q < full.sensitivity_size(); ++q) {
    const kv1::SensitivityResult& sr = full.sensitivity(q);
    kv1::SensitivityResult* o = out.add_sensitivity();
    o->set_profile(sr.profile());
    o->set_label(sr.label());
    *o->mutable_top_product_ids() = sr.top_product_ids();
    o->set_top_set_changed(sr.top_set_changed());
    std::set<int> entries;
    for (int i = offset; i < end; ++i) {
      auto it = snap->profile_position[q].find(full.products(i).product_id());
      if (it != snap->profile_position[q].end()) entries.insert(it->second);
    }
    for (int i : entries) *o->add_products() = sr.products(i);
    for (int i : calls_of(snap->profile_calls[q])) *o->add_close_calls() = sr.close_calls(i);
  }
  return out;
}

absl::StatusOr<int> RankingCore::RefreshStale() const {
  UNGGUL_ASSIGN_OR_RETURN(RankingSpec default_spec, SpecOf(kv1::GetRankingRequest()));
  return snapshots_->RefreshStale(default_spec);
}

absl::StatusOr<kv1::ProductScore> RankingCore::ScoreOf(
    const kv1::GetProductScoreRequest& request) const {
  if (request.product_id().empty()) return absl::InvalidArgumentError("product_id: is required");
  kv1::GetRankingRequest rank;
  rank.set_start_month(request.start_month());
  rank.set_end_month(request.end_month());
  UNGGUL_ASSIGN_OR_RETURN(RankingSpec spec, SpecOf(rank));
  UNGGUL_ASSIGN_OR_RETURN(std::shared_ptr<const RankingSnapshot> snap,
                          snapshots_->Materialise(spec));
  auto it = snap->position.find(request.product_id());
  if (it == snap->position.end()) {
    return absl::NotFoundError(absl::StrCat("product ", Echo(request.product_id()), " not found"));
  }
  return snap->ranking->products(it->second);
}

absl::StatusOr<kv1::ProductMap> RankingCore::Map(const kv1::GetRankingRequest& request) const {
  UNGGUL_ASSIGN_OR_RETURN(RankingSpec spec, SpecOf(request));
  UNGGUL_ASSIGN_OR_RETURN(std::shared_ptr<const RankingSnapshot> snap,
                          snapshots_->Materialise(spec));
  std::map<std::pair<int, std::string>, kv1::ProductMapCell> cells;
  for (const kv1::ProductScore& s : snap->ranking->products()) {
    kv1::ProductMapCell& cell = cells[{static_cast<int>(s.category()), s.upt_code()}];
    cell.set_category(s.category());
    cell.set_upt_code(s.upt_code());
    cell.set_products(cell.products() + 1);
    if (s.rank() > 0) cell.set_ranked(cell.ranked() + 1);
    if (s.total() > cell.best_total() || cell.best_product_id().empty()) {
      cell.set_best_total(s.total());
      cell.set_best_product_id(s.product_id());
    }
  }
  kv1::ProductMap out;
  *out.mutable_period() = spec.period;
  for (auto& [key, cell] : cells) *out.add_cells() = std::move(cell);
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

#include "services/aggregator/core/ranking_core.h"

#include <algorithm>
#include <list>
#include <map>
#include <set>
#include <tuple>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/civil_time.h"
#include "common/crypto/sha256.h"
#include "common/records/records.h"
#include "common/status/status_macros.h"
#include "common/time/dates.h"
#include "common/time/month.h"
#include "google/protobuf/arena.h"
#include "services/aggregator/core/ranking_inputs.h"
#include "services/aggregator/core/scoring_period.h"
#include "services/aggregator/ranking/model.h"
#include "services/aggregator/rollup/rollup.h"

namespace unggul::aggregator {
namespace {

namespace kv1 = ::unggul::kanwil::v1;
namespace v1 = ::unggul::node::v1;

absl::StatusOr<absl::CivilMonth> ParseMonth(absl::string_view text, absl::string_view field) {
  UNGGUL_ASSIGN_OR_RETURN(const Month month, Month::Parse(text, field));
  return month.civil();
}

}  // namespace

struct RankingCore::Spec {
  kv1::ScoringPeriod period;
  std::string upt_filter;
  v1::Category category = v1::CATEGORY_UNSPECIFIED;
  kv1::ScoringModel model;  // the stored model, or a what-if copy
  std::string key;          // period | filter | category | overrides
};

struct RankingCore::Snapshot {
  std::string key;
  uint64_t id = 0;  // names the snapshot in page tokens
  uint64_t data_version = 0;
  uint64_t registry_version = 0;
  int64_t computed_at_unix_ms = 0;
  double compute_ms = 0;
  size_t bytes = 0;  // the arena's size once built
  // Every message below lives on `arena`: computing and dropping a 30,000-product snapshot is a
  // few large allocations instead of millions of small ones.
  std::unique_ptr<google::protobuf::Arena> arena;
  kv1::Ranking* ranking = nullptr;  // every product, full breakdown
  // The same products in the summary view (no indicators, gates or floors), built once.
  std::vector<kv1::ProductScore*> summaries;
  // product_id -> position in ranking.products / close call indices, and the same per profile.
  absl::flat_hash_map<std::string, int> position;
  absl::flat_hash_map<std::string, std::vector<int>> calls;
  std::vector<absl::flat_hash_map<std::string, int>> profile_position;
  std::vector<absl::flat_hash_map<std::string, std::vector<int>>> profile_calls;
};

struct RankingCore::Cache {
  struct UptInputs {
    uint64_t version = 0;
    uint64_t registry_version = 0;
    std::vector<ProductInput> products;  // no panel scores (attached per computation)
  };
  absl::Mutex mu;
  std::list<std::shared_ptr<const Snapshot>> lru ABSL_GUARDED_BY(mu);         // front = most recent
  std::map<std::string, std::pair<Spec, int64_t>> specs ABSL_GUARDED_BY(mu);  // key -> last use
  uint64_t next_id ABSL_GUARDED_BY(mu) = 1;
  // One computation at a time; the per-UPT inputs belong to the computing thread.
  absl::Mutex compute_mu;
  std::map<std::tuple<std::string, std::string, std::string>, std::shared_ptr<const UptInputs>>
      inputs ABSL_GUARDED_BY(compute_mu);  // (start_month, end_month, upt_code)
};

namespace {

// Close calls indexed by both of their products.
absl::flat_hash_map<std::string, std::vector<int>> IndexCalls(
    const google::protobuf::RepeatedPtrField<kv1::CloseCall>& calls) {
  absl::flat_hash_map<std::string, std::vector<int>> out;
  for (int i = 0; i < calls.size(); ++i) {
    out[calls[i].higher_product_id()].push_back(i);
    out[calls[i].lower_product_id()].push_back(i);
  }
  return out;
}

constexpr int kDefaultPageSize = 100;
constexpr int kMaxPageSize = 1000;
constexpr int64_t kRefreshRecentMs = 60 * 60 * 1000;  // refresh rankings asked in the last hour

}  // namespace

RankingCore::RankingCore(KanwilStore& records, AssessmentStore& assessments,
                         const SyncCore& registry, const Clock& clock, kv1::ScoringModel model)
    : RankingCore(records, assessments, registry, clock, std::move(model), Options()) {}

RankingCore::RankingCore(KanwilStore& records, AssessmentStore& assessments,
                         const SyncCore& registry, const Clock& clock, kv1::ScoringModel model,
                         Options options)
    : records_(records),
      assessments_(assessments),
      registry_(registry),
      clock_(clock),
      model_(std::move(model)),
      model_hash_(Sha256Hex(DeterministicBytes(model_))),
      options_(options),
      cache_(std::make_unique<Cache>()) {}

RankingCore::~RankingCore() = default;

absl::StatusOr<kv1::ScoringPeriod> RankingCore::Period(absl::string_view start_month,
                                                       absl::string_view end_month) const {
  return ScoringPeriodFor(start_month, end_month, clock_);
}

absl::StatusOr<RankingCore::Spec> RankingCore::SpecOf(const kv1::GetRankingRequest& request) const {
  Spec spec;
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

absl::StatusOr<std::vector<const ProductInput*>> RankingCore::Gather(
    const Spec& spec, std::vector<ProductInput>& with_kanwil_inputs) const {
  UNGGUL_ASSIGN_OR_RETURN(absl::CivilMonth start, ParseMonth(spec.period.start_month(), "start"));
  UNGGUL_ASSIGN_OR_RETURN(absl::CivilMonth end, ParseMonth(spec.period.end_month(), "end"));
  cache_->compute_mu.AssertHeld();
  const uint64_t registry_version = registry_.registry_version();
  std::vector<const ProductInput*> out;
  for (const RegistryEntry& upt : registry_.Registry()) {
    if (!spec.upt_filter.empty() && upt.upt_code != spec.upt_filter) continue;
    const uint64_t version = records_.UptDataVersion(upt.upt_code);  // before reading the data
    const auto key =
        std::make_tuple(spec.period.start_month(), spec.period.end_month(), upt.upt_code);
    std::shared_ptr<const Cache::UptInputs>& cached = cache_->inputs[key];
    if (cached == nullptr || cached->version != version ||
        cached->registry_version != registry_version) {
      auto fresh = std::make_shared<Cache::UptInputs>();
      fresh->version = version;
      fresh->registry_version = registry_version;
      UNGGUL_ASSIGN_OR_RETURN(fresh->products,
                              LoadUptInputs(records_, assessments_, upt, start, end));
      cached = std::move(fresh);
    }
    for (const ProductInput& in : cached->products) {
      if (spec.category != v1::CATEGORY_UNSPECIFIED && in.product.category() != spec.category) {
        continue;
      }
      out.push_back(&in);
    }
  }
  // Kanwil-side inputs: the period's panel scores (one scan) and the incidents open on its last
  // day; only products that have either are copied.
  UNGGUL_ASSIGN_OR_RETURN(
      std::vector<kv1::Assessment> panel,
      assessments_.ListAssessments(spec.period.start_month(), spec.period.end_month(), ""));
  std::map<std::string, std::vector<const kv1::Assessment*>> by_product;
  for (const kv1::Assessment& a : panel) by_product[a.product_id()].push_back(&a);
  const std::string last_day =
      FormatDate(static_cast<int32_t>(absl::CivilDay(end + 1) - 1 - absl::CivilDay(1970, 1, 1)));
  UNGGUL_ASSIGN_OR_RETURN(std::vector<kv1::Incident> incidents, assessments_.ListIncidents());
  std::map<std::string, std::vector<const kv1::Incident*>> open_incidents;
  for (const kv1::Incident& i : incidents) {
    if (i.opened_date() <= last_day && (i.closed_date().empty() || i.closed_date() > last_day)) {
      open_incidents[i.product_id()].push_back(&i);
    }
  }
  std::set<std::string> touched;
  for (const auto& entry : by_product) touched.insert(entry.first);
  for (const auto& entry : open_incidents) touched.insert(entry.first);
  with_kanwil_inputs.clear();
  with_kanwil_inputs.reserve(out.size());  // never reallocates below: pointers stay valid
  for (const ProductInput*& in : out) {
    const std::string& id = in->product.product_id();
    if (touched.count(id) == 0) continue;
    ProductInput& copy = with_kanwil_inputs.emplace_back(*in);
    if (auto it = by_product.find(id); it != by_product.end()) {
      for (const kv1::Assessment* a : it->second) {
        copy.panel[a->indicator()].push_back(
            {a->assessor_id(), a->score(), a->external(), a->conflict_of_interest()});
      }
    }
    if (auto it = open_incidents.find(id); it != open_incidents.end()) {
      for (const kv1::Incident* i : it->second) {
        Incident incident;
        incident.kind = i->kind() == kv1::INCIDENT_KIND_RECALL ? Incident::Kind::kRecall
                        : i->kind() == kv1::INCIDENT_KIND_AUDIT_FINDING
                            ? Incident::Kind::kAuditFinding
                            : Incident::Kind::kFoodSafety;
        incident.ref = i->reference();
        copy.open_incidents.push_back(std::move(incident));
      }
    }
    in = &copy;
  }
  return out;
}

absl::StatusOr<std::shared_ptr<const RankingCore::Snapshot>> RankingCore::Materialise(
    const Spec& spec, absl::Duration max_staleness, bool asked) const {
  Cache& c = *cache_;
  // Snapshots evicted below are dropped when this function returns, after the locks are released.
  std::vector<std::shared_ptr<const Snapshot>> evicted;
  const int64_t now_ms = absl::ToUnixMillis(clock_.Now());
  // Remembers the spec for the refresher; the last-use time moves only when a caller asked.
  auto remember = [&](const Spec& used) {
    c.mu.AssertHeld();
    auto& entry = c.specs[used.key];
    entry.first = used;
    if (asked) entry.second = now_ms;
  };
  auto current = [&](uint64_t data, uint64_t registry) -> std::shared_ptr<const Snapshot> {
    c.mu.AssertHeld();
    for (auto it = c.lru.begin(); it != c.lru.end(); ++it) {
      if ((*it)->key == spec.key && (*it)->data_version == data &&
          (*it)->registry_version == registry) {
        std::shared_ptr<const Snapshot> hit = *it;
        c.lru.splice(c.lru.begin(), c.lru, it);
        remember(spec);
        return hit;
      }
    }
    return nullptr;
  };
  {
    const uint64_t data = records_.DataVersion();
    const uint64_t registry = registry_.registry_version();
    absl::MutexLock lock(&c.mu);
    if (auto hit = current(data, registry)) return hit;
    if (max_staleness > absl::ZeroDuration()) {
      std::shared_ptr<const Snapshot> newest;
      for (const auto& s : c.lru) {
        if (s->key == spec.key && (newest == nullptr || s->id > newest->id)) newest = s;
      }
      if (newest != nullptr &&
          now_ms - newest->computed_at_unix_ms <= absl::ToInt64Milliseconds(max_staleness)) {
        remember(spec);
        return newest;
      }
    }
  }
  absl::MutexLock compute(&c.compute_mu);
  // Versions are read before the data; a write after this point makes the result stale (and
  // recomputed later), never wrongly current.
  const uint64_t data = records_.DataVersion();
  const uint64_t registry = registry_.registry_version();
  const int64_t computed_ms = absl::ToUnixMillis(clock_.Now());  // the state it reflects
  {
    absl::MutexLock lock(&c.mu);
    if (auto hit = current(data, registry)) return hit;  // computed while we waited
  }
  const absl::Time started = clock_.Now();
  std::vector<ProductInput> with_kanwil_inputs;
  UNGGUL_ASSIGN_OR_RETURN(std::vector<const ProductInput*> inputs,
                          Gather(spec, with_kanwil_inputs));
  auto snapshot = std::make_shared<Snapshot>();
  google::protobuf::ArenaOptions arena_options;
  arena_options.start_block_size = 1 << 20;
  arena_options.max_block_size = 16 << 20;
  snapshot->arena = std::make_unique<google::protobuf::Arena>(arena_options);
  google::protobuf::Arena* arena = snapshot->arena.get();
  snapshot->ranking = google::protobuf::Arena::CreateMessage<kv1::Ranking>(arena);
  UNGGUL_RETURN_IF_ERROR(RankProductsInto(spec.model, spec.period, inputs, snapshot->ranking));
  kv1::Ranking& r = *snapshot->ranking;
  snapshot->position.reserve(r.products_size());
  snapshot->summaries.reserve(r.products_size());
  // Holds a product's breakdown aside (same arena: swaps are pointer swaps) while it is copied.
  auto* aside = google::protobuf::Arena::CreateMessage<kv1::ProductScore>(arena);
  for (int i = 0; i < r.products_size(); ++i) {
    kv1::ProductScore& p = *r.mutable_products(i);
    snapshot->position[p.product_id()] = i;
    auto* summary = google::protobuf::Arena::CreateMessage<kv1::ProductScore>(arena);
    p.mutable_indicators()->Swap(aside->mutable_indicators());
    p.mutable_gates()->Swap(aside->mutable_gates());
    p.mutable_floors()->Swap(aside->mutable_floors());
    summary->CopyFrom(p);
    p.mutable_indicators()->Swap(aside->mutable_indicators());
    p.mutable_gates()->Swap(aside->mutable_gates());
    p.mutable_floors()->Swap(aside->mutable_floors());
    snapshot->summaries.push_back(summary);
  }
  snapshot->calls = IndexCalls(r.close_calls());
  for (const kv1::SensitivityResult& sr : r.sensitivity()) {
    absl::flat_hash_map<std::string, int>& pos = snapshot->profile_position.emplace_back();
    pos.reserve(sr.products_size());
    for (int i = 0; i < sr.products_size(); ++i) pos[sr.products(i).product_id()] = i;
    snapshot->profile_calls.push_back(IndexCalls(sr.close_calls()));
  }
  snapshot->bytes = static_cast<size_t>(arena->SpaceUsed());
  snapshot->key = spec.key;
  snapshot->data_version = data;
  snapshot->registry_version = registry;
  snapshot->computed_at_unix_ms = computed_ms;
  snapshot->compute_ms = absl::ToDoubleMilliseconds(clock_.Now() - started);
  absl::MutexLock lock(&c.mu);
  snapshot->id = c.next_id++;
  c.lru.push_front(snapshot);
  remember(spec);
  size_t bytes = 0;
  for (const auto& s : c.lru) bytes += s->bytes;
  while (c.lru.size() > 1 &&
         (c.lru.size() > options_.max_cached_rankings || bytes > options_.max_cache_bytes)) {
    bytes -= c.lru.back()->bytes;
    evicted.push_back(std::move(c.lru.back()));
    c.lru.pop_back();
  }
  // Keep inputs only for periods some kept snapshot uses; forget specs no snapshot has.
  std::set<std::pair<std::string, std::string>> periods;
  std::set<std::string> keys;
  for (const auto& s : c.lru) {
    periods.emplace(s->ranking->period().start_month(), s->ranking->period().end_month());
    keys.insert(s->key);
  }
  for (auto it = c.inputs.begin(); it != c.inputs.end();) {
    it = periods.count({std::get<0>(it->first), std::get<1>(it->first)}) > 0 ? std::next(it)
                                                                             : c.inputs.erase(it);
  }
  for (auto it = c.specs.begin(); it != c.specs.end();) {
    it = keys.count(it->first) > 0 ? std::next(it) : c.specs.erase(it);
  }
  return std::shared_ptr<const Snapshot>(std::move(snapshot));
}

absl::StatusOr<kv1::Ranking> RankingCore::Rank(const kv1::GetRankingRequest& request) const {
  if (request.page_size() < 0 || request.page_size() > kMaxPageSize) {
    return absl::InvalidArgumentError(absl::StrCat("page_size: must be 0..", kMaxPageSize,
                                                   " (0 = ", kDefaultPageSize, "), got ",
                                                   request.page_size()));
  }
  const int page_size = request.page_size() == 0 ? kDefaultPageSize : request.page_size();
  if (request.max_staleness_seconds() < 0 || request.max_staleness_seconds() > 86400) {
    return absl::InvalidArgumentError(absl::StrCat("max_staleness_seconds: must be 0..86400, got ",
                                                   request.max_staleness_seconds()));
  }
  UNGGUL_ASSIGN_OR_RETURN(Spec spec, SpecOf(request));
  std::shared_ptr<const Snapshot> snap;
  int offset = 0;
  if (!request.page_token().empty()) {
    std::vector<std::string> parts = absl::StrSplit(request.page_token(), '.');
    uint64_t id = 0;
    if (parts.size() != 3 || parts[0] != "r1" || !absl::SimpleAtoi(parts[1], &id) ||
        !absl::SimpleAtoi(parts[2], &offset) || offset < 0) {
      return absl::InvalidArgumentError("page_token: malformed; pass next_page_token unchanged");
    }
    absl::MutexLock lock(&cache_->mu);
    for (const auto& s : cache_->lru) {
      if (s->id == id) snap = s;
    }
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
    UNGGUL_ASSIGN_OR_RETURN(snap,
                            Materialise(spec, absl::Seconds(request.max_staleness_seconds())));
  }
  const kv1::Ranking& full = *snap->ranking;
  const bool summary = request.view() == kv1::RANKING_VIEW_SUMMARY;
  kv1::Ranking out;
  out.set_model_version(full.model_version());
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
  out.set_stale(snap->data_version != records_.DataVersion() ||
                snap->registry_version != registry_.registry_version());
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
  UNGGUL_ASSIGN_OR_RETURN(Spec default_spec, SpecOf(kv1::GetRankingRequest()));
  const int64_t now_ms = absl::ToUnixMillis(clock_.Now());
  std::vector<Spec> specs{default_spec};
  {
    absl::MutexLock lock(&cache_->mu);
    std::set<std::string> seen{default_spec.key};
    for (const auto& s : cache_->lru) {
      auto it = cache_->specs.find(s->key);
      if (it == cache_->specs.end() || !seen.insert(s->key).second) continue;
      if (now_ms - it->second.second <= kRefreshRecentMs) specs.push_back(it->second.first);
    }
  }
  int recomputed = 0;
  for (const Spec& spec : specs) {
    const uint64_t data = records_.DataVersion();
    const uint64_t registry = registry_.registry_version();
    bool current = false;
    {
      absl::MutexLock lock(&cache_->mu);
      for (const auto& s : cache_->lru) {
        current = current || (s->key == spec.key && s->data_version == data &&
                              s->registry_version == registry);
      }
    }
    if (current) continue;
    UNGGUL_RETURN_IF_ERROR(Materialise(spec, absl::ZeroDuration(), /*asked=*/false).status());
    ++recomputed;
  }
  return recomputed;
}

absl::StatusOr<kv1::ProductScore> RankingCore::ScoreOf(
    const kv1::GetProductScoreRequest& request) const {
  if (request.product_id().empty()) return absl::InvalidArgumentError("product_id: is required");
  kv1::GetRankingRequest rank;
  rank.set_start_month(request.start_month());
  rank.set_end_month(request.end_month());
  UNGGUL_ASSIGN_OR_RETURN(Spec spec, SpecOf(rank));
  UNGGUL_ASSIGN_OR_RETURN(std::shared_ptr<const Snapshot> snap, Materialise(spec));
  auto it = snap->position.find(request.product_id());
  if (it == snap->position.end()) {
    return absl::NotFoundError(absl::StrCat("product ", request.product_id(), " not found"));
  }
  return snap->ranking->products(it->second);
}

absl::StatusOr<kv1::ProductMap> RankingCore::Map(const kv1::GetRankingRequest& request) const {
  UNGGUL_ASSIGN_OR_RETURN(Spec spec, SpecOf(request));
  UNGGUL_ASSIGN_OR_RETURN(std::shared_ptr<const Snapshot> snap, Materialise(spec));
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

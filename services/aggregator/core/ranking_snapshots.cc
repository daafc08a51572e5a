#include "services/aggregator/core/ranking_snapshots.h"

#include <set>

#include "common/status/status_macros.h"

namespace unggul::aggregator {
namespace {

namespace kv1 = ::unggul::kanwil::v1;

constexpr int64_t kRefreshRecentMs = 60 * 60 * 1000;  // refresh rankings asked in the last hour

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

// Positions, summaries and close-call indices of a computed ranking.
void Index(RankingSnapshot& snapshot) {
  google::protobuf::Arena* arena = snapshot.arena.get();
  kv1::Ranking& r = *snapshot.ranking;
  snapshot.position.reserve(r.products_size());
  snapshot.summaries.reserve(r.products_size());
  // Holds a product's breakdown aside (same arena: swaps are pointer swaps) while it is copied.
  auto* aside = google::protobuf::Arena::CreateMessage<kv1::ProductScore>(arena);
  auto swap_breakdown = [aside](kv1::ProductScore& p) {
    p.mutable_indicators()->Swap(aside->mutable_indicators());
    p.mutable_gates()->Swap(aside->mutable_gates());
    p.mutable_floors()->Swap(aside->mutable_floors());
  };
  for (int i = 0; i < r.products_size(); ++i) {
    kv1::ProductScore& p = *r.mutable_products(i);
    snapshot.position[p.product_id()] = i;
    auto* summary = google::protobuf::Arena::CreateMessage<kv1::ProductScore>(arena);
    swap_breakdown(p);
    summary->CopyFrom(p);
    swap_breakdown(p);
    // What keeps a product out of the ranking stays in the summary: its failed gates (with the
    // reason) and failed floors (with the points), so a table can say why.
    for (const kv1::GateResult& g : p.gates()) {
      if (!g.passed()) *summary->add_gates() = g;
    }
    for (const kv1::FloorResult& f : p.floors()) {
      if (!f.passed()) *summary->add_floors() = f;
    }
    snapshot.summaries.push_back(summary);
  }
  snapshot.calls = IndexCalls(r.close_calls());
  for (const kv1::SensitivityResult& sr : r.sensitivity()) {
    absl::flat_hash_map<std::string, int>& pos = snapshot.profile_position.emplace_back();
    pos.reserve(sr.products_size());
    for (int i = 0; i < sr.products_size(); ++i) pos[sr.products(i).product_id()] = i;
    snapshot.profile_calls.push_back(IndexCalls(sr.close_calls()));
  }
}

}  // namespace

RankingSnapshots::RankingSnapshots(const KanwilStore& records, const AssessmentStore& assessments,
                                   const SyncCore& registry, const Clock& clock, Options options)
    : records_(records),
      registry_(registry),
      clock_(clock),
      options_(options),
      inputs_(records, assessments, registry) {}

void RankingSnapshots::RememberLocked(const RankingSpec& spec, int64_t now_ms, bool asked) {
  auto& entry = specs_[spec.key];
  entry.first = spec;
  if (asked) entry.second = now_ms;
}

std::shared_ptr<const RankingSnapshot> RankingSnapshots::CurrentLocked(const RankingSpec& spec,
                                                                       uint64_t data,
                                                                       uint64_t registry,
                                                                       int64_t now_ms, bool asked) {
  for (auto it = lru_.begin(); it != lru_.end(); ++it) {
    if ((*it)->key == spec.key && (*it)->data_version == data &&
        (*it)->registry_version == registry) {
      std::shared_ptr<const RankingSnapshot> hit = *it;
      lru_.splice(lru_.begin(), lru_, it);
      RememberLocked(spec, now_ms, asked);
      return hit;
    }
  }
  return nullptr;
}

absl::StatusOr<std::shared_ptr<RankingSnapshot>> RankingSnapshots::Compute(
    const RankingSpec& spec) {
  // Versions are read before the data; a write after this point makes the result stale.
  auto snapshot = std::make_shared<RankingSnapshot>();
  snapshot->data_version = records_.DataVersion();
  snapshot->registry_version = registry_.registry_version();
  snapshot->computed_at_unix_ms = absl::ToUnixMillis(clock_.Now());  // the state it reflects
  const absl::Time started = clock_.Now();
  std::vector<ProductInput> with_kanwil_inputs;
  UNGGUL_ASSIGN_OR_RETURN(std::vector<const ProductInput*> inputs,
                          inputs_.Gather(spec, with_kanwil_inputs));
  google::protobuf::ArenaOptions arena_options;
  arena_options.start_block_size = 1 << 20;
  arena_options.max_block_size = 16 << 20;
  snapshot->arena = std::make_unique<google::protobuf::Arena>(arena_options);
  snapshot->ranking = google::protobuf::Arena::CreateMessage<kv1::Ranking>(snapshot->arena.get());
  UNGGUL_RETURN_IF_ERROR(RankProductsInto(spec.model, spec.period, inputs, snapshot->ranking));
  Index(*snapshot);
  snapshot->bytes = static_cast<size_t>(snapshot->arena->SpaceUsed());
  snapshot->key = spec.key;
  snapshot->compute_ms = absl::ToDoubleMilliseconds(clock_.Now() - started);
  return snapshot;
}

absl::StatusOr<std::shared_ptr<const RankingSnapshot>> RankingSnapshots::Materialise(
    const RankingSpec& spec, absl::Duration max_staleness, bool asked) {
  // Snapshots evicted below are dropped when this function returns, after the locks are released.
  std::vector<std::shared_ptr<const RankingSnapshot>> evicted;
  const int64_t now_ms = absl::ToUnixMillis(clock_.Now());
  {
    const uint64_t data = records_.DataVersion();
    const uint64_t registry = registry_.registry_version();
    absl::MutexLock lock(&mu_);
    if (auto hit = CurrentLocked(spec, data, registry, now_ms, asked)) return hit;
    if (max_staleness > absl::ZeroDuration()) {
      std::shared_ptr<const RankingSnapshot> newest;
      for (const auto& s : lru_) {
        if (s->key == spec.key && (newest == nullptr || s->id > newest->id)) newest = s;
      }
      if (newest != nullptr &&
          now_ms - newest->computed_at_unix_ms <= absl::ToInt64Milliseconds(max_staleness)) {
        RememberLocked(spec, now_ms, asked);
        return newest;
      }
    }
  }
  absl::MutexLock compute(&compute_mu_);
  {
    const uint64_t data = records_.DataVersion();
    const uint64_t registry = registry_.registry_version();
    absl::MutexLock lock(&mu_);
    // Computed while we waited?
    if (auto hit = CurrentLocked(spec, data, registry, now_ms, asked)) return hit;
  }
  UNGGUL_ASSIGN_OR_RETURN(std::shared_ptr<RankingSnapshot> snapshot, Compute(spec));
  absl::MutexLock lock(&mu_);
  snapshot->id = next_id_++;
  lru_.push_front(snapshot);
  RememberLocked(spec, now_ms, asked);
  size_t bytes = 0;
  for (const auto& s : lru_) bytes += s->bytes;
  while (lru_.size() > 1 &&
         (lru_.size() > options_.max_cached_rankings || bytes > options_.max_cache_bytes)) {
    bytes -= lru_.back()->bytes;
    evicted.push_back(std::move(lru_.back()));
    lru_.pop_back();
  }
  // Keep inputs only for periods some kept snapshot uses; forget specs no snapshot has.
  std::set<std::pair<std::string, std::string>> periods;
  std::set<std::string> keys;
  for (const auto& s : lru_) {
    periods.emplace(s->ranking->period().start_month(), s->ranking->period().end_month());
    keys.insert(s->key);
  }
  inputs_.Retain(periods);
  for (auto it = specs_.begin(); it != specs_.end();) {
    it = keys.count(it->first) > 0 ? std::next(it) : specs_.erase(it);
  }
  return std::shared_ptr<const RankingSnapshot>(std::move(snapshot));
}

std::shared_ptr<const RankingSnapshot> RankingSnapshots::Find(uint64_t id) const {
  absl::MutexLock lock(&mu_);
  for (const auto& s : lru_) {
    if (s->id == id) return s;
  }
  return nullptr;
}

bool RankingSnapshots::IsStale(const RankingSnapshot& snapshot) const {
  return snapshot.data_version != records_.DataVersion() ||
         snapshot.registry_version != registry_.registry_version();
}

absl::StatusOr<int> RankingSnapshots::RefreshStale(const RankingSpec& default_spec) {
  const int64_t now_ms = absl::ToUnixMillis(clock_.Now());
  std::vector<RankingSpec> specs{default_spec};
  {
    absl::MutexLock lock(&mu_);
    std::set<std::string> seen{default_spec.key};
    for (const auto& s : lru_) {
      auto it = specs_.find(s->key);
      if (it == specs_.end() || !seen.insert(s->key).second) continue;
      if (now_ms - it->second.second <= kRefreshRecentMs) specs.push_back(it->second.first);
    }
  }
  int recomputed = 0;
  for (const RankingSpec& spec : specs) {
    bool current = false;
    {
      absl::MutexLock lock(&mu_);
      for (const auto& s : lru_) current = current || (s->key == spec.key && !IsStale(*s));
    }
    if (current) continue;
    UNGGUL_RETURN_IF_ERROR(Materialise(spec, absl::ZeroDuration(), /*asked=*/false).status());
    ++recomputed;
  }
  return recomputed;
}

uint64_t RankingSnapshots::input_loads() const {
  absl::MutexLock compute(&compute_mu_);
  return inputs_.loads();
}

}  // namespace unggul::aggregator

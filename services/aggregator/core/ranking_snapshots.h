#pragma once

// Materialised rankings: each spec (ranking_spec.h) is computed once per data state and kept in
// memory, an LRU of at most `max_cached_rankings` snapshots and `max_cache_bytes` (the newest is
// always kept). The data state is the store's DataVersion plus the registry version, read
// before the data: a snapshot is current while neither moved, so a current answer is as fresh
// as the data at the call; a write during a computation makes its result stale (recomputed
// later), never wrongly current.
//
// Computations are serialised (one at a time, inputs from RankingInputCache); reading the cache
// never waits for a computation. RefreshStale() recomputes, ahead of the next call, the stale
// snapshots of specs asked for in the last hour and the default spec. Thread-safe.

#include <cstdint>
#include <list>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/time/clock.h"
#include "google/protobuf/arena.h"
#include "services/aggregator/core/ranking_input_cache.h"
#include "services/aggregator/core/ranking_spec.h"
#include "services/aggregator/core/sync_core.h"
#include "services/aggregator/store/kanwil_store.h"
#include "unggul/kanwil/v1/scoring.pb.h"

namespace unggul::aggregator {

// One computed ranking, immutable once published. Every message lives on `arena`: computing and
// dropping a 30,000-product snapshot is a few large allocations instead of millions of small
// ones.
struct RankingSnapshot {
  std::string key;  // the spec's
  uint64_t id = 0;  // names the snapshot in page tokens
  uint64_t data_version = 0;
  uint64_t registry_version = 0;
  int64_t computed_at_unix_ms = 0;
  double compute_ms = 0;
  size_t bytes = 0;  // the arena's size once built
  std::unique_ptr<google::protobuf::Arena> arena;
  kanwil::v1::Ranking* ranking = nullptr;  // every product, full breakdown
  // The same products in the summary view (no indicators, gates or floors), built once.
  std::vector<kanwil::v1::ProductScore*> summaries;
  // product_id -> position in ranking.products / close-call indices, and the same per profile.
  absl::flat_hash_map<std::string, int> position;
  absl::flat_hash_map<std::string, std::vector<int>> calls;
  std::vector<absl::flat_hash_map<std::string, int>> profile_position;
  std::vector<absl::flat_hash_map<std::string, std::vector<int>>> profile_calls;
};

class RankingSnapshots {
 public:
  struct Options {
    size_t max_cached_rankings = 8;
    size_t max_cache_bytes = size_t{2} << 30;
  };

  RankingSnapshots(const KanwilStore& records, const AssessmentStore& assessments,
                   const SyncCore& registry, const Clock& clock, Options options);

  // The current snapshot of `spec`, computed unless cached at the current data state. With
  // `max_staleness` > 0 the newest snapshot of the spec computed within it is served even if the
  // data moved since. `asked` = a caller asked for it (the refresher passes false, so that
  // refreshing does not make a spec look recently used).
  absl::StatusOr<std::shared_ptr<const RankingSnapshot>> Materialise(
      const RankingSpec& spec, absl::Duration max_staleness = absl::ZeroDuration(),
      bool asked = true);
  // The kept snapshot with this id; nullptr once evicted.
  std::shared_ptr<const RankingSnapshot> Find(uint64_t id) const;
  // Whether the data or the registry moved since the snapshot was computed.
  bool IsStale(const RankingSnapshot& snapshot) const;
  // Recomputes the default spec and every kept spec asked for in the last hour whose data state
  // moved, most recently used first. Returns how many were recomputed.
  absl::StatusOr<int> RefreshStale(const RankingSpec& default_spec);

  // Loads of per-UPT inputs so far (RankingInputCache::loads).
  uint64_t input_loads() const;

 private:
  // The snapshot of `spec` at this data state, if kept; marks it used. Needs mu_.
  std::shared_ptr<const RankingSnapshot> CurrentLocked(const RankingSpec& spec, uint64_t data,
                                                       uint64_t registry, int64_t now_ms,
                                                       bool asked)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void RememberLocked(const RankingSpec& spec, int64_t now_ms, bool asked)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::StatusOr<std::shared_ptr<RankingSnapshot>> Compute(const RankingSpec& spec)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(compute_mu_);

  const KanwilStore& records_;
  const SyncCore& registry_;
  const Clock& clock_;
  const Options options_;

  mutable absl::Mutex mu_;
  std::list<std::shared_ptr<const RankingSnapshot>> lru_ ABSL_GUARDED_BY(mu_);  // front = newest
  // key -> (spec, last time a caller asked for it).
  std::map<std::string, std::pair<RankingSpec, int64_t>> specs_ ABSL_GUARDED_BY(mu_);
  uint64_t next_id_ ABSL_GUARDED_BY(mu_) = 1;

  mutable absl::Mutex compute_mu_;  // one computation at a time
  RankingInputCache inputs_ ABSL_GUARDED_BY(compute_mu_);
};

}  // namespace unggul::aggregator

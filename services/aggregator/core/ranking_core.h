#pragma once

// Ranking at the Kanwil (DESIGN.md "Ranking"): gathers each product's inputs from the replica
// (product, certifications, trainings), the monthly rollups maintained at ingest and the panel
// assessments, then runs the pure SPUP engine (ranking/engine.h). No batch is scanned: a product
// costs one rollup range scan. Also the ScoreProvider the designation workflow freezes scores
// from. The panel's intake (assessments, labour verification) is PanelCore's.
//
// Materialised ranking: a ranking is computed once per (period, cohort filter, weights) and data
// state and kept in memory (an LRU of at most `max_cached_rankings` snapshots and
// `max_cache_bytes`); GetRanking pages are cut
// from it. The data state is the store's DataVersion plus the registry version, read before the
// data: a cached ranking is served only while neither moved, so every answer is as fresh as the
// data at the call. Recomputing after a change reloads only the inputs of UPTs whose
// UptDataVersion moved (per-UPT input cache) and reruns the engine. RefreshStale() recomputes
// stale cached rankings (and the default one) ahead of the next call; main.cc runs it on a timer.
// Computations are serialised (one at a time); cache reads never wait for a computation.
//
// Codes: InvalidArgument (period, weights, paging, assessment fields), NotFound (unknown
// product), Aborted (page_token of a snapshot no longer kept). Thread-safe; the model is
// immutable after construction.

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/time/clock.h"
#include "services/aggregator/core/designation_core.h"
#include "services/aggregator/core/sync_core.h"
#include "services/aggregator/ranking/engine.h"
#include "services/aggregator/store/kanwil_store.h"
#include "unggul/kanwil/v1/dashboard.pb.h"
#include "unggul/kanwil/v1/scoring.pb.h"

namespace unggul::aggregator {

class RankingCore final : public ScoreProvider {
 public:
  struct Options {
    // Ranking snapshots kept in memory (each holds every product's full breakdown), and a bound
    // on their total size (the snapshots' arenas; the newest is always kept).
    size_t max_cached_rankings = 8;
    size_t max_cache_bytes = size_t{2} << 30;
  };

  RankingCore(KanwilStore& records, AssessmentStore& assessments, const SyncCore& registry,
              const Clock& clock, kanwil::v1::ScoringModel model);
  RankingCore(KanwilStore& records, AssessmentStore& assessments, const SyncCore& registry,
              const Clock& clock, kanwil::v1::ScoringModel model, Options options);
  ~RankingCore() override;

  // One page of the ranking (see GetRankingRequest / Ranking in the protos).
  absl::StatusOr<kanwil::v1::Ranking> Rank(const kanwil::v1::GetRankingRequest& request) const;
  // Recomputes every cached ranking whose data state moved, most recently used first, and the
  // default ranking (last 12 complete months, whole Kanwil, model weights). Returns how many were
  // recomputed (0 when all are current).
  absl::StatusOr<int> RefreshStale() const;
  absl::StatusOr<kanwil::v1::ProductScore> ScoreOf(
      const kanwil::v1::GetProductScoreRequest& request) const;
  absl::StatusOr<kanwil::v1::ProductMap> Map(const kanwil::v1::GetRankingRequest& request) const;

  absl::StatusOr<Frozen> ScoreFor(absl::string_view product_id, absl::string_view start_month,
                                  absl::string_view end_month) const override;

  const kanwil::v1::ScoringModel& model() const { return model_; }
  const std::string& model_hash() const { return model_hash_; }

  // ScoringPeriodFor (scoring_period.h) on this core's clock.
  absl::StatusOr<kanwil::v1::ScoringPeriod> Period(absl::string_view start_month,
                                                   absl::string_view end_month) const;

 private:
  struct Spec;
  struct Snapshot;
  struct Cache;

  // The current snapshot of `spec`, computed unless cached at the current data state.
  // With `max_staleness` > 0 the newest snapshot of the spec computed within it is served even if
  // the data moved since. `asked` = a caller asked for it (the refresher passes false, so that
  // refreshing does not make a spec look recently used).
  absl::StatusOr<std::shared_ptr<const Snapshot>> Materialise(
      const Spec& spec, absl::Duration max_staleness = absl::ZeroDuration(),
      bool asked = true) const;
  absl::StatusOr<Spec> SpecOf(const kanwil::v1::GetRankingRequest& request) const;
  // Inputs of every product matching the spec's filter; panel scores and incidents open at the
  // period's end attached (copies are made only for products that have either).
  absl::StatusOr<std::vector<const ProductInput*>> Gather(
      const Spec& spec, std::vector<ProductInput>& with_kanwil_inputs) const;

  KanwilStore& records_;
  AssessmentStore& assessments_;
  const SyncCore& registry_;
  const Clock& clock_;
  const kanwil::v1::ScoringModel model_;
  const std::string model_hash_;
  const Options options_;
  std::unique_ptr<Cache> cache_;
};

}  // namespace unggul::aggregator

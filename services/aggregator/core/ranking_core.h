#pragma once

// Ranking at the Kanwil (DESIGN.md "Ranking"): gathers each product's inputs from the replica
// (product, certifications, trainings), the monthly rollups maintained at ingest and the panel
// assessments, then runs the pure SPUP engine (ranking/engine.h). No batch is scanned: a product
// costs one rollup range scan. Also the ScoreProvider the designation workflow freezes scores
// from. The panel's intake (assessments, labour verification) is PanelCore's.
//
// The queries over materialised rankings (ranking_snapshots.h): pages of a ranking cut from one
// snapshot (page tokens name it, so later pages stay consistent), one product's score, the
// product map. Inputs come from RankingInputCache (ranking_input_cache.h).
//
// Codes: InvalidArgument (period, weights, paging, assessment fields), NotFound (unknown
// product), Aborted (page_token of a snapshot no longer kept). Thread-safe; the model is
// immutable after construction.

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/time/clock.h"
#include "services/aggregator/core/designation_core.h"
#include "services/aggregator/core/ranking_snapshots.h"
#include "services/aggregator/core/sync_core.h"
#include "services/aggregator/ranking/engine.h"
#include "services/aggregator/store/kanwil_store.h"
#include "unggul/kanwil/v1/dashboard.pb.h"
#include "unggul/kanwil/v1/scoring.pb.h"

namespace unggul::aggregator {

class RankingCore final : public ScoreProvider {
 public:
  // Snapshots kept in memory (each holds every product's full breakdown) and a bound on their
  // total size (the snapshots' arenas; the newest is always kept).
  using Options = RankingSnapshots::Options;

  RankingCore(const KanwilStore& records, const AssessmentStore& assessments,
              const SyncCore& registry, const Clock& clock, kanwil::v1::ScoringModel model);
  RankingCore(const KanwilStore& records, const AssessmentStore& assessments,
              const SyncCore& registry, const Clock& clock, kanwil::v1::ScoringModel model,
              Options options);
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

  // The largest page Rank may return (1..1000, default 1000; --max_page_size). Call before
  // serving.
  void SetMaxPageSize(int max) { max_page_size_ = max; }

  const kanwil::v1::ScoringModel& model() const { return model_; }
  const std::string& model_hash() const { return model_hash_; }

  // ScoringPeriodFor (scoring_period.h) on this core's clock.
  absl::StatusOr<kanwil::v1::ScoringPeriod> Period(absl::string_view start_month,
                                                   absl::string_view end_month) const;

  // Loads of per-UPT ranking inputs so far (a UPT is reloaded only when its data moved).
  uint64_t input_loads() const { return snapshots_->input_loads(); }

 private:
  absl::StatusOr<RankingSpec> SpecOf(const kanwil::v1::GetRankingRequest& request) const;

  const Clock& clock_;
  const kanwil::v1::ScoringModel model_;
  const std::string model_hash_;
  std::unique_ptr<RankingSnapshots> snapshots_;
  int max_page_size_ = 1000;
};

}  // namespace unggul::aggregator

#pragma once

// Ranking at the Kanwil (DESIGN.md "Ranking"): gathers each product's inputs from the replica
// (product, certifications, trainings), the monthly rollups maintained at ingest and the panel
// assessments, then runs the pure SPUP engine (ranking/engine.h). No batch is scanned: a product
// costs one rollup prefix scan. Also the ScoreProvider the designation workflow freezes scores
// from, and the panel assessment intake.
//
// Codes: InvalidArgument (period, weights, assessment fields), NotFound (unknown product).
// Thread-safe; the model is immutable after construction.

#include <string>

#include "absl/status/statusor.h"
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
  RankingCore(KanwilStore& records, AssessmentStore& assessments, const SyncCore& registry,
              const Clock& clock, kanwil::v1::ScoringModel model);

  absl::StatusOr<kanwil::v1::Ranking> Rank(const kanwil::v1::GetRankingRequest& request) const;
  absl::StatusOr<kanwil::v1::ProductScore> ScoreOf(
      const kanwil::v1::GetProductScoreRequest& request) const;
  absl::StatusOr<kanwil::v1::ProductMap> Map(const kanwil::v1::GetRankingRequest& request) const;
  absl::StatusOr<kanwil::v1::Assessment> SubmitAssessment(const kanwil::v1::Assessment& assessment);
  absl::StatusOr<kanwil::v1::VerifyMonthlyReportsResponse> VerifyMonthlyReports(
      const kanwil::v1::VerifyMonthlyReportsRequest& request);

  absl::StatusOr<Frozen> ScoreFor(absl::string_view product_id, absl::string_view start_month,
                                  absl::string_view end_month) const override;

  const kanwil::v1::ScoringModel& model() const { return model_; }
  const std::string& model_hash() const { return model_hash_; }

  // The period [start_month, end_month]; both empty = the last 12 complete months in Jakarta.
  absl::StatusOr<kanwil::v1::ScoringPeriod> Period(absl::string_view start_month,
                                                   absl::string_view end_month) const;

 private:
  absl::StatusOr<std::vector<ProductInput>> Inputs(const kanwil::v1::ScoringPeriod& period,
                                                   const std::string& upt_filter,
                                                   node::v1::Category category) const;
  // The registry UPT owning `record_id` (longest "<code>-" prefix); "" if none.
  std::string OwnerOf(absl::string_view record_id) const;

  KanwilStore& records_;
  AssessmentStore& assessments_;
  const SyncCore& registry_;
  const Clock& clock_;
  const kanwil::v1::ScoringModel model_;
  const std::string model_hash_;
};

}  // namespace unggul::aggregator

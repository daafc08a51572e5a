#pragma once

// The scoring model (SPUP by default: gates, indicators, pillars, floors, bands, tie-breaks,
// profiles) as data: parsing, validation and what-if weights.
// A model is a kanwil::v1::ScoringModel (proto/unggul/kanwil/v1/scoring.proto); the default
// ships as services/aggregator/ranking/spup-1.0.json. Everything here is a pure function of its
// arguments (LoadScoringModelFile also reads the file) and is thread-safe.

#include <map>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "unggul/kanwil/v1/scoring.pb.h"

namespace unggul::aggregator {

// Points compared with this tolerance (weight sums, band and floor boundaries, ties).
inline constexpr double kScoreEpsilon = 1e-9;
// Weight sums must be 100 within this tolerance.
inline constexpr double kWeightSumTolerance = 1e-6;

// Checks every rule of a model. OK, or InvalidArgument naming the first problem found, e.g.:
//   "indicator weights sum to 99 (must be 100)"
//   "duplicate indicator code A1", "indicator code 'a-1' is malformed"
//   "indicator A4 belongs to unknown pillar E", "pillar A weight 25 but its indicators sum to 24"
//   "indicator C1: normalisation NORMALISATION_KIND_RUBRIC_MEDIAN does not fit measure ..."
//   "star band 2 [30, 55) overlaps band 3 [50, 70)", "star bands are not sorted ...",
//   "star band 5 [90, 110) is outside 0..100", "gap between star bands ..."
//   "floor for unknown pillar E", "tie-break on unknown indicator X9"
//   "profile ekonomi overrides unknown indicator Z1", "profile ekonomi: unknown pillar E"
//   "profile ekonomi weights sum to 95 (must be 100)"
absl::Status ValidateScoringModel(const kanwil::v1::ScoringModel& model);

// Parses a model from its protobuf JSON mapping (field names in lowerCamelCase or as in the
// .proto, enums by name; unknown fields are refused) and validates it.
// InvalidArgument: not JSON, not a ScoringModel, or invalid (message as above).
absl::StatusOr<kanwil::v1::ScoringModel> ParseScoringModel(absl::string_view json);

// The model an aggregator runs keeps SPUP's indicator codes (A1–A3, B1–B5, C1–C4, D1–D4, the
// codes of the built-in model, which assessors, tie-breaks and the minutes use), each on its
// SPUP measure; it may weight, normalise or leave out indicators. InvalidArgument naming the
// indicator: "indicator B9: unknown code (SPUP indicators: ...)", "indicator B2: measure X, but
// SPUP's B2 measures Y". (ValidateScoringModel checks structure only, so engine tests may use
// synthetic models.)
absl::Status ValidateSpupIndicators(const kanwil::v1::ScoringModel& model);

// Reads and parses a model file. NotFound: the file cannot be opened. InvalidArgument: as
// ParseScoringModel, prefixed with the path.
absl::StatusOr<kanwil::v1::ScoringModel> LoadScoringModelFile(const std::string& path);

// What-if weights: a copy of `model` with the given indicator weights (code → points) replaced,
// pillar weights recomputed from their indicators, `what_if` set, and validated again (profiles
// included: a profile's pillar scaling uses the new pillar maxima).
// InvalidArgument: unknown indicator code ("what-if overrides unknown indicator Z1"), a
// negative or non-finite weight, or a resulting model that is invalid (e.g. "indicator weights
// sum to 103 (must be 100)").
absl::StatusOr<kanwil::v1::ScoringModel> ApplyWeightOverrides(
    const kanwil::v1::ScoringModel& model, const std::map<std::string, double>& overrides);

// Effective indicator weights (code → points) of a sensitivity profile: each weight scaled by
// pillar_weights[pillar] / pillar maximum, then indicator_weights applied. The model must be
// valid. InvalidArgument: unknown pillar or indicator code, or weights not summing to 100.
absl::StatusOr<std::map<std::string, double>> ProfileWeights(
    const kanwil::v1::ScoringModel& model, const kanwil::v1::SensitivityProfile& profile);

// The model's own indicator weights (code → points).
std::map<std::string, double> DefaultWeights(const kanwil::v1::ScoringModel& model);

// Stars of a total (0..100) under the model's bands: the band with min_total ≤ total < max_total
// (total = 100 falls in the top band). Totals are compared with kScoreEpsilon tolerance, so
// 69.9999999999 counts as 70. The model must be valid; 0 if no band matches.
int StarsForTotal(const kanwil::v1::ScoringModel& model, double total);

}  // namespace unggul::aggregator

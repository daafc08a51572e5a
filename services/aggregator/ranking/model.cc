#include "services/aggregator/ranking/model.h"

#include <cmath>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/status/status_macros.h"
#include "google/protobuf/util/json_util.h"
#include "services/aggregator/ranking/default_model.h"

namespace unggul::aggregator {
namespace {

namespace k1 = ::unggul::kanwil::v1;

absl::Status Invalid(absl::string_view message) { return absl::InvalidArgumentError(message); }

bool IsFinite(double v) { return std::isfinite(v); }

// 1..8 characters of [A-Z0-9].
bool IsWellFormedCode(const std::string& code) {
  if (code.empty() || code.size() > 8) return false;
  for (char c : code) {
    if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) return false;
  }
  return true;
}

std::string Band(int index, const k1::StarBand& band) {
  return absl::StrCat("star band ", index, " [", band.min_total(), ", ", band.max_total(), ")");
}

// The SPUP indicator codes and what each measures, from the built-in model: the codes assessors,
// tie-breaks, reports and the meeting use. A model may weight, normalise or leave out
// indicators, not rename them or point a code at another measure.
const std::map<std::string, k1::Measure>& CanonicalIndicators() {
  static const auto* canonical = [] {
    auto* out = new std::map<std::string, k1::Measure>();
    k1::ScoringModel builtin;
    google::protobuf::util::JsonParseOptions options;
    if (google::protobuf::util::JsonStringToMessage(std::string(DefaultScoringModelJson()),
                                                    &builtin, options)
            .ok()) {
      for (const k1::Indicator& ind : builtin.indicators()) (*out)[ind.code()] = ind.measure();
    }
    return out;
  }();
  return *canonical;
}

bool IsScalarMeasure(k1::Measure m) {
  switch (m) {
    case k1::MEASURE_PERSON_MONTHS:
    case k1::MEASURE_TRAINING:
    case k1::MEASURE_PREMI_PER_PERSON_MONTH:
    case k1::MEASURE_GROSS_SALES:
    case k1::MEASURE_PNBP:
    case k1::MEASURE_SALES_GROWTH:
    case k1::MEASURE_GROSS_MARGIN:
    case k1::MEASURE_QC_PASS_RATE:
    case k1::MEASURE_LOCAL_INPUT_SHARE:
      return true;
    default:
      return false;
  }
}

// The normalisation kind a measure needs (scalar measures take RATIO_TO_CAP or FIXED_ANCHORS).
bool KindFitsMeasure(k1::NormalisationKind kind, k1::Measure measure) {
  if (IsScalarMeasure(measure)) {
    return kind == k1::NORMALISATION_KIND_RATIO_TO_CAP ||
           kind == k1::NORMALISATION_KIND_FIXED_ANCHORS;
  }
  switch (measure) {
    case k1::MEASURE_MARKET_REACH:
      return kind == k1::NORMALISATION_KIND_MARKET_REACH;
    case k1::MEASURE_LEGALITY:
      return kind == k1::NORMALISATION_KIND_POINTS_TABLE;
    case k1::MEASURE_PANEL:
      return kind == k1::NORMALISATION_KIND_RUBRIC_MEDIAN;
    case k1::MEASURE_CONTINUITY:
      return kind == k1::NORMALISATION_KIND_CONTINUITY;
    default:
      return false;
  }
}

absl::Status ValidateNormalisation(const k1::Indicator& ind) {
  const std::string where = absl::StrCat("indicator ", ind.code(), ": ");
  if (ind.measure() == k1::MEASURE_UNSPECIFIED) return Invalid(where + "measure is required");
  if (!ind.has_normalisation()) return Invalid(where + "normalisation is required");
  const k1::Normalisation& n = ind.normalisation();
  if (n.kind() == k1::NORMALISATION_KIND_UNSPECIFIED) {
    return Invalid(where + "normalisation kind is required");
  }
  if (!KindFitsMeasure(n.kind(), ind.measure())) {
    return Invalid(absl::StrCat(where, "normalisation ", k1::NormalisationKind_Name(n.kind()),
                                " does not fit measure ", k1::Measure_Name(ind.measure())));
  }
  if (n.direction() == k1::DIRECTION_COST && n.kind() != k1::NORMALISATION_KIND_RATIO_TO_CAP &&
      n.kind() != k1::NORMALISATION_KIND_FIXED_ANCHORS) {
    return Invalid(absl::StrCat(where, "direction COST is not allowed for ",
                                k1::NormalisationKind_Name(n.kind())));
  }
  auto need = [&](k1::Normalisation::ParamsCase want, absl::string_view field) -> absl::Status {
    if (n.params_case() != want) {
      return Invalid(absl::StrCat(where, k1::NormalisationKind_Name(n.kind()), " needs ", field,
                                  " parameters"));
    }
    return absl::OkStatus();
  };
  switch (n.kind()) {
    case k1::NORMALISATION_KIND_RATIO_TO_CAP: {
      UNGGUL_RETURN_IF_ERROR(need(k1::Normalisation::kRatioToCap, "ratio_to_cap"));
      const k1::RatioToCap& p = n.ratio_to_cap();
      if (!(p.percentile() > 0 && p.percentile() <= 1)) {
        return Invalid(absl::StrCat(where, "percentile ", p.percentile(), " is not in (0, 1]"));
      }
      if (p.min_cohort_for_percentile() < 1) {
        return Invalid(where + "min_cohort_for_percentile must be >= 1");
      }
      if (!(p.population_adjusted_share() >= 0 && p.population_adjusted_share() <= 1)) {
        return Invalid(where + "population_adjusted_share must be in 0..1");
      }
      break;
    }
    case k1::NORMALISATION_KIND_FIXED_ANCHORS: {
      UNGGUL_RETURN_IF_ERROR(need(k1::Normalisation::kFixedAnchors, "fixed_anchors"));
      const k1::FixedAnchors& p = n.fixed_anchors();
      if (!IsFinite(p.zero_at()) || !IsFinite(p.one_at()) || p.zero_at() == p.one_at()) {
        return Invalid(absl::StrCat(where, "anchors zero_at ", p.zero_at(), " and one_at ",
                                    p.one_at(), " must be finite and different"));
      }
      if (!(p.new_product_value() >= 0 && p.new_product_value() <= 1)) {
        return Invalid(where + "new_product_value must be in 0..1");
      }
      break;
    }
    case k1::NORMALISATION_KIND_RUBRIC_MEDIAN: {
      UNGGUL_RETURN_IF_ERROR(need(k1::Normalisation::kRubric, "rubric"));
      if (!(n.rubric().max_score() > 0) || !IsFinite(n.rubric().max_score())) {
        return Invalid(where + "rubric max_score must be > 0");
      }
      if (n.rubric().min_assessors() < 1) return Invalid(where + "min_assessors must be >= 1");
      break;
    }
    case k1::NORMALISATION_KIND_POINTS_TABLE: {
      UNGGUL_RETURN_IF_ERROR(need(k1::Normalisation::kPoints, "points"));
      int defaults = 0;
      if (n.points().tables().empty()) return Invalid(where + "points tables are empty");
      for (const k1::PointsTable& t : n.points().tables()) {
        if (t.categories().empty()) ++defaults;
        if (t.items().empty())
          return Invalid(absl::StrCat(where, "table '", t.name(), "' is empty"));
        double total = 0;
        for (const k1::PointsItem& item : t.items()) {
          if (item.any_of().empty()) {
            return Invalid(absl::StrCat(where, "item '", item.label(), "' lists no certificate"));
          }
          if (!(item.points() >= 0) || !IsFinite(item.points()) || !(item.filed_points() >= 0) ||
              item.filed_points() > item.points()) {
            return Invalid(
                absl::StrCat(where, "item '", item.label(), "' needs 0 <= filed_points <= points"));
          }
          total += item.points();
        }
        if (!(total > 0)) {
          return Invalid(absl::StrCat(where, "table '", t.name(), "' has no points"));
        }
      }
      if (defaults != 1) {
        return Invalid(absl::StrCat(where,
                                    "needs exactly one default points table (without "
                                    "categories), found ",
                                    defaults));
      }
      break;
    }
    case k1::NORMALISATION_KIND_MARKET_REACH: {
      UNGGUL_RETURN_IF_ERROR(need(k1::Normalisation::kMarketReach, "market_reach"));
      const k1::MarketReachFormula& p = n.market_reach();
      if (!(p.channel_cap() >= 1) || !(p.reach_max() >= 1 && p.reach_max() <= 3)) {
        return Invalid(where + "needs channel_cap >= 1 and reach_max in 1..3");
      }
      if (!(p.channel_weight() >= 0 && p.reach_weight() >= 0) ||
          std::abs(p.channel_weight() + p.reach_weight() - 1) > kWeightSumTolerance) {
        return Invalid(absl::StrCat(where, "channel_weight + reach_weight = ",
                                    p.channel_weight() + p.reach_weight(), " (must be 1)"));
      }
      break;
    }
    case k1::NORMALISATION_KIND_CONTINUITY: {
      UNGGUL_RETURN_IF_ERROR(need(k1::Normalisation::kContinuity, "continuity"));
      const k1::ContinuityFormula& p = n.continuity();
      if (!(p.cv_cap() > 0) || !IsFinite(p.cv_cap())) return Invalid(where + "cv_cap must be > 0");
      if (!(p.active_weight() >= 0 && p.stability_weight() >= 0) ||
          std::abs(p.active_weight() + p.stability_weight() - 1) > kWeightSumTolerance) {
        return Invalid(absl::StrCat(where, "active_weight + stability_weight = ",
                                    p.active_weight() + p.stability_weight(), " (must be 1)"));
      }
      break;
    }
    default:
      return Invalid(where + "unknown normalisation kind");
  }
  return absl::OkStatus();
}

absl::Status ValidateGates(const k1::ScoringModel& model) {
  std::set<std::string> codes;
  for (const k1::Gate& g : model.gates()) {
    if (g.code().empty()) return Invalid("a gate has no code");
    if (!codes.insert(g.code()).second) return Invalid("duplicate gate code " + g.code());
    const std::string where = absl::StrCat("gate ", g.code(), ": ");
    switch (g.kind()) {
      case k1::GATE_KIND_PRODUCER:
        if (g.allowed_upt_types().empty()) return Invalid(where + "allowed_upt_types is empty");
        break;
      case k1::GATE_KIND_CONTINUITY:
        if (g.min_active_months() < 1 || g.min_active_months() > 120) {
          return Invalid(where + "min_active_months must be in 1..120");
        }
        if (!g.harvest_categories().empty() && g.min_harvests() < 1) {
          return Invalid(where + "min_harvests must be >= 1");
        }
        break;
      case k1::GATE_KIND_LEGAL_MINIMUM:
        if (g.accepted_certifications().empty()) {
          return Invalid(where + "accepted_certifications is empty");
        }
        break;
      case k1::GATE_KIND_MARKET:
        if (g.min_external_sales() < 1) return Invalid(where + "min_external_sales must be >= 1");
        break;
      case k1::GATE_KIND_DATA_QUALITY:
        if (!(g.min_verified_fraction() >= 0 && g.min_verified_fraction() <= 1)) {
          return Invalid(where + "min_verified_fraction must be in 0..1");
        }
        break;
      case k1::GATE_KIND_INTEGRITY:
        break;
      default:
        return Invalid(where + "kind is required");
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateStarBands(const k1::ScoringModel& model) {
  const auto& bands = model.star_bands();
  if (bands.empty()) return Invalid("no star bands");
  for (int i = 0; i < bands.size(); ++i) {
    const k1::StarBand& b = bands[i];
    if (!IsFinite(b.min_total()) || !IsFinite(b.max_total()) || b.min_total() < 0 ||
        b.max_total() > 100) {
      return Invalid(Band(i + 1, b) + " is outside 0..100");
    }
    if (b.min_total() >= b.max_total()) return Invalid(Band(i + 1, b) + " is empty");
    if (b.stars() < 1 || b.stars() > 10) {
      return Invalid(absl::StrCat(Band(i + 1, b), " has ", b.stars(), " stars (must be 1..10)"));
    }
  }
  for (int i = 1; i < bands.size(); ++i) {
    const k1::StarBand& prev = bands[i - 1];
    const k1::StarBand& b = bands[i];
    if (b.min_total() < prev.min_total()) {
      return Invalid(absl::StrCat("star bands are not sorted by min_total: ", Band(i + 1, b),
                                  " comes after ", Band(i, prev)));
    }
    if (b.min_total() < prev.max_total()) {
      return Invalid(absl::StrCat(Band(i + 1, b), " overlaps ", Band(i, prev)));
    }
    if (b.min_total() > prev.max_total()) {
      return Invalid(absl::StrCat("gap between ", Band(i, prev), " and ", Band(i + 1, b)));
    }
    if (b.stars() <= prev.stars()) {
      return Invalid(absl::StrCat(Band(i + 1, b), " has ", b.stars(),
                                  " stars, not more than the band below (", prev.stars(), ")"));
    }
  }
  if (bands[0].min_total() != 0) {
    return Invalid(absl::StrCat("star bands start at ", bands[0].min_total(), ", not 0"));
  }
  if (bands[bands.size() - 1].max_total() != 100) {
    return Invalid(
        absl::StrCat("star bands end at ", bands[bands.size() - 1].max_total(), ", not 100"));
  }
  return absl::OkStatus();
}

std::map<std::string, double> PillarMaxima(const k1::ScoringModel& model) {
  std::map<std::string, double> max;
  for (const k1::Pillar& p : model.pillars()) max[p.code()] = 0;
  for (const k1::Indicator& ind : model.indicators()) max[ind.pillar()] += ind.weight();
  return max;
}

// ProfileWeights without the model validation (the model's codes are known to be unique).
absl::StatusOr<std::map<std::string, double>> EffectiveProfileWeights(
    const k1::ScoringModel& model, const k1::SensitivityProfile& profile) {
  const std::string where = absl::StrCat("profile ", profile.name());
  const std::map<std::string, double> pillar_max = PillarMaxima(model);
  for (const auto& [pillar, weight] : profile.pillar_weights()) {
    if (pillar_max.count(pillar) == 0) return Invalid(where + ": unknown pillar " + pillar);
    if (!(weight >= 0) || !IsFinite(weight)) {
      return Invalid(absl::StrCat(where, ": pillar ", pillar, " weight ", weight, " is negative"));
    }
    if (pillar_max.at(pillar) <= 0 && weight > 0) {
      return Invalid(absl::StrCat(where, ": pillar ", pillar, " has no weight to scale"));
    }
  }
  std::map<std::string, double> weights;
  for (const k1::Indicator& ind : model.indicators()) {
    double w = ind.weight();
    auto it = profile.pillar_weights().find(ind.pillar());
    if (it != profile.pillar_weights().end() && pillar_max.at(ind.pillar()) > 0) {
      w = w * it->second / pillar_max.at(ind.pillar());
    }
    weights[ind.code()] = w;
  }
  for (const auto& [code, weight] : profile.indicator_weights()) {
    if (weights.count(code) == 0) return Invalid(where + " overrides unknown indicator " + code);
    if (!(weight >= 0) || !IsFinite(weight)) {
      return Invalid(absl::StrCat(where, ": indicator ", code, " weight ", weight, " is negative"));
    }
    weights[code] = weight;
  }
  double sum = 0;
  for (const auto& [code, weight] : weights) sum += weight;
  if (std::abs(sum - 100) > kWeightSumTolerance) {
    return Invalid(absl::StrCat(where, " weights sum to ", sum, " (must be 100)"));
  }
  return weights;
}

}  // namespace

absl::Status ValidateScoringModel(const k1::ScoringModel& model) {
  if (model.version().empty()) return Invalid("model version is required");
  if (model.pillars().empty() || model.pillars().size() > 16) {
    return Invalid("a model needs 1..16 pillars");
  }
  std::set<std::string> pillars;
  for (const k1::Pillar& p : model.pillars()) {
    if (!IsWellFormedCode(p.code())) {
      return Invalid("pillar code '" + p.code() + "' is malformed (1..8 of [A-Z0-9])");
    }
    if (!pillars.insert(p.code()).second) return Invalid("duplicate pillar code " + p.code());
  }
  if (model.indicators().empty() || model.indicators().size() > 64) {
    return Invalid("a model needs 1..64 indicators");
  }
  std::set<std::string> codes;
  double sum = 0;
  for (const k1::Indicator& ind : model.indicators()) {
    if (!IsWellFormedCode(ind.code())) {
      return Invalid("indicator code '" + ind.code() + "' is malformed (1..8 of [A-Z0-9])");
    }
    if (!codes.insert(ind.code()).second) return Invalid("duplicate indicator code " + ind.code());
    if (pillars.count(ind.pillar()) == 0) {
      return Invalid(absl::StrCat("indicator ", ind.code(), " belongs to unknown pillar ",
                                  ind.pillar().empty() ? "''" : ind.pillar()));
    }
    if (!(ind.weight() >= 0) || !IsFinite(ind.weight())) {
      return Invalid(
          absl::StrCat("indicator ", ind.code(), " has weight ", ind.weight(), " (must be >= 0)"));
    }
    sum += ind.weight();
    UNGGUL_RETURN_IF_ERROR(ValidateNormalisation(ind));
    if (ind.measure() != k1::MEASURE_PANEL) {
      for (const k1::Indicator& other : model.indicators()) {
        if (&other == &ind) break;
        if (other.measure() == ind.measure()) {
          return Invalid(absl::StrCat("indicator ", ind.code(), ": measure ",
                                      k1::Measure_Name(ind.measure()),
                                      " is already measured by indicator ", other.code()));
        }
      }
    }
  }
  if (std::abs(sum - 100) > kWeightSumTolerance) {
    return Invalid(absl::StrCat("indicator weights sum to ", sum, " (must be 100)"));
  }
  const std::map<std::string, double> pillar_max = PillarMaxima(model);
  for (const k1::Pillar& p : model.pillars()) {
    if (std::abs(p.weight() - pillar_max.at(p.code())) > kWeightSumTolerance) {
      return Invalid(absl::StrCat("pillar ", p.code(), " weight ", p.weight(),
                                  " but its indicators sum to ", pillar_max.at(p.code())));
    }
  }
  UNGGUL_RETURN_IF_ERROR(ValidateGates(model));

  const k1::Floors& floors = model.floors();
  if (!(floors.min_total() >= 0 && floors.min_total() <= 100)) {
    return Invalid(absl::StrCat("floor min_total ", floors.min_total(), " is outside 0..100"));
  }
  std::set<std::string> floored;
  for (const k1::PillarFloor& f : floors.pillars()) {
    if (pillars.count(f.pillar()) == 0) {
      return Invalid("floor for unknown pillar " + (f.pillar().empty() ? "''" : f.pillar()));
    }
    if (!floored.insert(f.pillar()).second)
      return Invalid("duplicate floor for pillar " + f.pillar());
    if (!(f.min_fraction() >= 0 && f.min_fraction() <= 1)) {
      return Invalid(absl::StrCat("floor for pillar ", f.pillar(), ": min_fraction ",
                                  f.min_fraction(), " is outside 0..1"));
    }
  }
  UNGGUL_RETURN_IF_ERROR(ValidateStarBands(model));

  for (const k1::TieBreak& t : model.tie_breaks()) {
    switch (t.kind()) {
      case k1::TIE_BREAK_KIND_PILLAR:
        if (pillars.count(t.code()) == 0) return Invalid("tie-break on unknown pillar " + t.code());
        break;
      case k1::TIE_BREAK_KIND_INDICATOR:
        if (codes.count(t.code()) == 0) {
          return Invalid("tie-break on unknown indicator " + t.code());
        }
        break;
      case k1::TIE_BREAK_KIND_SUBMISSION_TIME:
        break;
      default:
        return Invalid("a tie-break has no kind");
    }
  }

  std::set<std::string> profiles;
  for (const k1::SensitivityProfile& p : model.profiles()) {
    if (p.name().empty()) return Invalid("a sensitivity profile has no name");
    if (!profiles.insert(p.name()).second) return Invalid("duplicate profile " + p.name());
    UNGGUL_RETURN_IF_ERROR(EffectiveProfileWeights(model, p).status());
  }

  const k1::Selection& s = model.selection();
  if (s.kanwil_top_n() < 1 || s.kanwil_top_n() > 10) {
    return Invalid(absl::StrCat("selection kanwil_top_n ", s.kanwil_top_n(), " is outside 1..10"));
  }
  if (!(s.close_call_margin() >= 0) || !IsFinite(s.close_call_margin())) {
    return Invalid("selection close_call_margin must be >= 0");
  }
  if (!(s.potential_min_total() >= 0 && s.potential_min_total() <= 100)) {
    return Invalid("selection potential_min_total must be in 0..100");
  }
  return absl::OkStatus();
}

absl::StatusOr<k1::ScoringModel> ParseScoringModel(absl::string_view json) {
  k1::ScoringModel model;
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  const google::protobuf::util::Status parsed = google::protobuf::util::JsonStringToMessage(
      google::protobuf::StringPiece(json.data(), json.size()), &model, options);
  if (!parsed.ok()) {
    return Invalid("scoring model is not valid JSON for ScoringModel: " +
                   parsed.message().as_string());
  }
  UNGGUL_RETURN_IF_ERROR(ValidateScoringModel(model));
  return model;
}

absl::StatusOr<k1::ScoringModel> LoadScoringModelFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError("cannot open scoring model file " + path);
  std::stringstream text;
  text << in.rdbuf();
  absl::StatusOr<k1::ScoringModel> model = ParseScoringModel(text.str());
  if (!model.ok()) {
    return absl::Status(model.status().code(), absl::StrCat(path, ": ", model.status().message()));
  }
  return model;
}

absl::StatusOr<k1::ScoringModel> ApplyWeightOverrides(
    const k1::ScoringModel& model, const std::map<std::string, double>& overrides) {
  k1::ScoringModel copy = model;
  for (const auto& [code, weight] : overrides) {
    k1::Indicator* target = nullptr;
    for (k1::Indicator& ind : *copy.mutable_indicators()) {
      if (ind.code() == code) target = &ind;
    }
    if (target == nullptr) return Invalid("what-if overrides unknown indicator " + code);
    if (!(weight >= 0) || !IsFinite(weight)) {
      return Invalid(absl::StrCat("what-if weight ", weight, " for ", code, " is negative"));
    }
    target->set_weight(weight);
  }
  const std::map<std::string, double> pillar_max = PillarMaxima(copy);
  for (k1::Pillar& p : *copy.mutable_pillars()) {
    auto it = pillar_max.find(p.code());
    if (it != pillar_max.end()) p.set_weight(it->second);
  }
  if (!overrides.empty()) copy.set_what_if(true);
  UNGGUL_RETURN_IF_ERROR(ValidateScoringModel(copy));
  return copy;
}

absl::StatusOr<std::map<std::string, double>> ProfileWeights(
    const k1::ScoringModel& model, const k1::SensitivityProfile& profile) {
  return EffectiveProfileWeights(model, profile);
}

std::map<std::string, double> DefaultWeights(const k1::ScoringModel& model) {
  std::map<std::string, double> weights;
  for (const k1::Indicator& ind : model.indicators()) weights[ind.code()] = ind.weight();
  return weights;
}

int StarsForTotal(const k1::ScoringModel& model, double total) {
  const auto& bands = model.star_bands();
  for (int i = bands.size() - 1; i >= 0; --i) {
    const k1::StarBand& b = bands[i];
    const bool top = i == bands.size() - 1;
    if (total + kScoreEpsilon >= b.min_total() &&
        (top ? total <= b.max_total() + kScoreEpsilon : total + kScoreEpsilon < b.max_total())) {
      return b.stars();
    }
  }
  return 0;
}

absl::Status ValidateSpupIndicators(const k1::ScoringModel& model) {
  const std::map<std::string, k1::Measure>& canonical = CanonicalIndicators();
  for (const k1::Indicator& ind : model.indicators()) {
    if (auto it = canonical.find(ind.code()); it == canonical.end()) {
      std::string known;
      for (const auto& [code, measure] : canonical) {
        absl::StrAppend(&known, known.empty() ? "" : ", ", code);
      }
      return Invalid(
          absl::StrCat("indicator ", ind.code(), ": unknown code (SPUP indicators: ", known, ")"));
    } else if (it->second != ind.measure()) {
      return Invalid(absl::StrCat("indicator ", ind.code(), ": measure ",
                                  k1::Measure_Name(ind.measure()), ", but SPUP's ", ind.code(),
                                  " measures ", k1::Measure_Name(it->second)));
    }
  }
  return absl::OkStatus();
}

}  // namespace unggul::aggregator

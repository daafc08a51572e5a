#include "services/aggregator/ranking/model.h"

#include <functional>
#include <map>
#include <string>

#include "common/testing/status_matchers.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"

namespace unggul::aggregator {
namespace {

namespace k1 = ::unggul::kanwil::v1;
using ::testing::HasSubstr;
using ::unggul::testing::IsOk;
using ::unggul::testing::StatusIs;

// The shipped default model, next to this file (CMake may pass UNGGUL_RANKING_DIR instead).
std::string DefaultModelPath() {
#ifdef UNGGUL_RANKING_DIR
  return std::string(UNGGUL_RANKING_DIR) + "/spup-1.0.json";
#else
  const std::string file = __FILE__;
  return file.substr(0, file.find_last_of('/') + 1) + "spup-1.0.json";
#endif
}

class ModelTest : public ::testing::Test {
 protected:
  void SetUp() override {
    UNGGUL_ASSERT_OK_AND_ASSIGN(model_, LoadScoringModelFile(DefaultModelPath()));
  }

  // The validation status of the default model after `mutate`.
  absl::Status Mutated(const std::function<void(k1::ScoringModel&)>& mutate) {
    k1::ScoringModel copy = model_;
    mutate(copy);
    return ValidateScoringModel(copy);
  }

  k1::Indicator& Ind(k1::ScoringModel& m, const std::string& code) {
    for (k1::Indicator& i : *m.mutable_indicators()) {
      if (i.code() == code) return i;
    }
    ADD_FAILURE() << "no indicator " << code;
    return *m.mutable_indicators(0);
  }

  k1::ScoringModel model_;
};

MATCHER_P(Invalid, message, "is InvalidArgument with \"" + std::string(message) + "\"") {
  return ::testing::ExplainMatchResult(
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr(message)), arg, result_listener);
}

TEST_F(ModelTest, DefaultModelIsSpupOneZeroPerDomain) {
  EXPECT_EQ(model_.name(), "SPUP");
  EXPECT_EQ(model_.version(), "SPUP-1.0");
  EXPECT_FALSE(model_.what_if());
  const std::map<std::string, double> expected = {
      {"A1", 10}, {"A2", 8}, {"A3", 7}, {"B1", 9}, {"B2", 4}, {"B3", 8}, {"B4", 3}, {"B5", 3},
      {"C1", 10}, {"C2", 7}, {"C3", 6}, {"C4", 5}, {"D1", 6}, {"D2", 6}, {"D3", 6}, {"D4", 2}};
  EXPECT_EQ(DefaultWeights(model_), expected);
  std::map<std::string, double> pillars;
  for (const k1::Pillar& p : model_.pillars()) pillars[p.code()] = p.weight();
  EXPECT_EQ(pillars, (std::map<std::string, double>{{"A", 25}, {"B", 27}, {"C", 28}, {"D", 20}}));
  ASSERT_EQ(model_.gates_size(), 6);
  EXPECT_EQ(model_.gates(1).min_active_months(), 6);
  EXPECT_EQ(model_.gates(1).min_harvests(), 3);
  EXPECT_DOUBLE_EQ(model_.gates(4).min_verified_fraction(), 0.8);
  EXPECT_DOUBLE_EQ(model_.floors().min_total(), 50);
  ASSERT_EQ(model_.floors().pillars_size(), 2);
  EXPECT_DOUBLE_EQ(model_.floors().pillars(0).min_fraction() * 25, 10.0);
  EXPECT_DOUBLE_EQ(model_.floors().pillars(1).min_fraction() * 28, 14.0);
  EXPECT_EQ(model_.star_bands_size(), 5);
  ASSERT_EQ(model_.tie_breaks_size(), 4);
  EXPECT_EQ(model_.tie_breaks(2).code(), "D2");
  EXPECT_EQ(model_.profiles_size(), 3);
  EXPECT_EQ(model_.selection().kanwil_top_n(), 2);
  for (const k1::Indicator& ind : model_.indicators()) {
    if (ind.normalisation().kind() != k1::NORMALISATION_KIND_RATIO_TO_CAP) continue;
    EXPECT_DOUBLE_EQ(ind.normalisation().ratio_to_cap().percentile(), 0.9) << ind.code();
    EXPECT_EQ(ind.normalisation().ratio_to_cap().min_cohort_for_percentile(), 10) << ind.code();
  }
}

TEST_F(ModelTest, ProfileWeightsScaleEachPillar) {
  UNGGUL_ASSERT_OK_AND_ASSIGN(const auto ekonomi, ProfileWeights(model_, model_.profiles(0)));
  EXPECT_DOUBLE_EQ(ekonomi.at("A1"), 10.0 * 15 / 25);
  EXPECT_DOUBLE_EQ(ekonomi.at("B1"), 9.0 * 40 / 27);
  EXPECT_DOUBLE_EQ(ekonomi.at("C1"), 10.0 * 30 / 28);
  EXPECT_DOUBLE_EQ(ekonomi.at("D4"), 2.0 * 15 / 20);
  k1::SensitivityProfile single;
  single.set_name("single");
  (*single.mutable_indicator_weights())["A1"] = 10;  // unchanged: still sums to 100
  UNGGUL_ASSERT_OK_AND_ASSIGN(const auto same, ProfileWeights(model_, single));
  EXPECT_EQ(same, DefaultWeights(model_));
}

TEST_F(ModelTest, WeightsNotSummingTo100) {
  EXPECT_THAT(Mutated([&](k1::ScoringModel& m) { Ind(m, "A1").set_weight(9); }),
              Invalid("indicator weights sum to 99 (must be 100)"));
  EXPECT_THAT(Mutated([&](k1::ScoringModel& m) { Ind(m, "D4").set_weight(2.5); }),
              Invalid("indicator weights sum to 100.5 (must be 100)"));
  EXPECT_THAT(Mutated([&](k1::ScoringModel& m) { Ind(m, "D4").set_weight(-2); }),
              Invalid("indicator D4 has weight -2 (must be >= 0)"));
}

TEST_F(ModelTest, PillarWeightMustMatchItsIndicators) {
  EXPECT_THAT(Mutated([&](k1::ScoringModel& m) {
                Ind(m, "A1").set_weight(9);
                Ind(m, "B1").set_weight(10);
              }),
              Invalid("pillar A weight 25 but its indicators sum to 24"));
}

TEST_F(ModelTest, UnknownOrDuplicateIndicatorCodes) {
  EXPECT_THAT(Mutated([&](k1::ScoringModel& m) { Ind(m, "A2").set_code("A1"); }),
              Invalid("duplicate indicator code A1"));
  EXPECT_THAT(Mutated([&](k1::ScoringModel& m) { Ind(m, "A2").set_code("a-2"); }),
              Invalid("indicator code 'a-2' is malformed"));
  EXPECT_THAT(Mutated([&](k1::ScoringModel& m) { Ind(m, "A2").set_code(""); }),
              Invalid("indicator code '' is malformed"));
  EXPECT_THAT(Mutated([&](k1::ScoringModel& m) { m.mutable_tie_breaks(2)->set_code("X9"); }),
              Invalid("tie-break on unknown indicator X9"));
  EXPECT_THAT(Mutated([&](k1::ScoringModel& m) { m.mutable_tie_breaks(0)->set_code("E"); }),
              Invalid("tie-break on unknown pillar E"));
}

TEST_F(ModelTest, IndicatorsKeepTheirSpupCodesAndMeasures) {
  auto spup = [&](const std::function<void(k1::ScoringModel&)>& mutate) {
    k1::ScoringModel copy = model_;
    mutate(copy);
    absl::Status structure = ValidateScoringModel(copy);
    return structure.ok() ? ValidateSpupIndicators(copy) : structure;
  };
  // Renamed to a code nobody knows (assessors, tie-breaks and the minutes use the SPUP codes).
  EXPECT_THAT(spup([&](k1::ScoringModel& m) { Ind(m, "B5").set_code("B9"); }),
              Invalid("indicator B9: unknown code (SPUP indicators: A1, A2, A3, B1, B2, B3, B4, "
                      "B5, C1, C2, C3, C4, D1, D2, D3, D4)"));
  // Two indicators measuring the same thing would count it twice.
  EXPECT_THAT(Mutated([&](k1::ScoringModel& m) {
                Ind(m, "B2").set_measure(k1::MEASURE_GROSS_SALES);
                *Ind(m, "B2").mutable_normalisation() = Ind(m, "B1").normalisation();
              }),
              Invalid("indicator B2: measure MEASURE_GROSS_SALES is already measured by "
                      "indicator B1"));
  // Codes swapped between measures.
  EXPECT_THAT(spup([&](k1::ScoringModel& m) {
                Ind(m, "B1").set_code("TMP");
                Ind(m, "B2").set_code("B1");
                Ind(m, "TMP").set_code("B2");
              }),
              Invalid("indicator B2: measure MEASURE_GROSS_SALES, but SPUP's B2 measures "
                      "MEASURE_PNBP"));
  // Panel indicators share their measure by design; the built-in model passes both checks.
  EXPECT_THAT(ValidateScoringModel(model_), IsOk());
  EXPECT_THAT(ValidateSpupIndicators(model_), IsOk());
}

TEST_F(ModelTest, IndicatorOfAnUnknownPillar) {
  EXPECT_THAT(Mutated([&](k1::ScoringModel& m) { Ind(m, "D4").set_pillar("E"); }),
              Invalid("indicator D4 belongs to unknown pillar E"));
  EXPECT_THAT(Mutated([&](k1::ScoringModel& m) { m.mutable_pillars(1)->set_code("A"); }),
              Invalid("duplicate pillar code A"));
}

TEST_F(ModelTest, NormalisationMustFitTheMeasure) {
  EXPECT_THAT(Mutated([&](k1::ScoringModel& m) {
                Ind(m, "C3").mutable_normalisation()->set_kind(k1::NORMALISATION_KIND_RATIO_TO_CAP);
              }),
              Invalid("indicator C3: normalisation NORMALISATION_KIND_RATIO_TO_CAP does not fit "
                      "measure MEASURE_PANEL"));
  EXPECT_THAT(Mutated([&](k1::ScoringModel& m) {
                Ind(m, "A1").mutable_normalisation()->clear_ratio_to_cap();
              }),
              Invalid("indicator A1: NORMALISATION_KIND_RATIO_TO_CAP needs ratio_to_cap"));
  EXPECT_THAT(
      Mutated([&](k1::ScoringModel& m) { Ind(m, "A1").set_measure(k1::MEASURE_UNSPECIFIED); }),
      Invalid("indicator A1: measure is required"));
  EXPECT_THAT(Mutated([&](k1::ScoringModel& m) {
                Ind(m, "B4").mutable_normalisation()->mutable_fixed_anchors()->set_one_at(-0.5);
              }),
              Invalid("indicator B4: anchors zero_at -0.5 and one_at -0.5"));
  EXPECT_THAT(Mutated([&](k1::ScoringModel& m) {
                Ind(m, "C3").mutable_normalisation()->set_direction(k1::DIRECTION_COST);
              }),
              Invalid("indicator C3: direction COST is not allowed"));
  EXPECT_THAT(Mutated([&](k1::ScoringModel& m) {
                Ind(m, "B3").mutable_normalisation()->mutable_market_reach()->set_reach_weight(0.5);
              }),
              Invalid("channel_weight + reach_weight = 1.1 (must be 1)"));
}

TEST_F(ModelTest, BadStarBands) {
  EXPECT_THAT(Mutated([](k1::ScoringModel& m) { m.mutable_star_bands(1)->set_max_total(55); }),
              Invalid("star band 3 [50, 70) overlaps star band 2 [30, 55)"));
  EXPECT_THAT(Mutated([](k1::ScoringModel& m) { m.mutable_star_bands()->SwapElements(0, 1); }),
              Invalid("star bands are not sorted by min_total: star band 2 [0, 30) comes after "
                      "star band 1 [30, 50)"));
  EXPECT_THAT(Mutated([](k1::ScoringModel& m) { m.mutable_star_bands(4)->set_max_total(110); }),
              Invalid("star band 5 [90, 110) is outside 0..100"));
  EXPECT_THAT(Mutated([](k1::ScoringModel& m) { m.mutable_star_bands(0)->set_min_total(-5); }),
              Invalid("star band 1 [-5, 30) is outside 0..100"));
  EXPECT_THAT(Mutated([](k1::ScoringModel& m) { m.mutable_star_bands(2)->set_min_total(55); }),
              Invalid("gap between star band 2 [30, 50) and star band 3 [55, 70)"));
  EXPECT_THAT(Mutated([](k1::ScoringModel& m) { m.mutable_star_bands(2)->set_stars(2); }),
              Invalid("star band 3 [50, 70) has 2 stars, not more than the band below (2)"));
  EXPECT_THAT(Mutated([](k1::ScoringModel& m) { m.mutable_star_bands(4)->set_max_total(95); }),
              Invalid("star bands end at 95, not 100"));
  EXPECT_THAT(Mutated([](k1::ScoringModel& m) { m.clear_star_bands(); }), Invalid("no star bands"));
}

TEST_F(ModelTest, FloorForAnUnknownPillar) {
  EXPECT_THAT(
      Mutated([](k1::ScoringModel& m) { m.mutable_floors()->mutable_pillars(0)->set_pillar("E"); }),
      Invalid("floor for unknown pillar E"));
  EXPECT_THAT(Mutated([](k1::ScoringModel& m) {
                m.mutable_floors()->mutable_pillars(0)->set_min_fraction(1.5);
              }),
              Invalid("floor for pillar A: min_fraction 1.5 is outside 0..1"));
  EXPECT_THAT(Mutated([](k1::ScoringModel& m) { m.mutable_floors()->set_min_total(101); }),
              Invalid("floor min_total 101 is outside 0..100"));
}

TEST_F(ModelTest, BadProfiles) {
  EXPECT_THAT(Mutated([](k1::ScoringModel& m) {
                (*m.mutable_profiles(0)->mutable_indicator_weights())["Z1"] = 0;
              }),
              Invalid("profile ekonomi overrides unknown indicator Z1"));
  EXPECT_THAT(Mutated([](k1::ScoringModel& m) {
                (*m.mutable_profiles(0)->mutable_pillar_weights())["A"] = 10;
              }),
              Invalid("profile ekonomi weights sum to 95 (must be 100)"));
  EXPECT_THAT(Mutated([](k1::ScoringModel& m) {
                (*m.mutable_profiles(1)->mutable_indicator_weights())["A1"] = 12;
              }),
              Invalid("profile pembinaan weights sum to 96 (must be 100)"));
  EXPECT_THAT(Mutated([](k1::ScoringModel& m) {
                (*m.mutable_profiles(2)->mutable_pillar_weights())["E"] = 0;
              }),
              Invalid("profile setara: unknown pillar E"));
  EXPECT_THAT(Mutated([](k1::ScoringModel& m) { m.mutable_profiles(2)->set_name("ekonomi"); }),
              Invalid("duplicate profile ekonomi"));
}

TEST_F(ModelTest, OtherStructuralErrors) {
  EXPECT_THAT(Mutated([](k1::ScoringModel& m) { m.clear_version(); }),
              Invalid("model version is required"));
  EXPECT_THAT(Mutated([](k1::ScoringModel& m) { m.mutable_gates(1)->set_code("G1"); }),
              Invalid("duplicate gate code G1"));
  EXPECT_THAT(Mutated([](k1::ScoringModel& m) { m.mutable_gates(0)->clear_allowed_upt_types(); }),
              Invalid("gate G1: allowed_upt_types is empty"));
  EXPECT_THAT(Mutated([](k1::ScoringModel& m) { m.mutable_selection()->set_kanwil_top_n(0); }),
              Invalid("selection kanwil_top_n 0 is outside 1..10"));
  EXPECT_THAT(
      Mutated([&](k1::ScoringModel& m) {
        Ind(m, "C1").mutable_normalisation()->mutable_points()->mutable_tables(1)->add_categories(
            ::unggul::node::v1::CATEGORY_KERAJINAN);
      }),
      Invalid("needs exactly one default points table"));
}

TEST_F(ModelTest, ParseRefusesBadJson) {
  EXPECT_THAT(ParseScoringModel("{"), Invalid("not valid JSON for ScoringModel"));
  EXPECT_THAT(ParseScoringModel(R"({"version": "X", "colour": "red"})"),
              Invalid("not valid JSON for ScoringModel"));
  EXPECT_THAT(ParseScoringModel(R"({"version": "X", "gates": [{"kind": "GATE_KIND_MAGIC"}]})"),
              Invalid("not valid JSON for ScoringModel"));
  // Well-formed JSON but an invalid model.
  EXPECT_THAT(ParseScoringModel(R"({"version": "X"})"), Invalid("a model needs 1..16 pillars"));
}

TEST_F(ModelTest, LoadScoringModelFile) {
  EXPECT_THAT(LoadScoringModelFile(DefaultModelPath() + ".missing"),
              StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(ValidateScoringModel(model_), IsOk());
}

TEST_F(ModelTest, WhatIfOverridesReturnAValidatedCopy) {
  UNGGUL_ASSERT_OK_AND_ASSIGN(const k1::ScoringModel what_if,
                              ApplyWeightOverrides(model_, {{"A1", 12}, {"B2", 2}}));
  EXPECT_TRUE(what_if.what_if());
  EXPECT_EQ(what_if.version(), model_.version());
  EXPECT_DOUBLE_EQ(DefaultWeights(what_if).at("A1"), 12);
  EXPECT_DOUBLE_EQ(what_if.pillars(0).weight(), 27);  // pillar maxima recomputed
  EXPECT_DOUBLE_EQ(what_if.pillars(1).weight(), 25);
  EXPECT_FALSE(model_.what_if());  // the original is untouched
  // Profiles scale the new pillar maxima and still sum to 100.
  UNGGUL_ASSERT_OK_AND_ASSIGN(const auto ekonomi, ProfileWeights(what_if, what_if.profiles(0)));
  EXPECT_DOUBLE_EQ(ekonomi.at("A1"), 12.0 * 15 / 27);
  double sum = 0;
  for (const auto& [code, w] : ekonomi) sum += w;
  EXPECT_NEAR(sum, 100, 1e-9);
  // No override: an identical copy, not marked.
  UNGGUL_ASSERT_OK_AND_ASSIGN(const k1::ScoringModel same, ApplyWeightOverrides(model_, {}));
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(same, model_));
}

TEST_F(ModelTest, WhatIfOverridesAreChecked) {
  EXPECT_THAT(ApplyWeightOverrides(model_, {{"Z1", 5}}),
              Invalid("what-if overrides unknown indicator Z1"));
  EXPECT_THAT(ApplyWeightOverrides(model_, {{"A1", 11}}),
              Invalid("indicator weights sum to 101 (must be 100)"));
  EXPECT_THAT(ApplyWeightOverrides(model_, {{"A1", -1}}), Invalid("what-if weight -1 for A1"));
  // A pillar emptied completely is refused by the profiles that scale it.
  EXPECT_THAT(
      ApplyWeightOverrides(model_, {{"D1", 0}, {"D2", 0}, {"D3", 0}, {"D4", 0}, {"A1", 30}}),
      Invalid("profile ekonomi: pillar D has no weight to scale"));
}

TEST_F(ModelTest, StarBandBoundaries) {
  const std::map<double, int> cases = {{0, 1},     {29.99, 1}, {30, 2},   {49.9, 2},
                                       {49.99, 2}, {50, 3},    {69.9, 3}, {70, 4},
                                       {89.9, 4},  {89.99, 4}, {90, 5},   {100, 5}};
  for (const auto& [total, stars] : cases) {
    EXPECT_EQ(StarsForTotal(model_, total), stars) << total;
  }
  // Float noise at a boundary counts as the boundary.
  EXPECT_EQ(StarsForTotal(model_, 70 - 1e-12), 4);
  EXPECT_EQ(StarsForTotal(model_, 100 + 1e-12), 5);
  EXPECT_EQ(StarsForTotal(model_, 101), 0);
}

}  // namespace
}  // namespace unggul::aggregator

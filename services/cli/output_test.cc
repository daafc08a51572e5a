#include "services/cli/output.h"

#include <string>
#include <tuple>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace unggul::cli {
namespace {

using ::testing::HasSubstr;

// A pinned "now": the verdicts do not depend on the day the test runs.
const absl::Time kNow = absl::FromUnixSeconds(1796270400);  // 2026-12-03 05:20 UTC

int64_t Ago(absl::Duration d) { return absl::ToUnixMillis(kNow - d); }

TEST(LastSeenTest, SaysHowLongAgoInIndonesian) {
  EXPECT_EQ(LastSeen(0, kNow), "NEVER");
  EXPECT_EQ(LastSeen(Ago(absl::Seconds(20)), kNow), "baru saja");
  EXPECT_EQ(LastSeen(Ago(absl::Minutes(5)), kNow), "5 menit lalu");
  EXPECT_EQ(LastSeen(Ago(absl::Hours(3)), kNow), "3 jam lalu");
  EXPECT_EQ(LastSeen(Ago(absl::Hours(24 * 3 + 5)), kNow), "3 hari lalu");
}

TEST(RenderUptsTest, NamesEachUptAndFlagsTheSilentOnes) {
  kanwil::v1::ListUptsResponse upts;
  upts.set_registry_version(2);
  kanwil::v1::UptStatus* lahat = upts.add_upts();
  lahat->set_upt_code("SMS-LP-LAHAT");
  lahat->set_official_name("Lapas Kelas IIA Lahat");
  lahat->set_connected(true);
  lahat->set_last_seen_unix_ms(Ago(absl::Seconds(2)));
  kanwil::v1::UptStatus* sekayu = upts.add_upts();
  sekayu->set_upt_code("SMS-LP-SEKAYU");
  sekayu->set_official_name("Lapas Kelas IIB Sekayu");
  sekayu->set_last_seen_unix_ms(Ago(absl::Hours(24 * 4)));
  kanwil::v1::UptStatus* muara = upts.add_upts();
  muara->set_upt_code("SMS-RT-MUARAENIM");
  muara->set_official_name("Rutan Kelas IIB Muara Enim");
  const std::string out = RenderUpts(upts, kNow, 3);
  EXPECT_THAT(out, HasSubstr("Lapas Kelas IIA Lahat"));
  EXPECT_THAT(out, ::testing::ContainsRegex("SMS-LP-SEKAYU +no +4 hari lalu"));
  EXPECT_THAT(out, ::testing::ContainsRegex("SMS-RT-MUARAENIM +no +NEVER"));
  EXPECT_THAT(out, HasSubstr("SILENT (not heard for more than 3 days, or never): SMS-LP-SEKAYU, "
                             "SMS-RT-MUARAENIM\n"));
  EXPECT_THAT(RenderUpts(upts, kNow, 5),
              HasSubstr("SILENT (not heard for more than 5 days, or never): SMS-RT-MUARAENIM\n"));
}

kanwil::v1::ProductScore Score(const std::string& id, double total, kanwil::v1::Standing standing) {
  kanwil::v1::ProductScore s;
  s.set_product_id(id);
  s.set_name(id);
  s.set_total(total);
  s.set_standing(standing);
  for (const auto& [code, name, max] :
       std::vector<std::tuple<std::string, std::string, double>>{{"A", "Pembinaan", 25},
                                                                 {"B", "Ekonomi", 27},
                                                                 {"C", "Mutu & Legalitas", 28},
                                                                 {"D", "Keberlanjutan", 20}}) {
    kanwil::v1::PillarScore* p = s.add_pillars();
    p->set_pillar(code);
    p->set_name(name);
    p->set_max(max);
  }
  return s;
}

TEST(RenderRankingTest, SaysWhyAProductIsNotRankedAndNamesThePillars) {
  kanwil::v1::Ranking r;
  r.set_model_version("SPUP-1.0");
  r.mutable_period()->set_start_month("2025-12");
  r.mutable_period()->set_end_month("2026-11");
  r.mutable_period()->set_label("2025-12..2026-11");
  *r.add_products() = Score("SMS-LP-PAGARALAM-KOPI", 88.2, kanwil::v1::STANDING_RANKED);
  r.mutable_products(0)->set_rank(1);
  kanwil::v1::ProductScore* kursi = r.add_products();
  *kursi = Score("SMS-LP-SEKAYU-KRS", 62.5, kanwil::v1::STANDING_POTENTIAL);
  kanwil::v1::FloorResult* floor = kursi->add_floors();
  floor->set_floor("C");
  floor->set_actual(12.5);
  floor->set_required(14.0);
  kanwil::v1::ProductScore* roti = r.add_products();
  *roti = Score("SMS-RT-PALEMBANG-ROTI", 41.0, kanwil::v1::STANDING_INELIGIBLE);
  kanwil::v1::GateResult* gate = roti->add_gates();
  gate->set_gate("G5");
  gate->set_reason("0 verified labour reports");
  r.add_top_product_ids("SMS-LP-PAGARALAM-KOPI");
  kanwil::v1::SensitivityResult* ekonomi = r.add_sensitivity();
  ekonomi->set_profile("ekonomi");
  ekonomi->add_top_product_ids("SMS-LP-PAGARALAM-KOPI");
  const std::string out = RenderRanking(r);
  EXPECT_THAT(out, HasSubstr("WHY_NOT_RANKED"));
  EXPECT_THAT(out, ::testing::ContainsRegex("SMS-LP-SEKAYU-KRS .* POTENTIAL +floor C 12.5 < 14.0"));
  EXPECT_THAT(out, ::testing::ContainsRegex("INELIGIBLE +gate G5: 0 verified labour reports"));
  EXPECT_THAT(out, HasSubstr("pillars: A = Pembinaan (max 25); B = Ekonomi (max 27); C = Mutu & "
                             "Legalitas (max 28); D = Keberlanjutan (max 20)"));
  EXPECT_THAT(out, HasSubstr("sensitivity: the top 1 is the same under every profile"));
  EXPECT_THAT(out, ::testing::Not(HasSubstr("WARNING")));
}

TEST(RenderRankingTest, WarnsWhenNothingIsEligibleOrThePeriodIsEmpty) {
  kanwil::v1::Ranking r;
  r.mutable_period()->set_start_month("2027-01");
  r.mutable_period()->set_end_month("2027-12");
  r.mutable_period()->set_label("2027");
  EXPECT_THAT(RenderRanking(r), HasSubstr("No product in 2027 (2027-01..2027-12)"));
  *r.add_products() = Score("SMS-LP-LAHAT-GSJM", 0, kanwil::v1::STANDING_INELIGIBLE);
  EXPECT_THAT(RenderRanking(r), HasSubstr("WARNING: no product passes the gates in 2027"));
}

TEST(RenderProductScoreTest, MoneyIsRupiahAndFloorsAndPillarsAreListed) {
  kanwil::v1::ProductScore s = Score("SMS-LP-LAHAT-GSJM", 83.0, kanwil::v1::STANDING_RANKED);
  s.set_rank(2);
  kanwil::v1::IndicatorScore* b1 = s.add_indicators();
  b1->set_code("B1");
  b1->set_unit("IDR");
  b1->set_raw_value(120300000);
  kanwil::v1::FloorResult* floor = s.add_floors();
  floor->set_floor("C");
  floor->set_actual(23.0);
  floor->set_required(14.0);
  floor->set_passed(true);
  const std::string out = RenderProductScore(s);
  EXPECT_THAT(out, HasSubstr("Rp 120.300.000"));
  EXPECT_THAT(out, ::testing::Not(HasSubstr("e+08")));
  EXPECT_THAT(out, ::testing::ContainsRegex("C +pass +23.0 \\(needs 14.0\\)"));
  EXPECT_THAT(out, HasSubstr("rank 2, RANKED"));
}

}  // namespace
}  // namespace unggul::cli

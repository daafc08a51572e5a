#include "services/aggregator/core/ranking_core.h"

#include "absl/strings/str_format.h"
#include "common/testing/fake_clock.h"
#include "common/testing/status_matchers.h"
#include "common/testing/temp_dir.h"
#include "gtest/gtest.h"
#include "services/aggregator/ranking/default_model.h"
#include "services/aggregator/ranking/model.h"
#include "services/aggregator/store/rocksdb_kanwil_store.h"

namespace unggul::aggregator {
namespace {

namespace kv1 = ::unggul::kanwil::v1;
namespace v1 = ::unggul::node::v1;
using ::testing::HasSubstr;
using ::unggul::testing::StatusIs;

constexpr char kUpt[] = "SMS-LP-LAHAT";
constexpr char kGula[] = "SMS-LP-LAHAT-GSJM";

class RankingCoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    RocksDbKanwilStore::Options o;
    o.path = dir_.path() + "/db";
    o.sync_writes = false;
    store_ = *RocksDbKanwilStore::Open(o);
    sync_ = std::make_unique<SyncCore>(*store_, clock_, SyncLimits());
    ASSERT_TRUE(sync_
                    ->LoadRegistry({{kUpt, "Lapas Kelas IIA Lahat", "LAPAS", "", "IIA", "16.04",
                                     "SUMSEL", false}},
                                   "h")
                    .ok());
    auto model = ParseScoringModel(DefaultScoringModelJson());
    ASSERT_TRUE(model.ok()) << model.status();
    ranking_ = std::make_unique<RankingCore>(*store_, *store_, *sync_, clock_, *model);
    // Twelve months (Nov 2025 - Oct 2026) of batches, sales and labour reports, a P-IRT.
    std::vector<IncomingChange> c;
    auto add = [&](v1::Record r) { c.push_back({c.size() + 1, std::move(r)}); };
    v1::Record p;
    p.mutable_product()->set_product_id(kGula);
    p.mutable_product()->set_name("Gula Semut Jahe Merah");
    p.mutable_product()->set_category(v1::CATEGORY_PANGAN_OLAHAN);
    add(p);
    v1::Record cert;
    cert.mutable_certification()->set_certification_id("SMS-LP-LAHAT-PIRT-01");
    cert.mutable_certification()->set_product_id(kGula);
    cert.mutable_certification()->set_type(v1::CERTIFICATION_TYPE_SPP_IRT);
    cert.mutable_certification()->set_number("2091604010123-29");
    cert.mutable_certification()->set_issued_date("2025-01-10");
    cert.mutable_certification()->set_valid_until("2030-01-09");
    add(cert);
    for (int i = 0; i < 12; ++i) {
      const int year = i < 2 ? 2025 : 2026;
      const int month = i < 2 ? 11 + i : i - 1;
      const std::string ym = absl::StrFormat("%04d-%02d", year, month);
      v1::Record b;
      b.mutable_batch()->set_batch_code(absl::StrFormat("SMS-LP-LAHAT-B%02d", i));
      b.mutable_batch()->set_product_id(kGula);
      b.mutable_batch()->set_start_date(ym + "-05");
      b.mutable_batch()->set_qty_produced(100);
      b.mutable_batch()->set_qty_rejected(1);
      b.mutable_batch()->set_unit(v1::UNIT_KG);
      b.mutable_batch()->set_inmates_engaged_count(8);
      b.mutable_batch()->set_inmate_person_days(40);
      add(b);
      v1::Record s;
      s.mutable_sale()->set_sale_id(absl::StrFormat("SMS-LP-LAHAT-S%02d", i));
      s.mutable_sale()->set_product_id(kGula);
      s.mutable_sale()->set_sale_date(ym + "-20");
      s.mutable_sale()->set_qty(300);
      s.mutable_sale()->set_revenue_idr(9'000'000);
      s.mutable_sale()->set_channel(v1::CHANNEL_VISITOR_COUNTER);
      s.mutable_sale()->set_buyer_region(v1::BUYER_REGION_SAME_REGENCY);
      add(s);
      v1::Record l;
      l.mutable_labour()->set_report_id(absl::StrFormat("SMS-LP-LAHAT-L%02d", i));
      l.mutable_labour()->set_product_id(kGula);
      l.mutable_labour()->set_month(ym);
      l.mutable_labour()->set_distinct_inmates_engaged(9);
      l.mutable_labour()->set_inmate_person_days(40);
      add(l);
    }
    ASSERT_TRUE(
        store_->ApplyChanges(kUpt, "0123456789abcdef0123456789abcdef", c, c.size(), 1).ok());
  }

  const kv1::GateResult* Gate(const kv1::ProductScore& s, const std::string& code) {
    for (const kv1::GateResult& g : s.gates()) {
      if (g.gate() == code) return &g;
    }
    return nullptr;
  }

  unggul::testing::ScopedTempDir dir_;
  unggul::testing::FakeClock clock_{absl::FromUnixSeconds(1795921200)};  // 2026-11-29
  std::unique_ptr<RocksDbKanwilStore> store_;
  std::unique_ptr<SyncCore> sync_;
  std::unique_ptr<RankingCore> ranking_;
};

TEST_F(RankingCoreTest, VerifiedLabourReportsOpenGateG5AndFeedA1) {
  kv1::GetProductScoreRequest req;
  req.set_product_id(kGula);
  UNGGUL_ASSERT_OK_AND_ASSIGN(kv1::ProductScore before, ranking_->ScoreOf(req));
  ASSERT_NE(Gate(before, "G5"), nullptr);
  EXPECT_FALSE(Gate(before, "G5")->passed());
  EXPECT_FALSE(before.eligible());

  kv1::VerifyMonthlyReportsRequest verify;
  verify.set_upt_code(kUpt);
  verify.set_verified_by("kabid.yanbin");
  UNGGUL_ASSERT_OK_AND_ASSIGN(kv1::VerifyMonthlyReportsResponse v,
                              ranking_->VerifyMonthlyReports(verify));
  EXPECT_EQ(v.product_months_verified(), 12);
  UNGGUL_ASSERT_OK_AND_ASSIGN(kv1::ProductScore after, ranking_->ScoreOf(req));
  EXPECT_TRUE(Gate(after, "G5")->passed()) << Gate(after, "G5")->reason();
  for (const kv1::IndicatorScore& i : after.indicators()) {
    if (i.code() == "A1") {
      EXPECT_FALSE(i.missing());
      EXPECT_DOUBLE_EQ(i.raw_value(), 12 * 9);  // person-months of distinct inmates
    }
  }
  verify.set_upt_code("SMS-LP-NOWHERE");
  EXPECT_THAT(ranking_->VerifyMonthlyReports(verify).status(),
              StatusIs(absl::StatusCode::kNotFound));
}

TEST_F(RankingCoreTest, PanelAssessmentsAreValidatedAndTheMedianCounts) {
  kv1::Assessment a;
  a.set_product_id(kGula);
  a.set_indicator("C3");
  a.set_score(5);
  a.set_assessor_id("asesor.1");
  EXPECT_THAT(ranking_->SubmitAssessment(a).status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("score: must be 0..4")));
  a.set_score(3);
  a.set_indicator("A1");
  EXPECT_THAT(ranking_->SubmitAssessment(a).status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("panel indicator")));
  a.set_indicator("C3");
  a.set_product_id("SMS-LP-LAHAT-NOPE");
  EXPECT_THAT(ranking_->SubmitAssessment(a).status(), StatusIs(absl::StatusCode::kNotFound));
  a.set_product_id(kGula);
  for (const auto& [assessor, score, coi] :
       std::vector<std::tuple<std::string, int, bool>>{{"asesor.1", 2, false},
                                                       {"asesor.2", 3, false},
                                                       {"asesor.3", 4, false},
                                                       {"mantan.kalapas", 0, true}}) {
    a.set_assessor_id(assessor);
    a.set_score(score);
    a.set_conflict_of_interest(coi);
    UNGGUL_ASSERT_OK_AND_ASSIGN(kv1::Assessment stored, ranking_->SubmitAssessment(a));
    EXPECT_EQ(stored.start_month(), "2025-11");
    EXPECT_EQ(stored.end_month(), "2026-10");
  }
  kv1::GetProductScoreRequest req;
  req.set_product_id(kGula);
  UNGGUL_ASSERT_OK_AND_ASSIGN(kv1::ProductScore s, ranking_->ScoreOf(req));
  for (const kv1::IndicatorScore& i : s.indicators()) {
    if (i.code() == "C3") {
      EXPECT_FALSE(i.missing());
      EXPECT_DOUBLE_EQ(i.raw_value(), 3);  // median of 2, 3, 4; the conflicted 0 excluded
      EXPECT_DOUBLE_EQ(i.normalised(), 0.75);
    }
  }
}

TEST_F(RankingCoreTest, PeriodWhatIfAndFrozenScore) {
  kv1::GetRankingRequest req;
  req.set_start_month("2026-13");
  req.set_end_month("2026-12");
  EXPECT_THAT(ranking_->Rank(req).status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("start_month")));
  req.set_start_month("2026-01");
  UNGGUL_ASSERT_OK_AND_ASSIGN(kv1::Ranking year, ranking_->Rank(req));
  EXPECT_EQ(year.period().label(), "2026");
  kv1::GetRankingRequest what_if;
  (*what_if.mutable_weight_overrides())["A1"] = 50;
  EXPECT_THAT(ranking_->Rank(what_if).status(), StatusIs(absl::StatusCode::kInvalidArgument));
  UNGGUL_ASSERT_OK_AND_ASSIGN(ScoreProvider::Frozen f, ranking_->ScoreFor(kGula, "", ""));
  EXPECT_EQ(f.period_start, "2025-11-01");
  EXPECT_EQ(f.period_end, "2026-10-31");
  EXPECT_EQ(f.period_label, "2025-11..2026-10");
  EXPECT_EQ(f.model_hash.size(), 64u);
  EXPECT_THAT(ranking_->ScoreFor("SMS-LP-LAHAT-NOPE", "", "").status(),
              StatusIs(absl::StatusCode::kNotFound));
}

}  // namespace
}  // namespace unggul::aggregator

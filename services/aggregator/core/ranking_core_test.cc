#include "services/aggregator/core/ranking_core.h"

#include <map>

#include "absl/strings/str_format.h"
#include "common/testing/fake_clock.h"
#include "common/testing/status_matchers.h"
#include "common/testing/temp_dir.h"
#include "gtest/gtest.h"
#include "services/aggregator/core/incident_core.h"
#include "services/aggregator/core/panel_core.h"
#include "services/aggregator/core/replica_apply.h"
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
constexpr char kRotan[] = "SMS-LP-LAHAT-KRSRTN";
constexpr char kRutan[] = "SMS-RT-PALEMBANG";
constexpr char kKopi[] = "SMS-RT-PALEMBANG-KRL";
constexpr char kRoti[] = "SMS-RT-PALEMBANG-ROTI";
constexpr char kInc[] = "0123456789abcdef0123456789abcdef";

class RankingCoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    RocksDbKanwilStore::Options o;
    o.path = dir_.path() + "/db";
    o.sync_writes = false;
    store_ = *RocksDbKanwilStore::Open(o);
    sync_ = std::make_unique<SyncCore>(*store_, clock_, SyncLimits());
    ASSERT_TRUE(
        sync_
            ->LoadRegistry(
                {{kUpt, "Lapas Kelas IIA Lahat", "LAPAS", "", "IIA", "16.04", "SUMSEL", false},
                 {kRutan, "Rutan Kelas I Palembang", "RUTAN", "", "I", "16.71", "SUMSEL", false}},
                "h")
            .ok());
    auto model = ParseScoringModel(DefaultScoringModelJson());
    ASSERT_TRUE(model.ok()) << model.status();
    ranking_ = std::make_unique<RankingCore>(*store_, store_->panel(), *sync_, clock_, *model);
    panel_ = std::make_unique<PanelCore>(*store_, store_->panel(), *sync_, clock_);
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
    ASSERT_TRUE(ApplyChanges(*store_, kUpt, kInc, c, c.size(), 1).ok());
    seq_[kUpt] = c.size();
  }

  // Appends records to a UPT's replica as the next sync batch.
  void Apply(const std::string& upt, std::vector<v1::Record> records) {
    std::vector<IncomingChange> c;
    for (v1::Record& r : records) c.push_back({++seq_[upt], std::move(r)});
    ASSERT_TRUE(ApplyChanges(*store_, upt, kInc, c, seq_[upt], 2).ok());
  }
  static v1::Record ProductRecord(const std::string& id, const std::string& name,
                                  v1::Category category) {
    v1::Record p;
    p.mutable_product()->set_product_id(id);
    p.mutable_product()->set_name(name);
    p.mutable_product()->set_category(category);
    return p;
  }
  static v1::Record Sale(const std::string& id, const std::string& product, const std::string& date,
                         int64_t revenue) {
    v1::Record s;
    s.mutable_sale()->set_sale_id(id);
    s.mutable_sale()->set_product_id(product);
    s.mutable_sale()->set_sale_date(date);
    s.mutable_sale()->set_qty(10);
    s.mutable_sale()->set_revenue_idr(revenue);
    s.mutable_sale()->set_channel(v1::CHANNEL_MARKETPLACE);
    s.mutable_sale()->set_buyer_region(v1::BUYER_REGION_SAME_PROVINCE);
    return s;
  }
  static v1::Record Batch(const std::string& code, const std::string& product,
                          const std::string& date, double qty) {
    v1::Record b;
    b.mutable_batch()->set_batch_code(code);
    b.mutable_batch()->set_product_id(product);
    b.mutable_batch()->set_start_date(date);
    b.mutable_batch()->set_qty_produced(qty);
    b.mutable_batch()->set_unit(v1::UNIT_PCS);
    b.mutable_batch()->set_inmate_person_days(20);
    return b;
  }
  // Two Rutan products and a second Lahat product, with sales in the default period.
  void AddProducts() {
    Apply(kRutan, {ProductRecord(kKopi, "Kopi Ratu Lembang", v1::CATEGORY_MINUMAN),
                   ProductRecord(kRoti, "Roti Rutan", v1::CATEGORY_PANGAN_OLAHAN),
                   Sale("SMS-RT-PALEMBANG-S1", kKopi, "2026-06-10", 25'000'000),
                   Sale("SMS-RT-PALEMBANG-S2", kRoti, "2026-07-10", 4'000'000),
                   Batch("SMS-RT-PALEMBANG-B1", kKopi, "2026-06-01", 200)});
    Apply(kUpt, {ProductRecord(kRotan, "Kursi Rotan", v1::CATEGORY_MEBEL_LOGAM),
                 Sale("SMS-LP-LAHAT-S99", kRotan, "2026-09-01", 12'000'000)});
  }
  static double Raw(const kv1::ProductScore& s, const std::string& code) {
    for (const kv1::IndicatorScore& i : s.indicators()) {
      if (i.code() == code) return i.raw_value();
    }
    return -1;
  }
  static std::vector<std::string> Ids(const kv1::Ranking& r) {
    std::vector<std::string> ids;
    for (const kv1::ProductScore& s : r.products()) ids.push_back(s.product_id());
    return ids;
  }
  // Every product of the ranking `req`, page by page.
  std::vector<std::string> AllPages(RankingCore& core, kv1::GetRankingRequest req) {
    std::vector<std::string> ids;
    do {
      auto page = core.Rank(req);
      EXPECT_TRUE(page.ok()) << page.status();
      if (!page.ok()) break;
      EXPECT_EQ(page->page_offset(), static_cast<int>(ids.size()));
      for (const std::string& id : Ids(*page)) ids.push_back(id);
      req.set_page_token(page->next_page_token());
    } while (!req.page_token().empty());
    return ids;
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
  std::unique_ptr<PanelCore> panel_;  // the panel's intake, which the ranking reads
  std::map<std::string, uint64_t> seq_;
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
                              panel_->VerifyMonthlyReports(verify));
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
  EXPECT_THAT(panel_->VerifyMonthlyReports(verify).status(), StatusIs(absl::StatusCode::kNotFound));
}

TEST_F(RankingCoreTest, PanelAssessmentsAreValidatedAndTheMedianCounts) {
  kv1::Assessment a;
  a.set_product_id(kGula);
  a.set_indicator("C3");
  a.set_score(5);
  a.set_assessor_id("asesor.1");
  EXPECT_THAT(panel_->SubmitAssessment(a).status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("score: must be 0..4")));
  a.set_score(3);
  a.set_indicator("A1");
  EXPECT_THAT(panel_->SubmitAssessment(a).status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("panel indicator")));
  a.set_indicator("C3");
  a.set_product_id("SMS-LP-LAHAT-NOPE");
  EXPECT_THAT(panel_->SubmitAssessment(a).status(), StatusIs(absl::StatusCode::kNotFound));
  a.set_product_id(kGula);
  for (const auto& [assessor, score, coi] :
       std::vector<std::tuple<std::string, int, bool>>{{"asesor.1", 2, false},
                                                       {"asesor.2", 3, false},
                                                       {"asesor.3", 4, false},
                                                       {"mantan.kalapas", 0, true}}) {
    a.set_assessor_id(assessor);
    a.set_score(score);
    a.set_conflict_of_interest(coi);
    UNGGUL_ASSERT_OK_AND_ASSIGN(kv1::Assessment stored, panel_->SubmitAssessment(a));
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

TEST_F(RankingCoreTest, MaterialisedRankingIsServedUntilTheDataChanges) {
  AddProducts();
  kv1::GetRankingRequest req;
  req.set_page_size(1);
  UNGGUL_ASSERT_OK_AND_ASSIGN(kv1::Ranking first, ranking_->Rank(req));
  UNGGUL_ASSERT_OK_AND_ASSIGN(kv1::Ranking again, ranking_->Rank(req));
  ASSERT_FALSE(first.next_page_token().empty());
  // Same snapshot: the token names it.
  EXPECT_EQ(again.next_page_token(), first.next_page_token());
  kv1::GetProductScoreRequest score;
  score.set_product_id(kGula);
  UNGGUL_ASSERT_OK_AND_ASSIGN(kv1::ProductScore before, ranking_->ScoreOf(score));
  EXPECT_DOUBLE_EQ(Raw(before, "B1"), 12 * 9'000'000.0);

  Apply(kUpt, {Sale("SMS-LP-LAHAT-S100", kGula, "2026-10-28", 1'000'000)});
  UNGGUL_ASSERT_OK_AND_ASSIGN(kv1::Ranking after, ranking_->Rank(req));
  EXPECT_NE(after.next_page_token(), first.next_page_token());
  UNGGUL_ASSERT_OK_AND_ASSIGN(kv1::ProductScore now, ranking_->ScoreOf(score));
  EXPECT_DOUBLE_EQ(Raw(now, "B1"), 12 * 9'000'000.0 + 1'000'000);
  // A sale outside the period changes the data state but not B1.
  Apply(kUpt, {Sale("SMS-LP-LAHAT-S101", kGula, "2026-11-02", 5'000'000)});
  UNGGUL_ASSERT_OK_AND_ASSIGN(kv1::ProductScore later, ranking_->ScoreOf(score));
  EXPECT_DOUBLE_EQ(Raw(later, "B1"), 12 * 9'000'000.0 + 1'000'000);
}

TEST_F(RankingCoreTest, PagesComeFromOneSnapshotInRankOrder) {
  AddProducts();
  kv1::GetRankingRequest all;
  all.set_page_size(1000);
  UNGGUL_ASSERT_OK_AND_ASSIGN(kv1::Ranking full, ranking_->Rank(all));
  ASSERT_EQ(full.products_size(), 4);
  EXPECT_EQ(full.total_products(), 4);
  EXPECT_TRUE(full.next_page_token().empty());
  ASSERT_EQ(full.sensitivity_size(), 3);
  EXPECT_EQ(full.sensitivity(0).products_size(), 4);

  kv1::GetRankingRequest req;
  req.set_page_size(3);
  UNGGUL_ASSERT_OK_AND_ASSIGN(kv1::Ranking page1, ranking_->Rank(req));
  EXPECT_EQ(page1.products_size(), 3);
  EXPECT_EQ(page1.total_products(), 4);
  EXPECT_EQ(page1.sensitivity(0).products_size(), 3);  // profile entries of the page only
  EXPECT_EQ(page1.top_product_ids_size(), full.top_product_ids_size());
  // The data changes between pages: page 2 still comes from page 1's snapshot.
  Apply(kRutan, {Sale("SMS-RT-PALEMBANG-S3", kRoti, "2026-08-10", 900'000'000)});
  req.set_page_token(page1.next_page_token());
  UNGGUL_ASSERT_OK_AND_ASSIGN(kv1::Ranking page2, ranking_->Rank(req));
  EXPECT_EQ(page2.page_offset(), 3);
  EXPECT_TRUE(page2.next_page_token().empty());
  std::vector<std::string> paged = Ids(page1);
  paged.push_back(page2.products(0).product_id());
  EXPECT_EQ(paged, Ids(full));
  // A fresh first page sees the new sale: Roti's revenue now leads B1.
  kv1::GetRankingRequest fresh;
  fresh.set_page_size(1000);
  UNGGUL_ASSERT_OK_AND_ASSIGN(kv1::Ranking now, ranking_->Rank(fresh));
  for (const kv1::ProductScore& p : now.products()) {
    if (p.product_id() == kRoti) {
      EXPECT_DOUBLE_EQ(Raw(p, "B1"), 904'000'000.0);
    }
  }
  kv1::GetRankingRequest by_two;
  by_two.set_page_size(2);
  EXPECT_EQ(AllPages(*ranking_, by_two), Ids(now));
  kv1::GetRankingRequest by_one;
  by_one.set_page_size(1);
  EXPECT_EQ(AllPages(*ranking_, by_one), Ids(now));
}

TEST_F(RankingCoreTest, PagingErrorsNameTheField) {
  AddProducts();
  kv1::GetRankingRequest req;
  req.set_page_size(-1);
  EXPECT_THAT(ranking_->Rank(req).status(), StatusIs(absl::StatusCode::kInvalidArgument,
                                                     HasSubstr("page_size: must be 0..1000")));
  req.set_page_size(1001);
  EXPECT_THAT(ranking_->Rank(req).status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("page_size")));
  req.set_page_size(1);
  req.set_page_token("r1.x.1");
  EXPECT_THAT(ranking_->Rank(req).status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("page_token: malformed")));
  req.clear_page_token();
  UNGGUL_ASSERT_OK_AND_ASSIGN(kv1::Ranking page1, ranking_->Rank(req));
  kv1::GetRankingRequest other = req;
  other.set_upt_code(kRutan);
  other.set_page_token(page1.next_page_token());
  EXPECT_THAT(ranking_->Rank(other).status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("another period")));

  // With one snapshot kept (by count, or by a byte budget smaller than any snapshot), a newer
  // ranking evicts page 1's: ABORTED, ask again. The newest is always kept.
  auto model = ParseScoringModel(DefaultScoringModelJson());
  ASSERT_TRUE(model.ok());
  RankingCore::Options one;
  one.max_cached_rankings = 1;
  RankingCore::Options tiny;
  tiny.max_cache_bytes = 1;
  int sale = 100;
  for (const RankingCore::Options& options : {one, tiny}) {
    RankingCore small(*store_, store_->panel(), *sync_, clock_, *model, options);
    UNGGUL_ASSERT_OK_AND_ASSIGN(kv1::Ranking p1, small.Rank(req));
    kv1::GetRankingRequest next = req;
    next.set_page_token(p1.next_page_token());
    UNGGUL_ASSERT_OK(small.Rank(next).status());  // the newest snapshot is kept
    Apply(kUpt, {Sale(absl::StrCat("SMS-LP-LAHAT-S", sale++), kGula, "2026-10-28", 1'000'000)});
    UNGGUL_ASSERT_OK(small.Rank(req).status());
    EXPECT_THAT(small.Rank(next).status(),
                StatusIs(absl::StatusCode::kAborted, HasSubstr("first page")));
  }
}

TEST_F(RankingCoreTest, SummaryViewKeepsOnlyWhatFailed) {
  AddProducts();
  kv1::GetRankingRequest req;
  req.set_view(kv1::RANKING_VIEW_SUMMARY);
  UNGGUL_ASSERT_OK_AND_ASSIGN(kv1::Ranking summary, ranking_->Rank(req));
  req.set_view(kv1::RANKING_VIEW_FULL);
  UNGGUL_ASSERT_OK_AND_ASSIGN(kv1::Ranking full, ranking_->Rank(req));
  ASSERT_EQ(summary.products_size(), full.products_size());
  for (int i = 0; i < summary.products_size(); ++i) {
    const kv1::ProductScore& s = summary.products(i);
    EXPECT_EQ(s.indicators_size(), 0);
    // Only the failed gates and floors, exactly those of the full view.
    std::vector<std::string> failed;
    for (const kv1::GateResult& g : full.products(i).gates()) {
      if (!g.passed()) failed.push_back(g.gate() + ": " + g.reason());
    }
    for (const kv1::FloorResult& f : full.products(i).floors()) {
      if (!f.passed()) failed.push_back(f.floor());
    }
    std::vector<std::string> kept;
    for (const kv1::GateResult& g : s.gates()) kept.push_back(g.gate() + ": " + g.reason());
    for (const kv1::FloorResult& f : s.floors()) kept.push_back(f.floor());
    EXPECT_EQ(kept, failed) << s.product_id();
    EXPECT_EQ(s.pillars_size(), 4);
    EXPECT_EQ(s.total(), full.products(i).total());
    EXPECT_EQ(s.category(), full.products(i).category());
    EXPECT_EQ(full.products(i).indicators_size(), 16);
  }
}

TEST_F(RankingCoreTest, CachedRankingEqualsAFreshComputation) {
  AddProducts();
  kv1::GetRankingRequest req;
  req.set_page_size(1000);
  UNGGUL_ASSERT_OK(ranking_->Rank(req).status());  // warm the per-UPT input cache
  auto model = ParseScoringModel(DefaultScoringModelJson());
  ASSERT_TRUE(model.ok());
  auto compare = [&] {
    UNGGUL_ASSERT_OK_AND_ASSIGN(kv1::Ranking cached, ranking_->Rank(req));
    RankingCore fresh_core(*store_, store_->panel(), *sync_, clock_, *model);
    UNGGUL_ASSERT_OK_AND_ASSIGN(kv1::Ranking fresh, fresh_core.Rank(req));
    for (kv1::Ranking* r : {&cached, &fresh}) {
      r->clear_computed_at_unix_ms();
      r->clear_compute_ms();
    }
    EXPECT_EQ(cached.SerializeAsString(), fresh.SerializeAsString());
  };
  // Only the Rutan changes: Lahat's inputs come from the cache.
  const uint64_t warm = ranking_->input_loads();
  EXPECT_GE(warm, 2u);  // every UPT of the registry once
  Apply(kRutan, {Batch("SMS-RT-PALEMBANG-B2", kKopi, "2026-07-01", 180),
                 Sale("SMS-RT-PALEMBANG-S4", kKopi, "2026-07-15", 30'000'000)});
  compare();
  EXPECT_EQ(ranking_->input_loads(), warm + 1);  // the Rutan's inputs, nobody else's
  // A snapshot replaces Lahat's replica (Kursi Rotan and its sale are gone).
  UNGGUL_ASSERT_OK_AND_ASSIGN(std::vector<v1::Record> lahat, store_->ListRecords(kUpt));
  std::vector<v1::Record> kept;
  for (v1::Record& r : lahat) {
    if (r.has_product() && r.product().product_id() == kRotan) continue;
    if (r.has_sale() && r.sale().product_id() == kRotan) continue;
    kept.push_back(std::move(r));
  }
  UNGGUL_ASSERT_OK(ReplaceUpt(*store_, kUpt, kInc, seq_[kUpt], kept, 3).status());
  compare();
  UNGGUL_ASSERT_OK_AND_ASSIGN(kv1::Ranking now, ranking_->Rank(req));
  EXPECT_EQ(now.total_products(), 3);
  // A panel score reaches the cached inputs too.
  kv1::Assessment a;
  a.set_product_id(kKopi);
  a.set_indicator("C3");
  a.set_score(3);
  a.set_assessor_id("asesor.1");
  const uint64_t before_panel = ranking_->input_loads();
  UNGGUL_ASSERT_OK(panel_->SubmitAssessment(a).status());
  compare();
  EXPECT_EQ(ranking_->input_loads(), before_panel);  // panel scores are attached, not reloaded
}

TEST_F(RankingCoreTest, RefreshStaleRecomputesOnlyStaleRankings) {
  UNGGUL_ASSERT_OK_AND_ASSIGN(int refreshed, ranking_->RefreshStale());
  EXPECT_EQ(refreshed, 1);  // the default ranking
  UNGGUL_ASSERT_OK_AND_ASSIGN(refreshed, ranking_->RefreshStale());
  EXPECT_EQ(refreshed, 0);
  kv1::GetRankingRequest lahat;
  lahat.set_upt_code(kUpt);
  UNGGUL_ASSERT_OK(ranking_->Rank(lahat).status());
  UNGGUL_ASSERT_OK_AND_ASSIGN(refreshed, ranking_->RefreshStale());
  EXPECT_EQ(refreshed, 0);
  AddProducts();
  UNGGUL_ASSERT_OK_AND_ASSIGN(refreshed, ranking_->RefreshStale());
  EXPECT_EQ(refreshed, 2);  // the default one and the Lahat cohort
  // Served from the refreshed snapshot: the same one twice, with the new products.
  kv1::GetRankingRequest req;
  req.set_page_size(1);
  UNGGUL_ASSERT_OK_AND_ASSIGN(kv1::Ranking a, ranking_->Rank(req));
  UNGGUL_ASSERT_OK_AND_ASSIGN(refreshed, ranking_->RefreshStale());
  EXPECT_EQ(refreshed, 0);
  UNGGUL_ASSERT_OK_AND_ASSIGN(kv1::Ranking b, ranking_->Rank(req));
  EXPECT_EQ(a.total_products(), 4);
  EXPECT_EQ(a.next_page_token(), b.next_page_token());

  // Refreshing does not count as asking: a spec last asked over an hour ago stops being
  // refreshed, even though the refresher kept it current meanwhile.
  clock_.Advance(absl::Minutes(50));
  Apply(kUpt, {Sale("SMS-LP-LAHAT-S100", kGula, "2026-10-28", 1'000'000)});
  UNGGUL_ASSERT_OK_AND_ASSIGN(refreshed, ranking_->RefreshStale());
  EXPECT_EQ(refreshed, 2);  // the Lahat cohort was asked 50 minutes ago
  clock_.Advance(absl::Minutes(20));
  Apply(kUpt, {Sale("SMS-LP-LAHAT-S101", kGula, "2026-10-29", 1'000'000)});
  UNGGUL_ASSERT_OK_AND_ASSIGN(refreshed, ranking_->RefreshStale());
  EXPECT_EQ(refreshed, 1);  // only the default one: the Lahat cohort was last asked 70 min ago
}

TEST_F(RankingCoreTest, BoundedStalenessServesTheLastSnapshotAndSaysSo) {
  AddProducts();
  kv1::GetRankingRequest req;
  req.set_page_size(1);
  UNGGUL_ASSERT_OK_AND_ASSIGN(kv1::Ranking first, ranking_->Rank(req));
  EXPECT_FALSE(first.stale());
  Apply(kUpt, {Sale("SMS-LP-LAHAT-S100", kGula, "2026-10-28", 1'000'000)});
  req.set_max_staleness_seconds(60);
  UNGGUL_ASSERT_OK_AND_ASSIGN(kv1::Ranking cached, ranking_->Rank(req));
  EXPECT_TRUE(cached.stale());
  EXPECT_EQ(cached.next_page_token(), first.next_page_token());  // the same snapshot
  clock_.Advance(absl::Seconds(61));                             // too old now: recomputed
  UNGGUL_ASSERT_OK_AND_ASSIGN(kv1::Ranking fresh, ranking_->Rank(req));
  EXPECT_FALSE(fresh.stale());
  EXPECT_NE(fresh.next_page_token(), first.next_page_token());
  req.set_max_staleness_seconds(0);  // exact: current data
  UNGGUL_ASSERT_OK_AND_ASSIGN(kv1::Ranking exact, ranking_->Rank(req));
  EXPECT_FALSE(exact.stale());
  req.set_max_staleness_seconds(-1);
  EXPECT_THAT(ranking_->Rank(req).status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("max_staleness_seconds")));
}

TEST_F(RankingCoreTest, SettlementsInsideThePeriodFeedPremiPnbpAndCogs) {
  kv1::GetProductScoreRequest score;
  score.set_product_id(kGula);
  UNGGUL_ASSERT_OK_AND_ASSIGN(kv1::ProductScore before, ranking_->ScoreOf(score));
  auto indicator = [](const kv1::ProductScore& s, const std::string& code) {
    for (const kv1::IndicatorScore& i : s.indicators()) {
      if (i.code() == code) return i;
    }
    return kv1::IndicatorScore();
  };
  EXPECT_TRUE(indicator(before, "B2").missing());
  EXPECT_TRUE(indicator(before, "A3").missing());
  auto settlement = [](const std::string& id, const std::string& start, const std::string& end,
                       int64_t premi, int64_t pnbp, int64_t cogs) {
    v1::Record r;
    v1::Settlement* s = r.mutable_settlement();
    s->set_settlement_id(id);
    s->set_product_id(kGula);
    s->set_period_start(start);
    s->set_period_end(end);
    s->set_gross_sales_idr(54'000'000);
    s->set_cogs_idr(cogs);
    s->set_premi_total_idr(premi);
    s->set_pnbp_deposited_idr(pnbp);
    return r;
  };
  Apply(kUpt, {settlement("SMS-LP-LAHAT-GSJM-STL-202511", "2025-11", "2026-04", 5'400'000,
                          1'620'000, 30'000'000),
               settlement("SMS-LP-LAHAT-GSJM-STL-202605", "2026-05", "2026-10", 5'000'000,
                          1'500'000, 28'000'000),
               // Straddles the period start: not wholly inside, not counted.
               settlement("SMS-LP-LAHAT-GSJM-STL-202508", "2025-08", "2025-12", 9'999'999,
                          9'999'999, 9'999'999)});
  UNGGUL_ASSERT_OK_AND_ASSIGN(kv1::ProductScore after, ranking_->ScoreOf(score));
  EXPECT_FALSE(indicator(after, "B2").missing());
  EXPECT_DOUBLE_EQ(indicator(after, "B2").raw_value(), 3'120'000);
  EXPECT_FALSE(indicator(after, "B5").missing());
  // B5 margin = (sales - COGS) / sales with the settled COGS, not the batches' direct cost.
  EXPECT_DOUBLE_EQ(indicator(after, "B5").raw_value(),
                   (108'000'000.0 - 58'000'000.0) / 108'000'000.0);
  // A3 = premi per person-month; it needs verified labour (A1) as well.
  kv1::VerifyMonthlyReportsRequest verify;
  verify.set_upt_code(kUpt);
  verify.set_verified_by("kabid.yanbin");
  UNGGUL_ASSERT_OK(panel_->VerifyMonthlyReports(verify).status());
  UNGGUL_ASSERT_OK_AND_ASSIGN(kv1::ProductScore verified, ranking_->ScoreOf(score));
  EXPECT_FALSE(indicator(verified, "A3").missing());
  EXPECT_DOUBLE_EQ(indicator(verified, "A3").raw_value(), 10'400'000.0 / (12 * 9));
}

TEST_F(RankingCoreTest, AnOpenIncidentAtThePeriodEndFailsGateG6) {
  IncidentCore incidents(*store_, store_->panel(), *sync_, clock_);
  kv1::GetProductScoreRequest score;
  score.set_product_id(kGula);
  UNGGUL_ASSERT_OK_AND_ASSIGN(kv1::ProductScore before, ranking_->ScoreOf(score));
  ASSERT_NE(Gate(before, "G6"), nullptr);
  EXPECT_TRUE(Gate(before, "G6")->passed());

  kv1::RecordIncidentRequest rec;
  kv1::Incident* in = rec.mutable_incident();
  in->set_product_id(kGula);
  in->set_kind(kv1::INCIDENT_KIND_FOOD_SAFETY);
  in->set_reference("DINKES-LHT/2026/014");
  in->set_opened_date("2026-09-14");
  in->set_description("Kemasan menggembung pada satu batch; diperiksa Dinas Kesehatan.");
  in->set_recorded_by("kabid.yanbin");
  // Validation names the field and the rule; nothing is stored.
  kv1::RecordIncidentRequest bad = rec;
  bad.mutable_incident()->set_kind(kv1::INCIDENT_KIND_UNSPECIFIED);
  EXPECT_THAT(incidents.RecordIncident(bad).status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("incident.kind")));
  bad = rec;
  bad.mutable_incident()->set_opened_date("2026-12-30");
  EXPECT_THAT(incidents.RecordIncident(bad).status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("incident.opened_date: must not be in the future")));
  bad = rec;
  bad.mutable_incident()->set_product_id("SMS-LP-LAHAT-NOPE");
  EXPECT_THAT(incidents.RecordIncident(bad).status(), StatusIs(absl::StatusCode::kNotFound));
  EXPECT_EQ(incidents.ListIncidents(kv1::ListIncidentsRequest())->incidents_size(), 0);

  UNGGUL_ASSERT_OK_AND_ASSIGN(kv1::Incident incident, incidents.RecordIncident(rec));
  EXPECT_EQ(incident.incident_id().substr(0, 4), "INC-");
  EXPECT_THAT(incidents.RecordIncident(rec).status(),
              StatusIs(absl::StatusCode::kAlreadyExists, HasSubstr("DINKES-LHT/2026/014")));
  UNGGUL_ASSERT_OK_AND_ASSIGN(kv1::ProductScore open, ranking_->ScoreOf(score));
  EXPECT_FALSE(Gate(open, "G6")->passed());
  EXPECT_THAT(Gate(open, "G6")->reason(), HasSubstr("DINKES-LHT/2026/014"));
  EXPECT_FALSE(open.eligible());
  // The period ending 2026-08 is unaffected: the incident opened later.
  UNGGUL_ASSERT_OK_AND_ASSIGN(ScoreProvider::Frozen earlier,
                              ranking_->ScoreFor(kGula, "2025-09", "2026-08"));
  EXPECT_TRUE(Gate(earlier.score, "G6")->passed());

  kv1::CloseIncidentRequest close;
  close.set_incident_id(incident.incident_id());
  close.set_closed_date("2026-09-01");
  close.set_closed_by("kabid.yanbin");
  EXPECT_THAT(incidents.CloseIncident(close).status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("closed_date: must not be before opened_date")));
  close.set_closed_date("2026-10-20");
  close.set_closing_note("Batch ditarik, uji lab negatif.");
  UNGGUL_ASSERT_OK_AND_ASSIGN(kv1::Incident closed, incidents.CloseIncident(close));
  EXPECT_EQ(closed.closed_date(), "2026-10-20");
  EXPECT_THAT(incidents.CloseIncident(close).status(),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("already closed")));
  UNGGUL_ASSERT_OK_AND_ASSIGN(kv1::ProductScore after, ranking_->ScoreOf(score));
  EXPECT_TRUE(Gate(after, "G6")->passed());  // closed before the period's last day (2026-10-31)
  kv1::ListIncidentsRequest open_only;
  open_only.set_open_only(true);
  EXPECT_EQ(incidents.ListIncidents(open_only)->incidents_size(), 0);
  EXPECT_EQ(incidents.ListIncidents(kv1::ListIncidentsRequest())->incidents_size(), 1);
}

TEST_F(RankingCoreTest, CustomerReturnsInThePeriodLowerQualityC2) {
  kv1::GetProductScoreRequest score;
  score.set_product_id(kGula);
  auto c2 = [&]() {
    auto s = ranking_->ScoreOf(score);
    EXPECT_TRUE(s.ok()) << s.status();
    for (const kv1::IndicatorScore& i : s->indicators()) {
      if (i.code() == "C2") return i;
    }
    return kv1::IndicatorScore();
  };
  // 12 batches of 100 kg with 1 kg rejected each: r = 1 - 12/1200.
  EXPECT_DOUBLE_EQ(c2().raw_value(), 1 - 12.0 / 1200);
  EXPECT_THAT(c2().note(), HasSubstr("no customer returns recorded in the period"));
  auto ret = [](const std::string& id, const std::string& date, double qty) {
    v1::Record r;
    v1::CustomerReturn* c = r.mutable_customer_return();
    c->set_return_id(id);
    c->set_product_id(kGula);
    c->set_return_date(date);
    c->set_qty(qty);
    c->set_unit(v1::UNIT_KG);
    c->set_reason(v1::RETURN_REASON_DEFECT);
    return r;
  };
  Apply(kUpt, {ret("SMS-LP-LAHAT-GSJM-RET-0001", "2026-03-10", 15),
               ret("SMS-LP-LAHAT-GSJM-RET-0002", "2026-09-02", 9),
               ret("SMS-LP-LAHAT-GSJM-RET-0003", "2025-10-30", 100)});  // before the period
  EXPECT_DOUBLE_EQ(c2().raw_value(), 1 - (12.0 + 24.0) / 1200);
}

}  // namespace
}  // namespace unggul::aggregator

// One contract, two implementations: every CatalogStore behaviour the core relies on, run
// against the in-memory fake the core tests use and against the RocksDB store, so the fake
// cannot drift from the real thing.

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/testing/status_matchers.h"
#include "common/testing/temp_dir.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/node/core/fake_catalog_store.h"
#include "services/node/store/rocksdb_catalog_store.h"

namespace unggul::node {
namespace {

using ::testing::HasSubstr;
using ::unggul::testing::StatusIs;

constexpr char kUpt[] = "SMS-LP-LAHAT";
constexpr char kGula[] = "SMS-LP-LAHAT-GSJM";

struct Impl {
  const char* name;
  std::function<std::unique_ptr<CatalogStore>(const std::string& dir)> open;
};

std::unique_ptr<CatalogStore> OpenFake(const std::string&) {
  return std::make_unique<FakeCatalogStore>(kUpt);
}

std::unique_ptr<CatalogStore> OpenRocks(const std::string& dir) {
  RocksDbCatalogStore::Options o;
  o.path = dir + "/db";
  o.upt_code = kUpt;
  o.sync_writes = false;
  auto store = RocksDbCatalogStore::Open(o);
  EXPECT_TRUE(store.ok()) << store.status();
  return store.ok() ? std::unique_ptr<CatalogStore>(std::move(*store)) : nullptr;
}

v1::Record Product(const std::string& name) {
  v1::Record r;
  r.mutable_product()->set_product_id(kGula);
  r.mutable_product()->set_upt_code(kUpt);
  r.mutable_product()->set_name(name);
  r.mutable_product()->set_category(v1::CATEGORY_PANGAN_OLAHAN);
  return r;
}

v1::Record Batch(const std::string& code, const std::string& date) {
  v1::Record r;
  r.mutable_batch()->set_batch_code(code);
  r.mutable_batch()->set_product_id(kGula);
  r.mutable_batch()->set_start_date(date);
  r.mutable_batch()->set_qty_produced(20);
  r.mutable_batch()->set_unit(v1::UNIT_KG);
  return r;
}

class CatalogStoreContractTest : public ::testing::TestWithParam<Impl> {
 protected:
  void SetUp() override {
    store_ = GetParam().open(dir_.path());
    ASSERT_NE(store_, nullptr);
  }
  ::unggul::testing::ScopedTempDir dir_;
  std::unique_ptr<CatalogStore> store_;
};

TEST_P(CatalogStoreContractTest, PutGetAndRequestOutcomes) {
  EXPECT_EQ(store_->Info().upt_code, kUpt);
  EXPECT_EQ(store_->Info().last_seq, 0u);
  UNGGUL_ASSERT_OK_AND_ASSIGN(uint64_t s1, store_->Put(Product("Gula Semut"), "", "", 10));
  UNGGUL_ASSERT_OK_AND_ASSIGN(uint64_t s2,
                              store_->Put(Batch("SMS-LP-LAHAT-B1", "2026-10-05"), "r1", "f1", 20));
  EXPECT_EQ(s1, 1u);
  EXPECT_EQ(s2, 2u);  // dense
  UNGGUL_ASSERT_OK_AND_ASSIGN(v1::Record got, store_->Get(RecordKind::kBatch, "SMS-LP-LAHAT-B1"));
  EXPECT_EQ(got.batch().start_date(), "2026-10-05");
  EXPECT_THAT(store_->Get(RecordKind::kBatch, "SMS-LP-LAHAT-B9").status(),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("batch SMS-LP-LAHAT-B9 not found")));
  UNGGUL_ASSERT_OK_AND_ASSIGN(std::optional<RequestOutcome> outcome, store_->GetRequest("r1"));
  ASSERT_TRUE(outcome.has_value());
  EXPECT_EQ(outcome->fingerprint, "f1");
  EXPECT_EQ(outcome->seq, 2u);
  EXPECT_EQ(outcome->at_unix_ms, 20);
  EXPECT_EQ(outcome->result.batch().batch_code(), "SMS-LP-LAHAT-B1");
  UNGGUL_ASSERT_OK_AND_ASSIGN(std::optional<RequestOutcome> none, store_->GetRequest("r2"));
  EXPECT_FALSE(none.has_value());
  // Replacing a record takes a new seq and keeps the counts.
  UNGGUL_ASSERT_OK_AND_ASSIGN(uint64_t s3,
                              store_->Put(Product("Gula Semut Jahe Merah"), "", "", 30));
  EXPECT_EQ(s3, 3u);
  const StoreInfo info = store_->Info();
  EXPECT_EQ(info.last_seq, 3u);
  EXPECT_EQ(info.counts.products(), 1);
  EXPECT_EQ(info.counts.batches(), 1);
  UNGGUL_ASSERT_OK_AND_ASSIGN(got, store_->Get(RecordKind::kProduct, kGula));
  EXPECT_EQ(got.product().name(), "Gula Semut Jahe Merah");
}

TEST_P(CatalogStoreContractTest, ListsByProductInDateOrderWithPagesAndRanges) {
  UNGGUL_ASSERT_OK(store_->Put(Product("Gula Semut"), "", "", 1).status());
  // Written out of date order; ids sort differently from dates.
  for (const auto& [code, date] :
       std::vector<std::pair<std::string, std::string>>{{"SMS-LP-LAHAT-B5", "2026-01-05"},
                                                        {"SMS-LP-LAHAT-B1", "2026-03-01"},
                                                        {"SMS-LP-LAHAT-B4", "2026-02-10"},
                                                        {"SMS-LP-LAHAT-B2", "2026-05-20"},
                                                        {"SMS-LP-LAHAT-B3", "2026-04-02"}}) {
    UNGGUL_ASSERT_OK(store_->Put(Batch(code, date), "", "", 2).status());
  }
  ListQuery q;
  q.kind = RecordKind::kBatch;
  q.product_id = kGula;
  q.page_size = 2;
  std::vector<std::string> dates;
  int pages = 0;
  do {
    UNGGUL_ASSERT_OK_AND_ASSIGN(ListPage page, store_->List(q));
    for (const v1::Record& r : page.records) dates.push_back(r.batch().start_date());
    q.page_token = page.next_page_token;
    ++pages;
  } while (!q.page_token.empty() && pages < 10);
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(dates, (std::vector<std::string>{"2026-01-05", "2026-02-10", "2026-03-01", "2026-04-02",
                                             "2026-05-20"}));
  q.page_token.clear();
  q.page_size = 100;
  q.from_day = 20502;  // 2026-02-18
  q.to_day = 20545;    // 2026-04-02
  UNGGUL_ASSERT_OK_AND_ASSIGN(ListPage range, store_->List(q));
  ASSERT_EQ(range.records.size(), 2u);
  EXPECT_EQ(range.records[0].batch().batch_code(), "SMS-LP-LAHAT-B1");
  EXPECT_EQ(range.records[1].batch().batch_code(), "SMS-LP-LAHAT-B3");
  q.page_token = "not-a-token";
  EXPECT_THAT(store_->List(q).status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("page_token")));
  q.page_token.clear();
  q.page_size = 0;
  EXPECT_THAT(store_->List(q).status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("page_size")));
}

TEST_P(CatalogStoreContractTest, SweepForgetsOldOutcomesOldestFirst) {
  UNGGUL_ASSERT_OK(store_->Put(Product("Gula Semut"), "", "", 1).status());
  UNGGUL_ASSERT_OK(store_->Put(Batch("SMS-LP-LAHAT-B1", "2026-01-05"), "a", "fa", 300).status());
  UNGGUL_ASSERT_OK(store_->Put(Batch("SMS-LP-LAHAT-B2", "2026-01-06"), "b", "fb", 100).status());
  UNGGUL_ASSERT_OK(store_->Put(Batch("SMS-LP-LAHAT-B3", "2026-01-07"), "c", "fc", 200).status());
  UNGGUL_ASSERT_OK_AND_ASSIGN(RequestSweep one, store_->SweepRequests(250, 1));
  EXPECT_EQ(one.deleted, 1);
  EXPECT_TRUE(one.more);
  UNGGUL_ASSERT_OK_AND_ASSIGN(std::optional<RequestOutcome> b, store_->GetRequest("b"));
  EXPECT_FALSE(b.has_value());
  UNGGUL_ASSERT_OK_AND_ASSIGN(RequestSweep rest, store_->SweepRequests(250, 10));
  EXPECT_EQ(rest.deleted, 1);
  EXPECT_FALSE(rest.more);
  UNGGUL_ASSERT_OK_AND_ASSIGN(std::optional<RequestOutcome> a, store_->GetRequest("a"));
  EXPECT_TRUE(a.has_value());
  EXPECT_EQ(store_->Info().counts.batches(), 3);  // records stay
}

INSTANTIATE_TEST_SUITE_P(Stores, CatalogStoreContractTest,
                         ::testing::Values(Impl{"Fake", OpenFake}, Impl{"RocksDb", OpenRocks}),
                         [](const ::testing::TestParamInfo<Impl>& info) {
                           return std::string(info.param.name);
                         });

}  // namespace
}  // namespace unggul::node

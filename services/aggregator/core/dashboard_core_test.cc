#include "services/aggregator/core/dashboard_core.h"

#include <memory>
#include <string>
#include <vector>

#include "common/records/records.h"
#include "common/testing/fake_clock.h"
#include "common/testing/status_matchers.h"
#include "common/testing/temp_dir.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/aggregator/store/rocksdb_kanwil_store.h"

namespace unggul::aggregator {
namespace {

namespace kv1 = ::unggul::kanwil::v1;
namespace v1 = ::unggul::node::v1;
using ::testing::HasSubstr;
using ::unggul::testing::StatusIs;

constexpr char kLahat[] = "SMS-LP-LAHAT";
constexpr char kSekayu[] = "SMS-LP-SEKAYU";
constexpr char kGula[] = "SMS-LP-LAHAT-GSJM";
constexpr char kInc[] = "0123456789abcdef0123456789abcdef";

class DashboardCoreTest : public ::testing::Test {
 protected:
  DashboardCoreTest() : clock_(absl::FromUnixSeconds(1795921200)) {}

  void SetUp() override {
    RocksDbKanwilStore::Options o;
    o.path = dir_.path() + "/db";
    o.sync_writes = false;
    auto store = RocksDbKanwilStore::Open(o);
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
    sync_ = std::make_unique<SyncCore>(*store_, clock_, SyncLimits());
    ASSERT_TRUE(
        sync_
            ->LoadRegistry(
                {{kLahat, "Lapas Kelas IIA Lahat", "LAPAS", "", "IIA", "16.04", "SUMSEL", false},
                 {kSekayu, "Lapas Kelas IIB Sekayu", "LAPAS", "", "IIB", "16.06", "SUMSEL", false}},
                "h")
            .ok());
    std::vector<IncomingChange> changes(3);
    changes[0].seq = 1;
    changes[0].record.mutable_product()->set_product_id(kGula);
    changes[0].record.mutable_product()->set_name("Gula Semut Jahe Merah");
    changes[0].record.mutable_product()->set_category(v1::CATEGORY_PANGAN_OLAHAN);
    for (int i : {1, 2}) {
      v1::ProductionBatch* b = changes[i].record.mutable_batch();
      changes[i].seq = static_cast<uint64_t>(i + 1);
      b->set_batch_code(absl::StrCat("SMS-LP-LAHAT-GSJM250-2610", i));
      b->set_product_id(kGula);
      b->set_start_date(absl::StrCat("2026-10-0", i + 1));
      b->set_qty_produced(17.5);
      b->set_unit(v1::UNIT_KG);
      digest_records_.push_back(changes[i].record);
    }
    digest_records_.push_back(changes[0].record);
    ASSERT_TRUE(store_->ApplyChanges(kLahat, kInc, changes, 3, 1).ok());
    core_ = std::make_unique<DashboardCore>(*store_, *sync_);
  }

  ::unggul::testing::ScopedTempDir dir_;
  ::unggul::testing::FakeClock clock_;
  std::unique_ptr<RocksDbKanwilStore> store_;
  std::unique_ptr<SyncCore> sync_;
  std::unique_ptr<DashboardCore> core_;
  std::vector<v1::Record> digest_records_;
};

TEST_F(DashboardCoreTest, ListUptsShowsTheRegistryWithEachUptsSyncState) {
  UNGGUL_ASSERT_OK_AND_ASSIGN(kv1::ListUptsResponse upts, core_->ListUpts());
  ASSERT_EQ(upts.upts_size(), 2);
  const kv1::UptStatus& lahat = upts.upts(0).upt_code() == kLahat ? upts.upts(0) : upts.upts(1);
  const kv1::UptStatus& sekayu = upts.upts(0).upt_code() == kLahat ? upts.upts(1) : upts.upts(0);
  EXPECT_EQ(lahat.official_name(), "Lapas Kelas IIA Lahat");
  EXPECT_EQ(lahat.incarnation_id(), kInc);
  EXPECT_EQ(lahat.hwm(), 3u);
  EXPECT_EQ(lahat.products(), 1);
  v1::RecordDigest want;
  for (const v1::Record& r : digest_records_) DigestAdd(want, RecordHash(r));
  EXPECT_EQ(DigestString(lahat.digest()), DigestString(want));
  EXPECT_FALSE(lahat.connected());
  EXPECT_EQ(sekayu.incarnation_id(), "");  // never synced
  EXPECT_EQ(sekayu.hwm(), 0u);
  EXPECT_EQ(sekayu.digest().count(), 0);
}

TEST_F(DashboardCoreTest, ProductsWithRollupsAndDigestsWithExactCodes) {
  kv1::ListProductsRequest req;
  req.set_upt_code(kLahat);
  UNGGUL_ASSERT_OK_AND_ASSIGN(kv1::ListProductsResponse products, core_->ListProducts(req));
  ASSERT_EQ(products.products_size(), 1);
  EXPECT_EQ(products.products(0).name(), "Gula Semut Jahe Merah");
  req.set_page_size(1001);
  EXPECT_THAT(core_->ListProducts(req).status(), StatusIs(absl::StatusCode::kInvalidArgument,
                                                          HasSubstr("page_size: must be 0..1000")));
  req.set_page_size(0);
  req.set_upt_code("SMS-LP-TIDAKADA");
  EXPECT_THAT(core_->ListProducts(req).status(),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("not in the registry")));

  UNGGUL_ASSERT_OK_AND_ASSIGN(kv1::GetProductResponse gula, core_->GetProduct(kGula));
  ASSERT_EQ(gula.months_size(), 1);
  EXPECT_EQ(gula.months(0).month(), "2026-10");
  EXPECT_EQ(gula.months(0).batches(), 2);
  EXPECT_DOUBLE_EQ(gula.months(0).qty_produced(), 35);
  EXPECT_THAT(core_->GetProduct("SMS-LP-LAHAT-TIDAKADA").status(),
              StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(core_->GetProduct("").status(), StatusIs(absl::StatusCode::kInvalidArgument));

  UNGGUL_ASSERT_OK_AND_ASSIGN(kv1::UptDigest lahat, core_->GetUptDigest(kLahat));
  EXPECT_EQ(lahat.hwm(), 3u);
  EXPECT_EQ(lahat.digest().count(), 3);
  UNGGUL_ASSERT_OK_AND_ASSIGN(kv1::UptDigest sekayu, core_->GetUptDigest(kSekayu));
  EXPECT_EQ(sekayu.digest().count(), 0);
  EXPECT_THAT(core_->GetUptDigest("SMS-LP-TIDAKADA").status(),
              StatusIs(absl::StatusCode::kNotFound));
}

}  // namespace
}  // namespace unggul::aggregator

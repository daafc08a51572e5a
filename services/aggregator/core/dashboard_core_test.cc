#include "services/aggregator/core/dashboard_core.h"

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/records/records.h"
#include "common/testing/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/aggregator/testing/kanwil_test_bed.h"

namespace unggul::aggregator {
namespace {

namespace kv1 = ::unggul::kanwil::v1;
namespace v1 = ::unggul::node::v1;
using ::testing::HasSubstr;
using ::unggul::testing::StatusIs;

using testing::kLahat;
using testing::kSekayu;
constexpr char kGula[] = "SMS-LP-LAHAT-GSJM";

class DashboardCoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::vector<v1::Record> records(3);
    records[0].mutable_product()->set_product_id(kGula);
    records[0].mutable_product()->set_name("Gula Semut Jahe Merah");
    records[0].mutable_product()->set_category(v1::CATEGORY_PANGAN_OLAHAN);
    for (int i : {1, 2}) {
      v1::ProductionBatch* b = records[i].mutable_batch();
      b->set_batch_code(absl::StrCat("SMS-LP-LAHAT-GSJM250-2610", i));
      b->set_product_id(kGula);
      b->set_start_date(absl::StrCat("2026-10-0", i + 1));
      b->set_qty_produced(17.5);
      b->set_unit(v1::UNIT_KG);
    }
    for (const v1::Record& r : records) DigestAdd(want_digest_, RecordHash(r));
    kanwil_.Apply(kLahat, records);
    core_ = std::make_unique<DashboardCore>(kanwil_.store(), kanwil_.sync());
  }

  testing::KanwilTestBed kanwil_;
  std::unique_ptr<DashboardCore> core_;
  v1::RecordDigest want_digest_;
};

TEST_F(DashboardCoreTest, ListUptsShowsTheRegistryWithEachUptsSyncState) {
  UNGGUL_ASSERT_OK_AND_ASSIGN(kv1::ListUptsResponse upts, core_->ListUpts());
  ASSERT_EQ(upts.upts_size(), 3);
  std::map<std::string, kv1::UptStatus> by_code;
  for (const kv1::UptStatus& u : upts.upts()) by_code[u.upt_code()] = u;
  const kv1::UptStatus& lahat = by_code[kLahat];
  const kv1::UptStatus& sekayu = by_code[kSekayu];
  EXPECT_EQ(lahat.official_name(), "Lapas Kelas IIA Lahat");
  EXPECT_EQ(lahat.incarnation_id(), testing::kTestIncarnation);
  EXPECT_EQ(lahat.hwm(), 3u);
  EXPECT_EQ(lahat.products(), 1);
  EXPECT_EQ(DigestString(lahat.digest()), DigestString(want_digest_));
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

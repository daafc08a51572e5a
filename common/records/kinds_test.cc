#include "common/records/kinds.h"

#include <string>
#include <vector>

#include "common/records/records.h"
#include "gtest/gtest.h"

namespace unggul {
namespace {

namespace v1 = ::unggul::node::v1;

TEST(RecordKindsTest, EveryOneofFieldIsAKindWithItsMetadata) {
  struct Want {
    int number;
    const char* name;
    const char* plural;
    const char* id;
    const char* product;
    const char* date;
    size_t small_cell_counts;
  };
  const std::vector<Want> want = {
      {1, "product", "products", "product_id", "product_id", "", 0},
      {2, "batch", "batches", "batch_code", "product_id", "start_date", 1},
      {3, "sale", "sales", "sale_id", "product_id", "sale_date", 0},
      {4, "certification", "certifications", "certification_id", "product_id", "issued_date", 0},
      {5, "training", "trainings", "training_id", "product_id", "start_date", 3},
      {6, "monthly labour report", "labour", "report_id", "product_id", "month", 1},
      {7, "settlement", "settlements", "settlement_id", "product_id", "period_end", 0},
      {8, "customer return", "returns", "return_id", "product_id", "return_date", 0},
      {9, "exhibition", "exhibitions", "exhibition_id", "product_id", "start_date", 0},
  };
  ASSERT_EQ(RecordKinds().size(), want.size());
  EXPECT_EQ(v1::Record::descriptor()->FindOneofByName("kind")->field_count(),
            static_cast<int>(want.size()));
  for (size_t i = 0; i < want.size(); ++i) {
    const RecordKindInfo& k = RecordKinds()[i];
    SCOPED_TRACE(k.name);
    EXPECT_EQ(k.number, want[i].number);
    EXPECT_EQ(k.name, want[i].name);
    EXPECT_EQ(k.plural, want[i].plural);
    EXPECT_EQ(k.id->name(), want[i].id);
    EXPECT_EQ(k.product->name(), want[i].product);
    EXPECT_EQ(k.date == nullptr ? "" : k.date->name(), want[i].date);
    EXPECT_EQ(k.small_cell_counts.size(), want[i].small_cell_counts);
    EXPECT_EQ(k.small_cell_flag != nullptr, want[i].small_cell_counts > 0);
    // The node stamps every kind but products with recorded_at; products carry versions.
    EXPECT_EQ(k.recorded_at != nullptr, k.number != 1);
    EXPECT_EQ(k.node_managed.size(), k.number == 1 ? 3u : 0u);
    EXPECT_EQ(k.count->number(), k.number);
    // Products, settlements and exhibitions are not rolled up per month; every other kind is.
    EXPECT_EQ(k.monthly_rollup, k.number != 1 && k.number != 7 && k.number != 9);
    EXPECT_EQ(FindRecordKind(k.number), &k);
    EXPECT_EQ(FindRecordKindByPlural(k.plural), &k);
  }
  // The named RecordKind values are the oneof numbers.
  EXPECT_EQ(FindRecordKind(static_cast<int>(RecordKind::kCustomerReturn))->field_name,
            "customer_return");
  EXPECT_EQ(FindRecordKind(static_cast<int>(RecordKind::kLabour))->field_name, "labour");
  for (int bad : {0, -1, 10, 127, 255}) EXPECT_EQ(FindRecordKind(bad), nullptr) << bad;
  EXPECT_EQ(FindRecordKindByPlural("batch"), nullptr);
}

TEST(RecordKindsTest, IdsProductsAndDatesComeFromTheMarkedFields) {
  v1::Record labour;
  labour.mutable_labour()->set_report_id("SMS-LP-LAHAT-GSJM-LAB-202610");
  labour.mutable_labour()->set_product_id("SMS-LP-LAHAT-GSJM");
  labour.mutable_labour()->set_month("2026-10");
  EXPECT_EQ(KindOf(labour), RecordKind::kLabour);
  EXPECT_EQ(RecordId(labour), "SMS-LP-LAHAT-GSJM-LAB-202610");
  EXPECT_EQ(RecordProductId(labour), "SMS-LP-LAHAT-GSJM");
  EXPECT_EQ(RecordDate(labour), "2026-10-01");  // a month means its first day
  v1::Record settlement;
  settlement.mutable_settlement()->set_settlement_id("S");
  settlement.mutable_settlement()->set_period_end("2026-09");
  EXPECT_EQ(RecordDate(settlement), "2026-09-01");
  v1::Record sale;
  sale.mutable_sale()->set_sale_id("SMS-LP-LAHAT-S-261107-001");
  sale.mutable_sale()->set_sale_date("2026-11-07");
  EXPECT_EQ(RecordDate(sale), "2026-11-07");
  v1::Record product;
  product.mutable_product()->set_product_id("SMS-LP-LAHAT-GSJM");
  EXPECT_EQ(RecordId(product), "SMS-LP-LAHAT-GSJM");
  EXPECT_EQ(RecordProductId(product), "SMS-LP-LAHAT-GSJM");
  EXPECT_EQ(RecordDate(product), "");
  EXPECT_EQ(RecordKindName(RecordKind::kLabour), "monthly labour report");
  const v1::Record empty;
  EXPECT_EQ(KindOf(empty), std::nullopt);
  EXPECT_EQ(RecordId(empty), "");
}

TEST(RecordKindsTest, SmallCellProjectionIsIdempotentPerKind) {
  v1::Record labour;
  labour.mutable_labour()->set_report_id("L");
  labour.mutable_labour()->set_distinct_inmates_engaged(2);
  EXPECT_TRUE(ProjectInPlace(labour));
  EXPECT_EQ(labour.labour().distinct_inmates_engaged(), 1);
  EXPECT_TRUE(labour.labour().small_cell());
  EXPECT_FALSE(ProjectInPlace(labour));  // a projection projects to itself
  v1::Record batch;
  batch.mutable_batch()->set_batch_code("B");
  batch.mutable_batch()->set_inmates_engaged_count(1);  // already 1: only the flag is missing
  EXPECT_TRUE(ProjectInPlace(batch));
  EXPECT_TRUE(batch.batch().inmates_small_cell());
  v1::Record sale;  // no counts: nothing to do
  sale.mutable_sale()->set_sale_id("S");
  EXPECT_FALSE(ProjectInPlace(sale));
}

TEST(RecordKindsTest, CountsStampsAndNodeSetFieldsGoThroughTheRegistry) {
  v1::RecordCounts counts;
  CountRecord(counts, RecordKind::kCustomerReturn, 2);
  CountRecord(counts, RecordKind::kLabour, 1);
  CountRecord(counts, RecordKind::kCustomerReturn, -1);
  EXPECT_EQ(counts.customer_returns(), 1);
  EXPECT_EQ(counts.labour_reports(), 1);
  EXPECT_EQ(counts.products(), 0);
  v1::Record sale;
  sale.mutable_sale()->set_sale_id("S");
  StampRecordedAt(sale, 1796000000000);
  EXPECT_EQ(sale.sale().recorded_at_unix_ms(), 1796000000000);
  ClearNodeSetFields(sale);
  EXPECT_EQ(sale.sale().recorded_at_unix_ms(), 0);
  EXPECT_EQ(sale.sale().sale_id(), "S");
  v1::Record product;
  product.mutable_product()->set_product_id("P");
  product.mutable_product()->set_version(3);
  product.mutable_product()->set_updated_at_unix_ms(5);
  StampRecordedAt(product, 7);  // products have no recorded_at: unchanged
  ClearNodeSetFields(product);
  EXPECT_EQ(product.product().version(), 0);
  EXPECT_EQ(product.product().updated_at_unix_ms(), 0);
  EXPECT_EQ(product.product().product_id(), "P");
}

}  // namespace
}  // namespace unggul

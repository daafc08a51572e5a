#include "services/node/core/node_core.h"

#include <string>

#include "common/records/kinds.h"
#include "common/testing/fake_clock.h"
#include "common/testing/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/node/core/fake_catalog_store.h"

namespace unggul::node {
namespace {

using ::testing::HasSubstr;
using ::unggul::testing::FakeClock;
using ::unggul::testing::IsOk;
using ::unggul::testing::StatusIs;

constexpr char kProductId[] = "SMS-LP-LAHAT-GSJM";
// 2026-11-29T03:00:00Z = 10:00 in Jakarta.
const absl::Time kNow = absl::FromUnixSeconds(1795921200);

v1::CreateProductRequest CreateGula(const std::string& request_id = "") {
  v1::CreateProductRequest req;
  req.set_request_id(request_id);
  v1::Product* p = req.mutable_product();
  p->set_product_id(kProductId);
  p->set_name("Gula Semut Jahe Merah");
  p->set_category(v1::CATEGORY_PANGAN_OLAHAN);
  v1::Sku* sku = p->add_skus();
  sku->set_sku_code("GSJM250");
  sku->set_net_content(250);
  sku->set_net_content_unit(v1::UNIT_G);
  sku->set_list_price_idr(30000);
  return req;
}

v1::RecordBatchRequest Batch(const std::string& code, const std::string& request_id = "",
                             double qty = 20) {
  v1::RecordBatchRequest req;
  req.set_request_id(request_id);
  v1::ProductionBatch* b = req.mutable_batch();
  b->set_batch_code(code);
  b->set_product_id(kProductId);
  b->set_start_date("2026-11-02");
  b->set_qty_produced(qty);
  b->set_unit(v1::UNIT_KG);
  b->set_inmates_engaged_count(8);
  return req;
}

class NodeCoreTest : public ::testing::Test {
 protected:
  NodeCoreTest() : store_("SMS-LP-LAHAT"), clock_(kNow), core_(store_, clock_) {}

  void CreateProduct() {
    UNGGUL_ASSERT_OK_AND_ASSIGN(Written<v1::Product> w, core_.CreateProduct(CreateGula()));
    ASSERT_FALSE(w.replayed);
  }

  // A typed Record<Kind>Request{request_id, <kind>} written through the core's one write path, as
  // the RPC adapter does.
  template <typename Request>
  absl::StatusOr<Written<v1::Record>> Write(const Request& request) {
    const auto* descriptor = Request::descriptor();
    const auto* field = descriptor->FindFieldByNumber(2);
    v1::Record record;
    for (const RecordKindInfo& kind : RecordKinds()) {
      if (kind.message == field->message_type()) {
        record.GetReflection()
            ->MutableMessage(&record, kind.field)
            ->CopyFrom(request.GetReflection()->GetMessage(request, field));
      }
    }
    return core_.WriteRecord(std::move(record), request.request_id());
  }

  FakeCatalogStore store_;
  FakeClock clock_;
  NodeCore core_;
};

TEST_F(NodeCoreTest, CreateProductSetsDefaultsAndBookkeeping) {
  UNGGUL_ASSERT_OK_AND_ASSIGN(Written<v1::Product> w, core_.CreateProduct(CreateGula()));
  EXPECT_FALSE(w.replayed);
  EXPECT_EQ(w.value.upt_code(), "SMS-LP-LAHAT");
  EXPECT_EQ(w.value.status(), v1::PRODUCT_STATUS_ACTIVE);
  EXPECT_EQ(w.value.version(), 1);
  EXPECT_EQ(w.value.created_at_unix_ms(), absl::ToUnixMillis(kNow));
  UNGGUL_ASSERT_OK_AND_ASSIGN(v1::Product got, core_.GetProduct(kProductId));
  EXPECT_EQ(got.name(), "Gula Semut Jahe Merah");
  EXPECT_EQ(core_.GetNodeInfo().last_seq(), 1u);
  EXPECT_EQ(core_.GetNodeInfo().counts().products(), 1);
}

TEST_F(NodeCoreTest, InvalidRequestWritesNothing) {
  v1::CreateProductRequest req = CreateGula();
  req.mutable_product()->clear_name();
  EXPECT_THAT(core_.CreateProduct(req).status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("product.name")));
  v1::RecordBatchRequest batch = Batch("SMS-LP-LAHAT-B1");
  batch.mutable_batch()->set_qty_rejected(50);
  EXPECT_THAT(Write(batch).status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("batch.qty_rejected")));
  EXPECT_EQ(store_.put_count(), 0);
}

TEST_F(NodeCoreTest, RetryWithSameRequestIdReturnsFirstResultAndWritesNothing) {
  CreateProduct();
  UNGGUL_ASSERT_OK_AND_ASSIGN(Written<v1::Record> first, Write(Batch("SMS-LP-LAHAT-B1", "req-42")));
  EXPECT_FALSE(first.replayed);
  const int puts = store_.put_count();
  clock_.Advance(absl::Minutes(5));
  UNGGUL_ASSERT_OK_AND_ASSIGN(Written<v1::Record> retry, Write(Batch("SMS-LP-LAHAT-B1", "req-42")));
  EXPECT_TRUE(retry.replayed);
  EXPECT_EQ(retry.value.batch().recorded_at_unix_ms(), first.value.batch().recorded_at_unix_ms());
  EXPECT_EQ(store_.put_count(), puts);
}

TEST_F(NodeCoreTest, RetryAfterStateChangeStillReturnsFirstResult) {
  CreateProduct();
  ASSERT_THAT(Write(Batch("SMS-LP-LAHAT-B1", "req-1")), IsOk());
  v1::RetireProductRequest retire;
  retire.set_product_id(kProductId);
  retire.set_reason("resep diganti");
  ASSERT_THAT(core_.RetireProduct(retire), IsOk());
  // A fresh batch is refused now, but the retry of the acknowledged one is not.
  EXPECT_THAT(Write(Batch("SMS-LP-LAHAT-B2")).status(),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("discontinued")));
  UNGGUL_ASSERT_OK_AND_ASSIGN(Written<v1::Record> retry, Write(Batch("SMS-LP-LAHAT-B1", "req-1")));
  EXPECT_TRUE(retry.replayed);
}

TEST_F(NodeCoreTest, RequestIdReusedWithOtherPayloadIsAlreadyExists) {
  CreateProduct();
  ASSERT_THAT(Write(Batch("SMS-LP-LAHAT-B1", "req-1")), IsOk());
  const int puts = store_.put_count();
  EXPECT_THAT(Write(Batch("SMS-LP-LAHAT-B9", "req-1")).status(),
              StatusIs(absl::StatusCode::kAlreadyExists, HasSubstr("request_id req-1")));
  EXPECT_EQ(store_.put_count(), puts);
  EXPECT_THAT(core_.GetRecord(RecordKind::kBatch, "SMS-LP-LAHAT-B9").status(),
              StatusIs(absl::StatusCode::kNotFound));
}

TEST_F(NodeCoreTest, SameIdSamePayloadIsReplayOtherPayloadIsAlreadyExists) {
  CreateProduct();
  ASSERT_THAT(Write(Batch("SMS-LP-LAHAT-B1")), IsOk());
  const int puts = store_.put_count();
  UNGGUL_ASSERT_OK_AND_ASSIGN(Written<v1::Record> again, Write(Batch("SMS-LP-LAHAT-B1")));
  EXPECT_TRUE(again.replayed);
  EXPECT_THAT(Write(Batch("SMS-LP-LAHAT-B1", "", 99)).status(),
              StatusIs(absl::StatusCode::kAlreadyExists, HasSubstr("batch SMS-LP-LAHAT-B1")));
  EXPECT_EQ(store_.put_count(), puts);
  // The same holds for products.
  UNGGUL_ASSERT_OK_AND_ASSIGN(Written<v1::Product> p, core_.CreateProduct(CreateGula()));
  EXPECT_TRUE(p.replayed);
  v1::CreateProductRequest other = CreateGula();
  other.mutable_product()->set_name("Gula Aren");
  EXPECT_THAT(core_.CreateProduct(other).status(), StatusIs(absl::StatusCode::kAlreadyExists));
}

TEST_F(NodeCoreTest, BatchNeedsExistingActiveProductAndKnownSku) {
  EXPECT_THAT(Write(Batch("SMS-LP-LAHAT-B1")).status(),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr(kProductId)));
  CreateProduct();
  v1::RecordBatchRequest bad_sku = Batch("SMS-LP-LAHAT-B1");
  bad_sku.mutable_batch()->set_sku_code("GSJM999");
  EXPECT_THAT(Write(bad_sku).status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("batch.sku_code: \"GSJM999\" is not a SKU")));
  v1::UpdateProductRequest pause;
  *pause.mutable_product() = core_.GetProduct(kProductId).value();
  pause.mutable_product()->set_status(v1::PRODUCT_STATUS_PAUSED);
  ASSERT_THAT(core_.UpdateProduct(pause), IsOk());
  EXPECT_THAT(Write(Batch("SMS-LP-LAHAT-B1")).status(),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("paused")));
  // Sales of a paused product are fine (stock is still sold).
  v1::RecordSaleRequest sale;
  sale.mutable_sale()->set_sale_id("SMS-LP-LAHAT-S1");
  sale.mutable_sale()->set_product_id(kProductId);
  sale.mutable_sale()->set_sale_date("2026-11-20");
  sale.mutable_sale()->set_qty(2.5);
  sale.mutable_sale()->set_unit(v1::UNIT_PCS);
  sale.mutable_sale()->set_unit_price_idr(30000);
  sale.mutable_sale()->set_channel(v1::CHANNEL_STAFF_ODOPP);
  sale.mutable_sale()->set_buyer_region(v1::BUYER_REGION_SAME_REGENCY);
  UNGGUL_ASSERT_OK_AND_ASSIGN(Written<v1::Record> s, Write(sale));
  EXPECT_EQ(s.value.sale().revenue_idr(), 75000);  // computed from qty * unit price
}

TEST_F(NodeCoreTest, UpdateProductVersioningAndPreconditions) {
  CreateProduct();
  v1::UpdateProductRequest update;
  *update.mutable_product() = core_.GetProduct(kProductId).value();
  update.mutable_product()->set_story(
      "Diolah warga binaan Lapas Lahat dari gula aren petani lokal.");
  update.set_expected_version(1);
  clock_.Advance(absl::Hours(1));
  UNGGUL_ASSERT_OK_AND_ASSIGN(Written<v1::Product> w, core_.UpdateProduct(update));
  EXPECT_EQ(w.value.version(), 2);
  EXPECT_EQ(w.value.created_at_unix_ms(), absl::ToUnixMillis(kNow));
  EXPECT_EQ(w.value.updated_at_unix_ms(), absl::ToUnixMillis(kNow + absl::Hours(1)));
  // Stale expected_version: Aborted, nothing written.
  const int puts = store_.put_count();
  update.mutable_product()->set_brand("Lahat");
  EXPECT_THAT(core_.UpdateProduct(update).status(),
              StatusIs(absl::StatusCode::kAborted, HasSubstr("version 2, not 1")));
  EXPECT_EQ(store_.put_count(), puts);
  // Unknown product.
  v1::UpdateProductRequest unknown = update;
  unknown.mutable_product()->set_product_id("SMS-LP-LAHAT-NOPE");
  unknown.set_expected_version(0);
  EXPECT_THAT(core_.UpdateProduct(unknown).status(), StatusIs(absl::StatusCode::kNotFound));
  // DISCONTINUED only through Retire.
  update.set_expected_version(0);
  update.mutable_product()->set_status(v1::PRODUCT_STATUS_DISCONTINUED);
  EXPECT_THAT(core_.UpdateProduct(update).status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("RetireProduct")));
}

TEST_F(NodeCoreTest, RetireIsTerminal) {
  CreateProduct();
  v1::RetireProductRequest retire;
  retire.set_product_id(kProductId);
  EXPECT_THAT(core_.RetireProduct(retire).status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("reason")));
  retire.set_reason("bahan baku tidak tersedia");
  UNGGUL_ASSERT_OK_AND_ASSIGN(Written<v1::Product> w, core_.RetireProduct(retire));
  EXPECT_EQ(w.value.status(), v1::PRODUCT_STATUS_DISCONTINUED);
  EXPECT_EQ(w.value.retired_reason(), "bahan baku tidak tersedia");
  EXPECT_THAT(core_.RetireProduct(retire).status(),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("already discontinued")));
  v1::UpdateProductRequest update;
  *update.mutable_product() = w.value;
  update.mutable_product()->set_status(v1::PRODUCT_STATUS_ACTIVE);
  EXPECT_THAT(core_.UpdateProduct(update).status(),
              StatusIs(absl::StatusCode::kFailedPrecondition));
}

TEST_F(NodeCoreTest, StoreFailurePropagatesAndRecordsNothing) {
  CreateProduct();
  store_.FailNextCall(absl::UnavailableError("store closing"));
  EXPECT_THAT(Write(Batch("SMS-LP-LAHAT-B1", "req-7")).status(),
              StatusIs(absl::StatusCode::kUnavailable));
  EXPECT_THAT(core_.GetRecord(RecordKind::kBatch, "SMS-LP-LAHAT-B1").status(),
              StatusIs(absl::StatusCode::kNotFound));
  // The retry is a first attempt, not a replay.
  UNGGUL_ASSERT_OK_AND_ASSIGN(Written<v1::Record> w, Write(Batch("SMS-LP-LAHAT-B1", "req-7")));
  EXPECT_FALSE(w.replayed);
}

TEST_F(NodeCoreTest, ListArgumentsAreValidated) {
  v1::ListRecordsRequest req;
  req.set_page_size(1001);
  EXPECT_THAT(core_.ListRecords(RecordKind::kBatch, req).status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("page_size")));
  req.set_page_size(10);
  req.set_from_date("2026-05-01");
  req.set_to_date("2026-04-01");
  EXPECT_THAT(core_.ListRecords(RecordKind::kSale, req).status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("to_date")));
  req.set_to_date("2026-04-31");
  EXPECT_THAT(core_.ListRecords(RecordKind::kSale, req).status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("to_date: must be a real")));
}

TEST_F(NodeCoreTest, RequestOutcomesAreForgottenAfterTheRetention) {
  CreateProduct();
  ASSERT_THAT(Write(Batch("SMS-LP-LAHAT-B1", "req-old")), IsOk());
  clock_.Advance(absl::Hours(24 * 20));
  ASSERT_THAT(Write(Batch("SMS-LP-LAHAT-B2", "req-new")), IsOk());
  clock_.Advance(absl::Hours(24 * 11));  // req-old is 31 days old, req-new 11
  EXPECT_THAT(core_.ForgetOldRequests(-absl::Hours(1)).status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("retention")));
  UNGGUL_ASSERT_OK_AND_ASSIGN(int64_t forgotten,
                              core_.ForgetOldRequests(absl::Hours(24 * 30), /*step=*/1));
  EXPECT_EQ(forgotten, 1);
  // Inside the retention a reused request_id is still caught ...
  EXPECT_THAT(Write(Batch("SMS-LP-LAHAT-B9", "req-new")).status(),
              StatusIs(absl::StatusCode::kAlreadyExists, HasSubstr("request_id req-new")));
  // ... after it the id is free: a new request that writes a new record.
  UNGGUL_ASSERT_OK_AND_ASSIGN(Written<v1::Record> fresh,
                              Write(Batch("SMS-LP-LAHAT-B3", "req-old")));
  EXPECT_FALSE(fresh.replayed);
  // A late retry of the forgotten write itself still writes nothing twice: the id is taken by
  // the same record, so it is a replay of the stored record.
  UNGGUL_ASSERT_OK_AND_ASSIGN(Written<v1::Record> late,
                              Write(Batch("SMS-LP-LAHAT-B1", "req-old-retry")));
  EXPECT_TRUE(late.replayed);
  EXPECT_EQ(core_.GetNodeInfo().counts().batches(), 3);
  UNGGUL_ASSERT_OK_AND_ASSIGN(int64_t again, core_.ForgetOldRequests(absl::Hours(24 * 30)));
  EXPECT_EQ(again, 0);
}

v1::RecordSettlementRequest Quarter(const std::string& id, const std::string& start,
                                    const std::string& end) {
  v1::RecordSettlementRequest req;
  v1::Settlement* s = req.mutable_settlement();
  s->set_settlement_id(id);
  s->set_product_id(kProductId);
  s->set_period_start(start);
  s->set_period_end(end);
  s->set_gross_sales_idr(27'000'000);
  s->set_cogs_idr(13'000'000);
  s->set_net_profit_idr(14'000'000);
  s->set_premi_total_idr(7'000'000);
  s->set_pnbp_deposited_idr(2'100'000);
  s->set_billing_code("820261004123456");
  s->set_ntpn("0A1B2C3D4E5F6789");
  s->set_capital_retained_idr(4'900'000);
  return req;
}

TEST_F(NodeCoreTest, OverlappingSettlementsOfOneProductAreRefused) {
  CreateProduct();
  ASSERT_THAT(Write(Quarter("SMS-LP-LAHAT-GSJM-STL-Q3", "2026-07", "2026-09")), IsOk());
  const int puts = store_.put_count();
  EXPECT_THAT(
      Write(Quarter("SMS-LP-LAHAT-GSJM-STL-SEP", "2026-09", "2026-10")).status(),
      StatusIs(
          absl::StatusCode::kFailedPrecondition,
          HasSubstr("settlement SMS-LP-LAHAT-GSJM-STL-SEP (2026-09..2026-10) overlaps settlement "
                    "SMS-LP-LAHAT-GSJM-STL-Q3 (2026-07..2026-09) of product SMS-LP-LAHAT-GSJM")));
  EXPECT_THAT(
      Write(Quarter("SMS-LP-LAHAT-GSJM-STL-H2", "2026-05", "2026-10")).status(),
      StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("SMS-LP-LAHAT-GSJM-STL-Q3")));
  EXPECT_EQ(store_.put_count(), puts);
  // Adjacent periods are fine, and a retry of the stored settlement is a replay, not an overlap.
  ASSERT_THAT(Write(Quarter("SMS-LP-LAHAT-GSJM-STL-Q2", "2026-04", "2026-06")), IsOk());
  UNGGUL_ASSERT_OK_AND_ASSIGN(Written<v1::Record> again,
                              Write(Quarter("SMS-LP-LAHAT-GSJM-STL-Q3", "2026-07", "2026-09")));
  EXPECT_TRUE(again.replayed);
}

TEST_F(NodeCoreTest, GenericWriteKeepsTheTypedRequestFingerprint) {
  // Outcomes stored before the generic path (by RecordBatch) must still match a retry.
  CreateProduct();
  v1::RecordBatchRequest typed = Batch("SMS-LP-LAHAT-B1", "req-fp");
  ASSERT_THAT(Write(typed), IsOk());
  UNGGUL_ASSERT_OK_AND_ASSIGN(std::optional<RequestOutcome> outcome, store_.GetRequest("req-fp"));
  ASSERT_TRUE(outcome.has_value());
  typed.clear_request_id();
  EXPECT_EQ(outcome->fingerprint, DeterministicBytes(typed));
}

TEST_F(NodeCoreTest, GenericWriteRefusesProductsAndEmptyRecords) {
  v1::Record product;
  *product.mutable_product() = CreateGula().product();
  EXPECT_THAT(core_.WriteRecord(product, "").status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "record.product: products are written with CreateProduct, UpdateProduct "
                       "and RetireProduct"));
  EXPECT_THAT(core_.WriteRecord(v1::Record(), "").status(),
              StatusIs(absl::StatusCode::kInvalidArgument, "record: a record kind must be set"));
  EXPECT_EQ(core_.GetNodeInfo().last_seq(), 0u);
}

TEST_F(NodeCoreTest, GenericReadsNameTheKindsIdFieldAndDateRule) {
  EXPECT_THAT(core_.GetRecord(RecordKind::kBatch, "").status(),
              StatusIs(absl::StatusCode::kInvalidArgument, "batch_code: is required"));
  EXPECT_THAT(core_.GetRecord(RecordKind::kLabour, "").status(),
              StatusIs(absl::StatusCode::kInvalidArgument, "report_id: is required"));
  EXPECT_THAT(core_.GetRecord(static_cast<RecordKind>(99), "X").status(),
              StatusIs(absl::StatusCode::kInvalidArgument, "kind: unknown record kind 99"));
  v1::ListRecordsRequest dated;
  dated.set_from_date("2026-01-01");
  EXPECT_THAT(core_.ListRecords(RecordKind::kProduct, dated).status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "from_date: products have no date to filter on"));
  v1::ListRecordsRequest by_product;
  by_product.set_product_id(kProductId);
  EXPECT_THAT(core_.ListRecords(RecordKind::kProduct, by_product).status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "product_id: products cannot be filtered by product (get one by its id)"));
  CreateProduct();
  UNGGUL_ASSERT_OK_AND_ASSIGN(ListPage page,
                              core_.ListRecords(RecordKind::kProduct, v1::ListRecordsRequest()));
  ASSERT_EQ(page.records.size(), 1u);
  EXPECT_EQ(page.records[0].product().product_id(), kProductId);
}

}  // namespace
}  // namespace unggul::node

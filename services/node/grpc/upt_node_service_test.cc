#include "services/node/grpc/upt_node_service.h"

#include <memory>
#include <set>
#include <string>

#include "absl/strings/str_format.h"
#include "absl/synchronization/notification.h"
#include "common/records/kinds.h"
#include "common/testing/fake_clock.h"
#include "common/testing/temp_dir.h"
#include "common/time/clock.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/server.h"
#include "grpcpp/server_builder.h"
#include "gtest/gtest.h"
#include "services/node/store/rocksdb_catalog_store.h"

namespace unggul::node {
namespace {

using ::unggul::testing::FakeClock;
using ::unggul::testing::ScopedTempDir;

constexpr char kProductId[] = "SMS-LP-LAHAT-GSJM";

// A real server on a real RocksDB store, reached over an in-process channel.
class UptNodeServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    RocksDbCatalogStore::Options options;
    options.path = dir_.path() + "/db";
    options.upt_code = "SMS-LP-LAHAT";
    options.sync_writes = false;
    auto store = RocksDbCatalogStore::Open(options);
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
    core_ = std::make_unique<NodeCore>(*store_, clock_);
    service_ = std::make_unique<UptNodeServiceImpl>(*core_, executor_);
    grpc::ServerBuilder builder;
    service_->Register(builder);
    server_ = builder.BuildAndStart();
    stub_ = v1::UptNode::NewStub(server_->InProcessChannel(grpc::ChannelArguments()));
  }
  void TearDown() override { server_->Shutdown(); }

  grpc::Status CreateProduct(const std::string& id, v1::Category category,
                             v1::ProductResponse* out = nullptr) {
    v1::CreateProductRequest req;
    req.mutable_product()->set_product_id(id);
    req.mutable_product()->set_name("Produk " + id);
    req.mutable_product()->set_category(category);
    v1::ProductResponse resp;
    grpc::ClientContext ctx;
    grpc::Status s = stub_->CreateProduct(&ctx, req, &resp);
    if (out != nullptr) *out = resp;
    return s;
  }

  grpc::Status RecordBatch(const std::string& code, const std::string& date,
                           const std::string& product_id = kProductId) {
    v1::RecordBatchRequest req;
    req.mutable_batch()->set_batch_code(code);
    req.mutable_batch()->set_product_id(product_id);
    req.mutable_batch()->set_start_date(date);
    req.mutable_batch()->set_qty_produced(20);
    req.mutable_batch()->set_unit(v1::UNIT_KG);
    v1::BatchResponse resp;
    grpc::ClientContext ctx;
    return stub_->RecordBatch(&ctx, req, &resp);
  }

  ScopedTempDir dir_;
  FakeClock clock_{absl::FromUnixSeconds(1795921200)};  // 2026-11-29 10:00 WIB
  std::unique_ptr<RocksDbCatalogStore> store_;
  std::unique_ptr<NodeCore> core_;
  ThreadPoolExecutor executor_{2};
  std::unique_ptr<UptNodeServiceImpl> service_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<v1::UptNode::Stub> stub_;
};

TEST_F(UptNodeServiceTest, ProductRpcsMapStatusCodes) {
  v1::ProductResponse created;
  ASSERT_TRUE(CreateProduct(kProductId, v1::CATEGORY_PANGAN_OLAHAN, &created).ok());
  EXPECT_EQ(created.product().version(), 1);
  EXPECT_FALSE(created.replayed());

  // Invalid: INVALID_ARGUMENT naming the field.
  grpc::Status s = CreateProduct("SMS-LP-LAHAT-X", v1::CATEGORY_UNSPECIFIED);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(s.error_message(), "product.category: is required");

  // Same id, other content: ALREADY_EXISTS.
  EXPECT_EQ(CreateProduct(kProductId, v1::CATEGORY_MINUMAN).error_code(),
            grpc::StatusCode::ALREADY_EXISTS);

  {  // Unknown: NOT_FOUND.
    v1::GetProductRequest req;
    req.set_product_id("SMS-LP-LAHAT-NOPE");
    v1::ProductResponse resp;
    grpc::ClientContext ctx;
    EXPECT_EQ(stub_->GetProduct(&ctx, req, &resp).error_code(), grpc::StatusCode::NOT_FOUND);
  }
  {  // Stale version: ABORTED.
    v1::UpdateProductRequest req;
    *req.mutable_product() = created.product();
    req.mutable_product()->set_brand("Lahat");
    req.set_expected_version(7);
    v1::ProductResponse resp;
    grpc::ClientContext ctx;
    EXPECT_EQ(stub_->UpdateProduct(&ctx, req, &resp).error_code(), grpc::StatusCode::ABORTED);
  }
  {  // Retire, then retire again: FAILED_PRECONDITION; then a batch: FAILED_PRECONDITION.
    v1::RetireProductRequest req;
    req.set_product_id(kProductId);
    req.set_reason("diganti produk baru");
    v1::ProductResponse resp;
    grpc::ClientContext ctx;
    ASSERT_TRUE(stub_->RetireProduct(&ctx, req, &resp).ok());
    EXPECT_EQ(resp.product().status(), v1::PRODUCT_STATUS_DISCONTINUED);
    grpc::ClientContext ctx2;
    EXPECT_EQ(stub_->RetireProduct(&ctx2, req, &resp).error_code(),
              grpc::StatusCode::FAILED_PRECONDITION);
    EXPECT_EQ(RecordBatch("SMS-LP-LAHAT-B1", "2026-11-02").error_code(),
              grpc::StatusCode::FAILED_PRECONDITION);
  }
}

TEST_F(UptNodeServiceTest, RecordRpcsMapStatusCodes) {
  EXPECT_EQ(RecordBatch("SMS-LP-LAHAT-B1", "2026-11-02").error_code(), grpc::StatusCode::NOT_FOUND);
  ASSERT_TRUE(CreateProduct(kProductId, v1::CATEGORY_PANGAN_OLAHAN).ok());
  ASSERT_TRUE(RecordBatch("SMS-LP-LAHAT-B1", "2026-11-02").ok());
  grpc::Status future = RecordBatch("SMS-LP-LAHAT-B2", "2027-01-01");
  EXPECT_EQ(future.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(future.error_message().find("batch.start_date: must not be in the future"),
            std::string::npos);
  {
    v1::GetBatchRequest req;
    req.set_batch_code("SMS-LP-LAHAT-B1");
    v1::BatchResponse resp;
    grpc::ClientContext ctx;
    ASSERT_TRUE(stub_->GetBatch(&ctx, req, &resp).ok());
    EXPECT_EQ(resp.batch().recorded_at_unix_ms(), 1795921200000);
    req.set_batch_code("SMS-LP-LAHAT-B404");
    grpc::ClientContext ctx2;
    EXPECT_EQ(stub_->GetBatch(&ctx2, req, &resp).error_code(), grpc::StatusCode::NOT_FOUND);
  }
  {
    v1::RecordSaleRequest req;
    req.mutable_sale()->set_sale_id("SMS-LP-LAHAT-S1");
    req.mutable_sale()->set_product_id(kProductId);
    req.mutable_sale()->set_sale_date("2026-11-20");
    req.mutable_sale()->set_qty(4);
    req.mutable_sale()->set_unit(v1::UNIT_PCS);
    req.mutable_sale()->set_unit_price_idr(30000);
    req.mutable_sale()->set_channel(v1::CHANNEL_KANWIL_GALLERY);
    req.mutable_sale()->set_buyer_region(v1::BUYER_REGION_SAME_PROVINCE);
    req.set_request_id("till-1");
    v1::SaleResponse resp;
    grpc::ClientContext ctx;
    ASSERT_TRUE(stub_->RecordSale(&ctx, req, &resp).ok());
    EXPECT_EQ(resp.sale().revenue_idr(), 120000);
    grpc::ClientContext ctx2;
    ASSERT_TRUE(stub_->RecordSale(&ctx2, req, &resp).ok());
    EXPECT_TRUE(resp.replayed());
    req.mutable_sale()->set_qty(5);
    grpc::ClientContext ctx3;
    EXPECT_EQ(stub_->RecordSale(&ctx3, req, &resp).error_code(), grpc::StatusCode::ALREADY_EXISTS);
  }
  {
    v1::RecordCertificationRequest req;
    v1::Certification* c = req.mutable_certification();
    c->set_certification_id("SMS-LP-LAHAT-PIRT-01");
    c->set_product_id(kProductId);
    c->set_type(v1::CERTIFICATION_TYPE_SPP_IRT);
    c->set_number("2091604010123-2");
    c->set_issuer("Dinas Kesehatan Kabupaten Lahat");
    c->set_issued_date("2024-09-01");
    v1::CertificationResponse resp;
    grpc::ClientContext ctx;
    EXPECT_EQ(stub_->RecordCertification(&ctx, req, &resp).error_code(),
              grpc::StatusCode::INVALID_ARGUMENT);
    c->set_number("2091604010123-29");
    grpc::ClientContext ctx2;
    EXPECT_TRUE(stub_->RecordCertification(&ctx2, req, &resp).ok());
  }
  {
    v1::RecordTrainingRequest req;
    v1::Training* t = req.mutable_training();
    t->set_training_id("SMS-LP-LAHAT-T1");
    t->set_program_name("Pengolahan gula semut");
    t->set_provider("BPVP Palembang");
    t->set_start_date("2026-03-02");
    t->set_participants_count(12);
    t->set_completed_count(12);
    t->set_certificates_count(10);
    t->set_product_id("SMS-LP-LAHAT-UNKNOWN");
    v1::TrainingResponse resp;
    grpc::ClientContext ctx;
    EXPECT_EQ(stub_->RecordTraining(&ctx, req, &resp).error_code(), grpc::StatusCode::NOT_FOUND);
    t->set_product_id(kProductId);
    grpc::ClientContext ctx2;
    EXPECT_TRUE(stub_->RecordTraining(&ctx2, req, &resp).ok());
  }
  v1::NodeInfo info;
  grpc::ClientContext ctx;
  ASSERT_TRUE(stub_->GetNodeInfo(&ctx, v1::GetNodeInfoRequest(), &info).ok());
  EXPECT_EQ(info.upt_code(), "SMS-LP-LAHAT");
  EXPECT_EQ(info.last_seq(), 5u);  // product, batch, sale, certification, training
  EXPECT_EQ(info.counts().batches(), 1);
  EXPECT_EQ(info.counts().sales(), 1);
  EXPECT_EQ(info.counts().certifications(), 1);
  EXPECT_EQ(info.counts().trainings(), 1);
  EXPECT_EQ(info.incarnation_id().size(), 32u);
}

TEST_F(UptNodeServiceTest, ListBatchesPagesThroughEveryRecordOnceWithFilters) {
  ASSERT_TRUE(CreateProduct(kProductId, v1::CATEGORY_PANGAN_OLAHAN).ok());
  ASSERT_TRUE(CreateProduct("SMS-LP-LAHAT-KOPI", v1::CATEGORY_MINUMAN).ok());
  // 3 batches a month for Jan..Oct 2026 of Gula Semut, plus 5 of another product.
  std::set<std::string> expected;
  for (int month = 1; month <= 10; ++month) {
    for (int d : {3, 13, 23}) {
      const std::string code = absl::StrFormat("SMS-LP-LAHAT-GSJM-26%02d%02d", month, d);
      ASSERT_TRUE(RecordBatch(code, absl::StrFormat("2026-%02d-%02d", month, d)).ok());
      expected.insert(code);
    }
  }
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(
        RecordBatch(absl::StrFormat("SMS-LP-LAHAT-KOPI-%d", i), "2026-05-05", "SMS-LP-LAHAT-KOPI")
            .ok());
  }
  v1::ListRecordsRequest req;
  req.set_product_id(kProductId);
  req.set_page_size(7);
  std::set<std::string> seen;
  std::string last_date;
  int pages = 0;
  do {
    v1::ListBatchesResponse resp;
    grpc::ClientContext ctx;
    ASSERT_TRUE(stub_->ListBatches(&ctx, req, &resp).ok());
    for (const v1::ProductionBatch& b : resp.batches()) {
      EXPECT_EQ(b.product_id(), kProductId);
      EXPECT_GE(b.start_date(), last_date);  // date order
      last_date = b.start_date();
      EXPECT_TRUE(seen.insert(b.batch_code()).second) << "duplicate " << b.batch_code();
    }
    req.set_page_token(resp.next_page_token());
    ++pages;
  } while (!req.page_token().empty() && pages < 20);
  EXPECT_EQ(seen, expected);
  EXPECT_EQ(pages, 5);  // 30 records / 7 per page

  // Date range: March..April inclusive = 6 batches.
  v1::ListRecordsRequest ranged;
  ranged.set_product_id(kProductId);
  ranged.set_from_date("2026-03-01");
  ranged.set_to_date("2026-04-30");
  v1::ListBatchesResponse resp;
  grpc::ClientContext ctx;
  ASSERT_TRUE(stub_->ListBatches(&ctx, ranged, &resp).ok());
  EXPECT_EQ(resp.batches_size(), 6);
  EXPECT_EQ(resp.batches(0).start_date(), "2026-03-03");
  EXPECT_EQ(resp.batches(5).start_date(), "2026-04-23");
  EXPECT_TRUE(resp.next_page_token().empty());

  // No product filter, date filter only: both products in May.
  v1::ListRecordsRequest may;
  may.set_from_date("2026-05-01");
  may.set_to_date("2026-05-31");
  grpc::ClientContext ctx2;
  ASSERT_TRUE(stub_->ListBatches(&ctx2, may, &resp).ok());
  EXPECT_EQ(resp.batches_size(), 8);

  // A token from another filter set is refused.
  v1::ListRecordsRequest bad;
  bad.set_page_token("AQIBU01T");
  grpc::ClientContext ctx3;
  EXPECT_EQ(stub_->ListBatches(&ctx3, bad, &resp).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(UptNodeServiceTest, ListProductsFiltersByCategoryAndStatus) {
  ASSERT_TRUE(CreateProduct("SMS-LP-LAHAT-A", v1::CATEGORY_PANGAN_OLAHAN).ok());
  ASSERT_TRUE(CreateProduct("SMS-LP-LAHAT-B", v1::CATEGORY_MINUMAN).ok());
  ASSERT_TRUE(CreateProduct("SMS-LP-LAHAT-C", v1::CATEGORY_PANGAN_OLAHAN).ok());
  v1::RetireProductRequest retire;
  retire.set_product_id("SMS-LP-LAHAT-C");
  retire.set_reason("tidak laku");
  v1::ProductResponse r;
  grpc::ClientContext rc;
  ASSERT_TRUE(stub_->RetireProduct(&rc, retire, &r).ok());

  v1::ListProductsRequest req;
  req.set_category(v1::CATEGORY_PANGAN_OLAHAN);
  v1::ListProductsResponse resp;
  grpc::ClientContext ctx;
  ASSERT_TRUE(stub_->ListProducts(&ctx, req, &resp).ok());
  ASSERT_EQ(resp.products_size(), 2);
  EXPECT_EQ(resp.products(0).product_id(), "SMS-LP-LAHAT-A");
  EXPECT_EQ(resp.products(1).product_id(), "SMS-LP-LAHAT-C");
  req.set_status(v1::PRODUCT_STATUS_ACTIVE);
  grpc::ClientContext ctx2;
  ASSERT_TRUE(stub_->ListProducts(&ctx2, req, &resp).ok());
  ASSERT_EQ(resp.products_size(), 1);
  EXPECT_EQ(resp.products(0).product_id(), "SMS-LP-LAHAT-A");
  req.set_page_size(-1);
  grpc::ClientContext ctx3;
  EXPECT_EQ(stub_->ListProducts(&ctx3, req, &resp).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

// Calls `method` with raw request bytes, as any client could.
grpc::Status RawCall(grpc::Server& server, const std::string& method, const std::string& bytes,
                     std::string* response = nullptr) {
  grpc::GenericStub stub(server.InProcessChannel(grpc::ChannelArguments()));
  grpc::Slice slice(bytes);
  grpc::ByteBuffer request(&slice, 1);
  grpc::ByteBuffer reply;
  grpc::ClientContext ctx;
  ctx.set_deadline(absl::ToChronoTime(RealClock().Now() + absl::Seconds(30)));
  absl::Notification done;
  grpc::Status status;
  stub.UnaryCall(&ctx, method, grpc::StubOptions(), &request, &reply, [&](grpc::Status s) {
    status = std::move(s);
    done.Notify();
  });
  done.WaitForNotification();
  if (response != nullptr && status.ok()) {
    std::vector<grpc::Slice> slices;
    if (reply.Dump(&slices).ok()) {
      for (const grpc::Slice& part : slices) {
        response->append(reinterpret_cast<const char*>(part.begin()), part.size());
      }
    }
  }
  return status;
}

TEST_F(UptNodeServiceTest, EveryMethodIsServedByAHandlerOrTheTable) {
  // 7 immutable kinds x (Record, Get, List) come from the table.
  EXPECT_EQ(service_->table().size(), 21);
  const google::protobuf::ServiceDescriptor& service =
      *v1::NodeInfo::descriptor()->file()->FindServiceByName("UptNode");
  for (int i = 0; i < service.method_count(); ++i) {
    const std::string path = absl::StrCat("/", service.full_name(), "/", service.method(i)->name());
    // An empty request is valid bytes for every method; no method may be unimplemented.
    EXPECT_NE(RawCall(*server_, path, "").error_code(), grpc::StatusCode::UNIMPLEMENTED) << path;
  }
  EXPECT_EQ(RawCall(*server_, "/unggul.node.v1.UptNode/RecordNothing", "").error_code(),
            grpc::StatusCode::UNIMPLEMENTED);
}

TEST_F(UptNodeServiceTest, TableRpcsRefuseUnparsableBytesAndMapCoreCodes) {
  grpc::Status garbage = RawCall(*server_, "/unggul.node.v1.UptNode/RecordSale", "\xff\xff\xff");
  EXPECT_EQ(garbage.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(garbage.error_message(), "request: not a valid unggul.node.v1.RecordSaleRequest");
  v1::GetSaleRequest get;
  std::string bytes;
  get.SerializeToString(&bytes);
  grpc::Status empty_id = RawCall(*server_, "/unggul.node.v1.UptNode/GetSale", bytes);
  EXPECT_EQ(empty_id.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(empty_id.error_message(), "sale_id: is required");
  get.set_sale_id("SMS-LP-LAHAT-S404");
  get.SerializeToString(&bytes);
  EXPECT_EQ(RawCall(*server_, "/unggul.node.v1.UptNode/GetSale", bytes).error_code(),
            grpc::StatusCode::NOT_FOUND);
}

TEST_F(UptNodeServiceTest, GenericAndTypedRpcsAreOneApi) {
  ASSERT_TRUE(CreateProduct(kProductId, v1::CATEGORY_PANGAN_OLAHAN).ok());
  v1::WriteRecordRequest write;
  write.set_request_id("req-labour-1");
  v1::MonthlyLabour* labour = write.mutable_record()->mutable_labour();
  labour->set_report_id("SMS-LP-LAHAT-GSJM-2026-10");
  labour->set_product_id(kProductId);
  labour->set_month("2026-10");
  labour->set_distinct_inmates_engaged(12);
  labour->set_inmate_person_days(240);
  v1::WriteRecordResponse written;
  {
    grpc::ClientContext ctx;
    ASSERT_TRUE(stub_->WriteRecord(&ctx, write, &written).ok());
    EXPECT_FALSE(written.replayed());
    EXPECT_GT(written.record().labour().recorded_at_unix_ms(), 0);
  }
  {  // The typed RPC with the same request_id is a retry of the same request.
    v1::RecordMonthlyLabourRequest typed;
    typed.set_request_id("req-labour-1");
    *typed.mutable_labour() = write.record().labour();
    v1::MonthlyLabourResponse resp;
    grpc::ClientContext ctx;
    ASSERT_TRUE(stub_->RecordMonthlyLabour(&ctx, typed, &resp).ok());
    EXPECT_TRUE(resp.replayed());
    EXPECT_EQ(resp.labour().recorded_at_unix_ms(), written.record().labour().recorded_at_unix_ms());
  }
  {  // Read back through both.
    v1::GetMonthlyLabourRequest typed;
    typed.set_report_id("SMS-LP-LAHAT-GSJM-2026-10");
    v1::MonthlyLabourResponse resp;
    grpc::ClientContext ctx;
    ASSERT_TRUE(stub_->GetMonthlyLabour(&ctx, typed, &resp).ok());
    EXPECT_EQ(resp.labour().inmate_person_days(), 240);
    v1::GetRecordRequest get;
    get.set_kind("labour");
    get.set_id("SMS-LP-LAHAT-GSJM-2026-10");
    v1::GetRecordResponse got;
    grpc::ClientContext ctx2;
    ASSERT_TRUE(stub_->GetRecord(&ctx2, get, &got).ok());
    EXPECT_EQ(got.record().labour().distinct_inmates_engaged(), 12);
  }
  {
    v1::ListRecordsOfKindRequest list;
    list.set_kind("labour");
    list.mutable_filter()->set_product_id(kProductId);
    v1::ListRecordsOfKindResponse page;
    grpc::ClientContext ctx;
    ASSERT_TRUE(stub_->ListRecordsOfKind(&ctx, list, &page).ok());
    ASSERT_EQ(page.records_size(), 1);
    EXPECT_EQ(page.records(0).labour().report_id(), "SMS-LP-LAHAT-GSJM-2026-10");
    EXPECT_EQ(page.next_page_token(), "");
  }
  {  // An unknown kind names the known ones; a long value is cut.
    v1::GetRecordRequest get;
    get.set_kind(std::string(1000, 'x'));
    get.set_id("A");
    v1::GetRecordResponse got;
    grpc::ClientContext ctx;
    grpc::Status s = stub_->GetRecord(&ctx, get, &got);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    std::string known;
    for (const RecordKindInfo& k : RecordKinds()) {
      absl::StrAppend(&known, known.empty() ? "" : ", ", k.plural);
    }
    EXPECT_EQ(known.substr(0, 39), "products, batches, sales, certification");
    EXPECT_EQ(s.error_message(), absl::StrCat("kind: must be one of ", known, ", got \"",
                                              std::string(64, 'x'), "... (1000 bytes)\""));
  }
}

}  // namespace
}  // namespace unggul::node

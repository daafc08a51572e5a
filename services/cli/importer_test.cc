#include "services/cli/importer.h"

#include <memory>
#include <string>

#include "common/testing/fake_clock.h"
#include "common/testing/status_matchers.h"
#include "common/testing/temp_dir.h"
#include "grpcpp/server.h"
#include "grpcpp/server_builder.h"
#include "gtest/gtest.h"
#include "services/node/grpc/upt_node_service.h"
#include "services/node/store/rocksdb_catalog_store.h"

namespace unggul::cli {
namespace {

namespace v1 = ::unggul::node::v1;

const RecordKindInfo& Kind(const char* plural) { return *FindRecordKindByPlural(plural); }
using ::testing::HasSubstr;
using ::unggul::testing::FakeClock;
using ::unggul::testing::ScopedTempDir;
using ::unggul::testing::StatusIs;

constexpr char kProducts[] =
    "product_id,name,brand,category,launch_date,skus\n"
    "SMS-LP-LAHAT-GSJM,Gula Semut Jahe Merah,Gula Semut Lahat,PANGAN_OLAHAN,2024-08-17,"
    "GSJM250|250|g|PLASTIC|30000;GSJM500|500|g|PLASTIC|55000\n"
    "SMS-LP-LAHAT-KOPI,\"Kopi Robusta, Lahat\",,MINUMAN,,\n";

// Line 2 good, line 3 qty_rejected > produced, line 4 unknown product, line 5 good,
// line 6 a bad number, line 7 another UPT's id, line 8 good.
constexpr char kBatches[] =
    "batch_code,product_id,sku_code,start_date,qty_produced,qty_rejected,unit,"
    "inmates_engaged_count,inmate_person_days\n"
    "SMS-LP-LAHAT-GSJM250-261001-01,SMS-LP-LAHAT-GSJM,GSJM250,2026-10-01,24,0.5,kg,8,24\n"
    "SMS-LP-LAHAT-GSJM250-261006-01,SMS-LP-LAHAT-GSJM,GSJM250,2026-10-06,20,25,kg,8,24\n"
    "SMS-LP-LAHAT-X-261006-01,SMS-LP-LAHAT-NOPE,,2026-10-06,20,0,kg,8,24\n"
    "SMS-LP-LAHAT-GSJM500-261012-01,SMS-LP-LAHAT-GSJM,GSJM500,2026-10-12,26,1,kg,9,27\n"
    "SMS-LP-LAHAT-GSJM250-261018-01,SMS-LP-LAHAT-GSJM,GSJM250,2026-10-18,lots,0,kg,8,24\n"
    "SMS-LP-PAGARALAM-KOPI-261018-01,SMS-LP-LAHAT-KOPI,,2026-10-18,10,0,kg,4,8\n"
    "SMS-LP-LAHAT-KOPI-261020-01,SMS-LP-LAHAT-KOPI,,2026-10-20,10,0,kg,4,8\n";

class ImporterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    node::RocksDbCatalogStore::Options options;
    options.path = dir_.path() + "/db";
    options.upt_code = "SMS-LP-LAHAT";
    options.sync_writes = false;
    auto store = node::RocksDbCatalogStore::Open(options);
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
    core_ = std::make_unique<node::NodeCore>(*store_, clock_);
    service_ = std::make_unique<node::UptNodeServiceImpl>(*core_, executor_);
    grpc::ServerBuilder builder;
    service_->Register(builder);
    server_ = builder.BuildAndStart();
    client_ = std::make_unique<NodeClient>(server_->InProcessChannel(grpc::ChannelArguments()),
                                           absl::Seconds(30));
  }
  void TearDown() override { server_->Shutdown(); }

  ScopedTempDir dir_;
  FakeClock clock_{absl::FromUnixSeconds(1795921200)};
  std::unique_ptr<node::RocksDbCatalogStore> store_;
  std::unique_ptr<node::NodeCore> core_;
  ThreadPoolExecutor executor_{2};
  std::unique_ptr<node::UptNodeServiceImpl> service_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<NodeClient> client_;
};

TEST_F(ImporterTest, GoodRowsLandBadRowsAreReportedByLineAndReimportWritesNothing) {
  UNGGUL_ASSERT_OK_AND_ASSIGN(ImportReport products,
                              ImportCsv(Kind("products"), kProducts, *client_));
  EXPECT_EQ(products.rows, 2);
  EXPECT_EQ(products.written, 2);
  EXPECT_TRUE(products.errors.empty());

  int progress_calls = 0;
  UNGGUL_ASSERT_OK_AND_ASSIGN(ImportReport batches, ImportCsv(Kind("batches"), kBatches, *client_,
                                                              [&](int done, int total) {
                                                                ++progress_calls;
                                                                EXPECT_EQ(total, 7);
                                                                EXPECT_EQ(done, progress_calls);
                                                              }));
  EXPECT_EQ(progress_calls, 7);
  EXPECT_EQ(batches.rows, 7);
  EXPECT_EQ(batches.written, 3);
  EXPECT_EQ(batches.replayed, 0);
  ASSERT_EQ(batches.errors.size(), 4u);
  EXPECT_EQ(batches.errors[0].line, 3);
  EXPECT_THAT(batches.errors[0].reason,
              HasSubstr("INVALID_ARGUMENT: batch.qty_rejected: must be <= qty_produced"));
  EXPECT_EQ(batches.errors[1].line, 4);
  EXPECT_THAT(batches.errors[1].reason, HasSubstr("NOT_FOUND: product SMS-LP-LAHAT-NOPE"));
  EXPECT_EQ(batches.errors[2].line, 6);
  EXPECT_THAT(batches.errors[2].reason, HasSubstr("column qty_produced: must be a number"));
  EXPECT_EQ(batches.errors[3].line, 7);
  EXPECT_THAT(batches.errors[3].reason, HasSubstr("batch.batch_code: must start with"));

  // Exactly the good rows are stored, nothing of the bad ones.
  const node::StoreInfo before = store_->Info();
  EXPECT_EQ(before.counts.products(), 2);
  EXPECT_EQ(before.counts.batches(), 3);
  EXPECT_EQ(before.last_seq, 5u);
  EXPECT_THAT(store_->Get(RecordKind::kBatch, "SMS-LP-LAHAT-GSJM250-261006-01").status(),
              StatusIs(absl::StatusCode::kNotFound));

  // Re-import of both files: every good row comes back replayed, nothing is written.
  UNGGUL_ASSERT_OK_AND_ASSIGN(ImportReport again_products,
                              ImportCsv(Kind("products"), kProducts, *client_));
  EXPECT_EQ(again_products.written, 0);
  EXPECT_EQ(again_products.replayed, 2);
  UNGGUL_ASSERT_OK_AND_ASSIGN(ImportReport again, ImportCsv(Kind("batches"), kBatches, *client_));
  EXPECT_EQ(again.written, 0);
  EXPECT_EQ(again.replayed, 3);
  EXPECT_EQ(again.errors.size(), 4u);
  EXPECT_EQ(store_->Info().last_seq, before.last_seq);
}

TEST_F(ImporterTest, SettlementsImportThroughTheNodeAndBadOnesNameTheField) {
  UNGGUL_ASSERT_OK(ImportCsv(Kind("products"), kProducts, *client_).status());
  // Line 2 good (a quarter with PNBP deposited), line 3 PNBP without NTPN, line 4 end before
  // start.
  constexpr char kSettlements[] =
      "settlement_id,product_id,period_start,period_end,gross_sales_idr,cogs_idr,net_profit_idr,"
      "premi_total_idr,pnbp_deposited_idr,billing_code,ntpn,capital_retained_idr\n"
      "SMS-LP-LAHAT-GSJM-STL-202607,SMS-LP-LAHAT-GSJM,2026-07,2026-09,27000000,13000000,"
      "14000000,7000000,2100000,820261004123456,0A1B2C3D4E5F6789,4900000\n"
      "SMS-LP-LAHAT-GSJM-STL-202604,SMS-LP-LAHAT-GSJM,2026-04,2026-06,1000,0,1000,500,150,,,"
      "350\n"
      "SMS-LP-LAHAT-KOPI-STL-202607,SMS-LP-LAHAT-KOPI,2026-09,2026-07,0,0,0,0,0,,,0\n";
  UNGGUL_ASSERT_OK_AND_ASSIGN(ImportReport report,
                              ImportCsv(Kind("settlements"), kSettlements, *client_));
  EXPECT_EQ(report.rows, 3);
  EXPECT_EQ(report.written, 1);
  ASSERT_EQ(report.errors.size(), 2u);
  EXPECT_EQ(report.errors[0].line, 3);
  EXPECT_THAT(report.errors[0].reason,
              HasSubstr("INVALID_ARGUMENT: settlement.ntpn: is required when pnbp_deposited_idr"));
  EXPECT_EQ(report.errors[1].line, 4);
  EXPECT_THAT(report.errors[1].reason,
              HasSubstr("settlement.period_end: must not be before period_start"));
  UNGGUL_ASSERT_OK_AND_ASSIGN(v1::Record stored,
                              store_->Get(RecordKind::kSettlement, "SMS-LP-LAHAT-GSJM-STL-202607"));
  EXPECT_EQ(stored.settlement().premi_total_idr(), 7'000'000);
  EXPECT_EQ(stored.settlement().ntpn(), "0A1B2C3D4E5F6789");
  EXPECT_EQ(store_->Info().counts.settlements(), 1);
}

TEST_F(ImporterTest, MalformedFileImportsNothing) {
  EXPECT_THAT(ImportCsv(Kind("products"), "product_id,name,colour\nA,B,C\n", *client_).status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("unknown column \"colour\"")));
  EXPECT_THAT(ImportCsv(Kind("products"), "", *client_).status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("no header")));
  EXPECT_EQ(store_->Info().last_seq, 0u);
}

TEST_F(ImporterTest, UnreachableNodeStopsTheImportWithUnavailable) {
  // A socket path nobody listens on: connection refused at once.
  std::unique_ptr<NodeClient> dead =
      NodeClient::Connect("unix:" + dir_.path() + "/nobody.sock", absl::Seconds(5));
  EXPECT_THAT(ImportCsv(Kind("products"), kProducts, *dead).status(),
              StatusIs(absl::StatusCode::kUnavailable, HasSubstr("re-running the import is safe")));
}

}  // namespace
}  // namespace unggul::cli

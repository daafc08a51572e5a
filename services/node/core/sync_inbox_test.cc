#include "services/node/core/sync_inbox.h"

#include "common/testing/status_matchers.h"
#include "common/testing/temp_dir.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/node/store/rocksdb_catalog_store.h"

namespace unggul::node {
namespace {

using ::unggul::testing::IsOk;
using ::unggul::testing::ScopedTempDir;
using ::unggul::testing::StatusIs;

v1::DesignationNotice Notice(uint64_t revision) {
  v1::DesignationNotice n;
  n.set_revision(revision);
  n.set_designation_id("DSG-SUMSEL-2026-001");
  n.set_product_id("SMS-LP-LAHAT-GSJM");
  n.set_upt_code("SMS-LP-LAHAT");
  n.set_level("KANWIL");
  n.set_status("PUBLISHED");
  n.set_title("Produk Unggulan Kanwil Ditjenpas Sumatera Selatan 2026");
  return n;
}

class SyncInboxTest : public ::testing::Test {
 protected:
  void SetUp() override {
    RocksDbCatalogStore::Options o;
    o.path = dir_.path() + "/db";
    o.upt_code = "SMS-LP-LAHAT";
    o.sync_writes = false;
    auto store = RocksDbCatalogStore::Open(o);
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
    v1::Record batch;
    batch.mutable_batch()->set_batch_code("SMS-LP-LAHAT-GSJM250-261102-01");
    batch.mutable_batch()->set_product_id("SMS-LP-LAHAT-GSJM");
    batch.mutable_batch()->set_start_date("2026-11-02");
    ASSERT_THAT(store_->Put(batch, "", "", 1).status(), IsOk());  // last_seq 1
  }
  ScopedTempDir dir_;
  std::unique_ptr<RocksDbCatalogStore> store_;
};

TEST_F(SyncInboxTest, AnAckBeyondWhatTheNodeWroteIsRefusedAndNothingIsMarkedDelivered) {
  SyncInbox inbox(*store_);
  EXPECT_THAT(inbox.AcceptAck(5),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       "the Kanwil acknowledged seq 5 but this node has written only up to 1"));
  EXPECT_EQ(store_->Info().acked_seq, 0u);
  EXPECT_THAT(inbox.AcceptAck(1), IsOk());
  EXPECT_EQ(store_->Info().acked_seq, 1u);
}

TEST_F(SyncInboxTest, MalformedNoticesAreRefusedNamingTheFieldAndNotStored) {
  SyncInbox inbox(*store_);
  v1::DesignationNotice n = Notice(0);
  EXPECT_THAT(inbox.AcceptDesignation(n),
              StatusIs(absl::StatusCode::kInvalidArgument, "notice.revision: must be >= 1"));
  n = Notice(3);
  n.set_status("APPROVED");
  EXPECT_THAT(inbox.AcceptDesignation(n),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "notice.status: must be PUBLISHED, REVOKED, EXPIRED or SUPERSEDED, got "
                       "\"APPROVED\""));
  n = Notice(3);
  n.clear_designation_id();
  EXPECT_THAT(inbox.AcceptDesignation(n),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "notice.designation_id: must be 1..64 bytes, got 0"));
  n = Notice(3);
  n.set_title(std::string(501, 'x'));
  EXPECT_THAT(inbox.AcceptDesignation(n), StatusIs(absl::StatusCode::kInvalidArgument,
                                                   "notice.title: must be 0..500 bytes, got 501"));
  EXPECT_EQ(store_->Info().designation_revision, 0u);
  UNGGUL_ASSERT_OK_AND_ASSIGN(std::vector<v1::DesignationNotice> none, store_->ListDesignations());
  EXPECT_TRUE(none.empty());
  EXPECT_THAT(inbox.AcceptDesignation(Notice(3)), IsOk());
  EXPECT_EQ(store_->Info().designation_revision, 3u);
}

}  // namespace
}  // namespace unggul::node

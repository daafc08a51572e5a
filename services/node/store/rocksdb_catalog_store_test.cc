#include "services/node/store/rocksdb_catalog_store.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <set>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/records/records.h"
#include "common/rocksdb/owned_rocks_db.h"
#include "common/testing/status_matchers.h"
#include "common/testing/temp_dir.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rocksdb/db.h"
#include "unggul/node/storage/v1/storage.pb.h"

namespace unggul::node {
namespace {

using ::unggul::testing::IsOk;
using ::unggul::testing::ScopedTempDir;
using ::unggul::testing::StatusIs;

constexpr char kUpt[] = "SMS-LP-LAHAT";
constexpr char kProduct[] = "SMS-LP-LAHAT-GSJM";

v1::Record Product(const std::string& id, const std::string& name) {
  v1::Record r;
  r.mutable_product()->set_product_id(id);
  r.mutable_product()->set_upt_code(kUpt);
  r.mutable_product()->set_name(name);
  r.mutable_product()->set_category(v1::CATEGORY_PANGAN_OLAHAN);
  return r;
}

v1::Record Batch(const std::string& code, const std::string& product_id, const std::string& date,
                 double qty) {
  v1::Record r;
  v1::ProductionBatch* b = r.mutable_batch();
  b->set_batch_code(code);
  b->set_product_id(product_id);
  b->set_start_date(date);
  b->set_qty_produced(qty);
  b->set_unit(v1::UNIT_KG);
  return r;
}

class StoreTest : public ::testing::Test {
 protected:
  absl::StatusOr<std::unique_ptr<RocksDbCatalogStore>> Open(bool sync = false) {
    RocksDbCatalogStore::Options options;
    options.path = dir_.path() + "/db";
    options.upt_code = kUpt;
    options.sync_writes = sync;
    options.now_unix_ms = 1764000000000;
    return RocksDbCatalogStore::Open(options);
  }
  ScopedTempDir dir_;
};

TEST_F(StoreTest, WriteReopenReadBack) {
  std::string incarnation;
  {
    UNGGUL_ASSERT_OK_AND_ASSIGN(auto store, Open());
    incarnation = store->Info().incarnation_id;
    EXPECT_EQ(incarnation.size(), 32u);
    UNGGUL_ASSERT_OK_AND_ASSIGN(uint64_t s1,
                                store->Put(Product(kProduct, "Gula Semut Jahe Merah"), "", "", 1));
    EXPECT_EQ(s1, 1u);
    UNGGUL_ASSERT_OK_AND_ASSIGN(
        uint64_t s2,
        store->Put(Batch("SMS-LP-LAHAT-B1", kProduct, "2026-01-05", 22.5), "req-1", "fp", 2));
    EXPECT_EQ(s2, 2u);
  }
  UNGGUL_ASSERT_OK_AND_ASSIGN(auto store, Open());
  const StoreInfo info = store->Info();
  EXPECT_EQ(info.upt_code, kUpt);
  EXPECT_EQ(info.incarnation_id, incarnation);
  EXPECT_EQ(info.last_seq, 2u);
  EXPECT_EQ(info.counts.products(), 1);
  EXPECT_EQ(info.counts.batches(), 1);
  UNGGUL_ASSERT_OK_AND_ASSIGN(v1::Record p, store->Get(RecordKind::kProduct, kProduct));
  EXPECT_EQ(p.product().name(), "Gula Semut Jahe Merah");
  UNGGUL_ASSERT_OK_AND_ASSIGN(v1::Record b, store->Get(RecordKind::kBatch, "SMS-LP-LAHAT-B1"));
  EXPECT_DOUBLE_EQ(b.batch().qty_produced(), 22.5);
  UNGGUL_ASSERT_OK_AND_ASSIGN(std::optional<RequestOutcome> req, store->GetRequest("req-1"));
  ASSERT_TRUE(req.has_value());
  EXPECT_EQ(req->fingerprint, "fp");
  EXPECT_EQ(req->seq, 2u);
  EXPECT_EQ(req->result.batch().batch_code(), "SMS-LP-LAHAT-B1");
  UNGGUL_ASSERT_OK_AND_ASSIGN(std::optional<RequestOutcome> none, store->GetRequest("req-2"));
  EXPECT_FALSE(none.has_value());
  EXPECT_THAT(store->Get(RecordKind::kBatch, "SMS-LP-LAHAT-B2").status(),
              StatusIs(absl::StatusCode::kNotFound));
  // A batch id is not a product id: kinds are separate keyspaces.
  EXPECT_THAT(store->Get(RecordKind::kProduct, "SMS-LP-LAHAT-B1").status(),
              StatusIs(absl::StatusCode::kNotFound));
}

TEST_F(StoreTest, SettlementsSurviveReopenAndAreCounted) {
  {
    UNGGUL_ASSERT_OK_AND_ASSIGN(auto store, Open());
    UNGGUL_ASSERT_OK(store->Put(Product(kProduct, "Gula Semut Jahe Merah"), "", "", 1).status());
    v1::Record r;
    v1::Settlement* st = r.mutable_settlement();
    st->set_settlement_id("SMS-LP-LAHAT-GSJM-STL-202607");
    st->set_product_id(kProduct);
    st->set_period_start("2026-07");
    st->set_period_end("2026-09");
    st->set_premi_total_idr(7'000'000);
    st->set_pnbp_deposited_idr(2'100'000);
    UNGGUL_ASSERT_OK(store->Put(r, "", "", 2).status());
  }
  UNGGUL_ASSERT_OK_AND_ASSIGN(auto store, Open());
  EXPECT_EQ(store->Info().counts.settlements(), 1);
  UNGGUL_ASSERT_OK_AND_ASSIGN(v1::Record back,
                              store->Get(RecordKind::kSettlement, "SMS-LP-LAHAT-GSJM-STL-202607"));
  EXPECT_EQ(back.settlement().premi_total_idr(), 7'000'000);
  EXPECT_THAT(store->Get(RecordKind::kLabour, "SMS-LP-LAHAT-GSJM-STL-202607").status(),
              StatusIs(absl::StatusCode::kNotFound));
}

TEST_F(StoreTest, ChangelogIsDenseAndCarriesEveryWrite) {
  UNGGUL_ASSERT_OK_AND_ASSIGN(auto store, Open());
  ASSERT_TRUE(store->Put(Product(kProduct, "v1"), "", "", 10).ok());
  ASSERT_TRUE(store->Put(Product(kProduct, "v2"), "", "", 11).ok());  // replace
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(store
                    ->Put(Batch(absl::StrCat("SMS-LP-LAHAT-B", i), kProduct, "2026-01-05", 1), "",
                          "", 12 + i)
                    .ok());
  }
  UNGGUL_ASSERT_OK_AND_ASSIGN(std::vector<ChangeEntry> all, store->ReadChanges(0, 100));
  ASSERT_EQ(all.size(), 7u);
  for (size_t i = 0; i < all.size(); ++i) EXPECT_EQ(all[i].seq, i + 1);
  EXPECT_EQ(all[0].record.product().name(), "v1");
  EXPECT_EQ(all[1].record.product().name(), "v2");
  EXPECT_EQ(all[6].written_at_unix_ms, 16);
  UNGGUL_ASSERT_OK_AND_ASSIGN(std::vector<ChangeEntry> tail, store->ReadChanges(5, 1));
  ASSERT_EQ(tail.size(), 1u);
  EXPECT_EQ(tail[0].seq, 6u);
  EXPECT_EQ(store->Info().counts.products(), 1);  // a replace does not count twice
  EXPECT_EQ(store->Info().counts.batches(), 5);
}

TEST_F(StoreTest, FailureInsideTheWriteLeavesNeitherRecordNorChangelog) {
  for (auto failpoint : {RocksDbCatalogStore::Failpoint::kAfterRecordBeforeChangelog,
                         RocksDbCatalogStore::Failpoint::kBeforeCommit}) {
    ScopedTempDir dir;
    RocksDbCatalogStore::Options options;
    options.path = dir.path() + "/db";
    options.upt_code = kUpt;
    {
      UNGGUL_ASSERT_OK_AND_ASSIGN(auto store, RocksDbCatalogStore::Open(options));
      ASSERT_TRUE(store->Put(Product(kProduct, "Gula Semut"), "", "", 1).ok());
      store->SetFailpointForTest(failpoint);
      EXPECT_THAT(store->Put(Batch("SMS-LP-LAHAT-B1", kProduct, "2026-01-05", 5), "req-x", "fp", 2),
                  StatusIs(absl::StatusCode::kInternal));
      // Neither the record, its index entry, its changelog entry nor the request is visible.
      EXPECT_THAT(store->Get(RecordKind::kBatch, "SMS-LP-LAHAT-B1").status(),
                  StatusIs(absl::StatusCode::kNotFound));
      EXPECT_EQ(store->Info().last_seq, 1u);
      EXPECT_EQ(store->ReadChanges(0, 10)->size(), 1u);
      EXPECT_FALSE(store->GetRequest("req-x")->has_value());
      ListQuery q;
      q.kind = RecordKind::kBatch;
      q.product_id = kProduct;
      EXPECT_TRUE(store->List(q)->records.empty());
      // The next write takes the next dense seq.
      UNGGUL_ASSERT_OK_AND_ASSIGN(
          uint64_t seq, store->Put(Batch("SMS-LP-LAHAT-B2", kProduct, "2026-01-06", 5), "", "", 3));
      EXPECT_EQ(seq, 2u);
    }
    UNGGUL_ASSERT_OK_AND_ASSIGN(auto store, RocksDbCatalogStore::Open(options));
    EXPECT_THAT(store->Get(RecordKind::kBatch, "SMS-LP-LAHAT-B1").status(),
                StatusIs(absl::StatusCode::kNotFound));
    EXPECT_EQ(store->Info().last_seq, 2u);
    EXPECT_EQ(store->Info().counts.batches(), 1);
  }
}

TEST_F(StoreTest, ListByProductInDateOrderWithRangeAndPaging) {
  UNGGUL_ASSERT_OK_AND_ASSIGN(auto store, Open());
  ASSERT_TRUE(store->Put(Product(kProduct, "Gula"), "", "", 1).ok());
  ASSERT_TRUE(store->Put(Product("SMS-LP-LAHAT-OTHER", "Other"), "", "", 1).ok());
  // Written out of date order; ids deliberately not in date order either.
  const char* dates[] = {"2026-03-01", "2026-01-15", "2026-02-10", "2026-01-02", "2026-04-30"};
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(
        store->Put(Batch(absl::StrCat("SMS-LP-LAHAT-B", i), kProduct, dates[i], 1), "", "", 2)
            .ok());
  }
  ASSERT_TRUE(
      store->Put(Batch("SMS-LP-LAHAT-X", "SMS-LP-LAHAT-OTHER", "2026-01-20", 1), "", "", 3).ok());

  ListQuery q;
  q.kind = RecordKind::kBatch;
  q.product_id = kProduct;
  q.page_size = 2;
  std::vector<std::string> seen;
  int pages = 0;
  do {
    UNGGUL_ASSERT_OK_AND_ASSIGN(ListPage page, store->List(q));
    for (const v1::Record& r : page.records) seen.push_back(r.batch().start_date());
    q.page_token = page.next_page_token;
    ++pages;
  } while (!q.page_token.empty() && pages < 10);
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(seen, (std::vector<std::string>{"2026-01-02", "2026-01-15", "2026-02-10", "2026-03-01",
                                            "2026-04-30"}));

  ListQuery ranged;
  ranged.kind = RecordKind::kBatch;
  ranged.product_id = kProduct;
  ranged.from_day = 20468;  // 2026-01-15
  ranged.to_day = 20513;    // 2026-03-01
  UNGGUL_ASSERT_OK_AND_ASSIGN(ListPage page, store->List(ranged));
  ASSERT_EQ(page.records.size(), 3u);
  EXPECT_EQ(page.records[0].batch().start_date(), "2026-01-15");
  EXPECT_EQ(page.records[2].batch().start_date(), "2026-03-01");
  EXPECT_TRUE(page.next_page_token.empty());

  // Without a product filter: id order, all products.
  ListQuery all;
  all.kind = RecordKind::kBatch;
  UNGGUL_ASSERT_OK_AND_ASSIGN(ListPage every, store->List(all));
  ASSERT_EQ(every.records.size(), 6u);
  EXPECT_EQ(every.records[0].batch().batch_code(), "SMS-LP-LAHAT-B0");
  EXPECT_EQ(every.records[5].batch().batch_code(), "SMS-LP-LAHAT-X");
}

TEST_F(StoreTest, ForeignOrCorruptPageTokenIsInvalidArgument) {
  UNGGUL_ASSERT_OK_AND_ASSIGN(auto store, Open());
  ASSERT_TRUE(store->Put(Product(kProduct, "Gula"), "", "", 1).ok());
  ASSERT_TRUE(store->Put(Product("SMS-LP-LAHAT-Z", "Z"), "", "", 1).ok());
  ListQuery q;
  q.kind = RecordKind::kProduct;
  q.page_size = 1;
  UNGGUL_ASSERT_OK_AND_ASSIGN(ListPage page, store->List(q));
  ASSERT_FALSE(page.next_page_token.empty());
  ListQuery other;
  other.kind = RecordKind::kSale;
  other.page_token = page.next_page_token;
  EXPECT_THAT(store->List(other).status(),
              StatusIs(absl::StatusCode::kInvalidArgument, ::testing::HasSubstr("page_token")));
  other.page_token = "%%%not-base64";
  EXPECT_THAT(store->List(other).status(), StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST_F(StoreTest, RefusesDatabaseOfAnotherUpt) {
  { UNGGUL_ASSERT_OK_AND_ASSIGN(auto store, Open()); }
  RocksDbCatalogStore::Options options;
  options.path = dir_.path() + "/db";
  options.upt_code = "SMS-LP-PAGARALAM";
  EXPECT_THAT(
      RocksDbCatalogStore::Open(options).status(),
      StatusIs(absl::StatusCode::kFailedPrecondition, ::testing::HasSubstr("SMS-LP-LAHAT")));
}

// A child process writes with sync_writes and reports each acknowledged write on a pipe; the
// parent kills it with SIGKILL mid-stream, reopens, and finds every acknowledged write.
TEST_F(StoreTest, KillNineLosesNoAcknowledgedWrite) {
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    close(fds[0]);
    auto store = Open(/*sync=*/true);
    if (!store.ok()) _exit(2);
    if (!(*store)->Put(Product(kProduct, "Gula"), "", "", 1).ok()) _exit(3);
    for (uint32_t i = 0; i < 100000; ++i) {
      const std::string code = absl::StrFormat("SMS-LP-LAHAT-B%06d", i);
      if (!(*store)->Put(Batch(code, kProduct, "2026-01-05", i + 1), "", "", 2).ok()) _exit(4);
      if (write(fds[1], &i, sizeof(i)) != sizeof(i)) _exit(5);  // acknowledged
    }
    _exit(0);
  }
  close(fds[1]);
  std::set<uint32_t> acked;
  uint32_t value = 0;
  while (acked.size() < 300 && read(fds[0], &value, sizeof(value)) == sizeof(value)) {
    acked.insert(value);
  }
  ASSERT_EQ(kill(pid, SIGKILL), 0);
  int wstatus = 0;
  ASSERT_EQ(waitpid(pid, &wstatus, 0), pid);
  EXPECT_TRUE(WIFSIGNALED(wstatus)) << "child exited early with " << WEXITSTATUS(wstatus);
  while (read(fds[0], &value, sizeof(value)) == sizeof(value)) acked.insert(value);
  close(fds[0]);
  ASSERT_GE(acked.size(), 300u);

  UNGGUL_ASSERT_OK_AND_ASSIGN(auto store, Open());
  for (uint32_t i : acked) {
    const std::string code = absl::StrFormat("SMS-LP-LAHAT-B%06d", i);
    UNGGUL_ASSERT_OK_AND_ASSIGN(v1::Record r, store->Get(RecordKind::kBatch, code));
    EXPECT_DOUBLE_EQ(r.batch().qty_produced(), i + 1.0);
  }
  // Whatever survived is a dense prefix: record count, changelog and seq agree.
  const StoreInfo info = store->Info();
  EXPECT_GE(info.counts.batches(), static_cast<int64_t>(acked.size()));
  EXPECT_EQ(info.last_seq, static_cast<uint64_t>(info.counts.batches()) + 1);
  UNGGUL_ASSERT_OK_AND_ASSIGN(std::vector<ChangeEntry> changes, store->ReadChanges(0, 200000));
  ASSERT_EQ(changes.size(), info.last_seq);
  for (size_t i = 0; i < changes.size(); ++i) ASSERT_EQ(changes[i].seq, i + 1);
}

}  // namespace
}  // namespace unggul::node

namespace unggul::node {
namespace {

TEST(StoreDesignationsTest, NewestRevisionPerDesignationSurvivesReopen) {
  unggul::testing::ScopedTempDir dir;
  RocksDbCatalogStore::Options options;
  options.path = dir.path() + "/db";
  options.upt_code = "SMS-LP-LAHAT";
  auto notice = [](uint64_t revision, const std::string& status) {
    v1::DesignationNotice n;
    n.set_revision(revision);
    n.set_designation_id("DSG-0123456789abcdef");
    n.set_product_id("SMS-LP-LAHAT-GSJM");
    n.set_status(status);
    return n;
  };
  {
    UNGGUL_ASSERT_OK_AND_ASSIGN(auto store, RocksDbCatalogStore::Open(options));
    ASSERT_TRUE(store->PutDesignation(notice(3, "PUBLISHED")).ok());
    ASSERT_TRUE(store->PutDesignation(notice(2, "APPROVED")).ok());  // older: ignored
    EXPECT_EQ(store->Info().designation_revision, 3u);
  }
  UNGGUL_ASSERT_OK_AND_ASSIGN(auto store, RocksDbCatalogStore::Open(options));
  EXPECT_EQ(store->Info().designation_revision, 3u);
  UNGGUL_ASSERT_OK_AND_ASSIGN(std::vector<v1::DesignationNotice> all, store->ListDesignations());
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].status(), "PUBLISHED");
  ASSERT_TRUE(store->PutDesignation(notice(4, "REVOKED")).ok());
  EXPECT_EQ(store->ListDesignations()->at(0).status(), "REVOKED");
}

TEST_F(StoreTest, SweepRequestsForgetsOnlyOldOutcomesInSteps) {
  {
    UNGGUL_ASSERT_OK_AND_ASSIGN(auto store, Open());
    ASSERT_THAT(store->Put(Product(kProduct, "Gula Semut Jahe Merah"), "", "", 1), IsOk());
    // Outcomes stored at t = 300, 100, 200 ms under ids a, b, c: the sweep goes by time.
    ASSERT_THAT(store->Put(Batch("B-A", kProduct, "2026-01-05", 1), "a", "fp-a", 300), IsOk());
    ASSERT_THAT(store->Put(Batch("B-B", kProduct, "2026-01-06", 2), "b", "fp-b", 100), IsOk());
    ASSERT_THAT(store->Put(Batch("B-C", kProduct, "2026-01-07", 3), "c", "fp-c", 200), IsOk());
    UNGGUL_ASSERT_OK_AND_ASSIGN(RequestSweep first, store->SweepRequests(250, 1));
    EXPECT_EQ(first.deleted, 1);
    EXPECT_TRUE(first.more);
    UNGGUL_ASSERT_OK_AND_ASSIGN(std::optional<RequestOutcome> b, store->GetRequest("b"));
    EXPECT_FALSE(b.has_value()) << "the oldest goes first";
    UNGGUL_ASSERT_OK_AND_ASSIGN(RequestSweep rest, store->SweepRequests(250, 10));
    EXPECT_EQ(rest.deleted, 1);
    EXPECT_FALSE(rest.more);
    UNGGUL_ASSERT_OK_AND_ASSIGN(RequestSweep none, store->SweepRequests(250, 10));
    EXPECT_EQ(none.deleted, 0);
  }
  UNGGUL_ASSERT_OK_AND_ASSIGN(auto store, Open());  // the deletes are durable
  for (const char* gone : {"b", "c"}) {
    UNGGUL_ASSERT_OK_AND_ASSIGN(std::optional<RequestOutcome> o, store->GetRequest(gone));
    EXPECT_FALSE(o.has_value()) << gone;
  }
  UNGGUL_ASSERT_OK_AND_ASSIGN(std::optional<RequestOutcome> kept, store->GetRequest("a"));
  ASSERT_TRUE(kept.has_value());
  EXPECT_EQ(kept->fingerprint, "fp-a");
  EXPECT_EQ(kept->at_unix_ms, 300);
  // The records themselves stay: only the idempotency outcomes are forgotten.
  EXPECT_EQ(store->Info().counts.batches(), 3);
  EXPECT_EQ(store->Info().last_seq, 4u);
  // A forgotten id can be used again, and its new outcome is swept by its own time.
  ASSERT_THAT(store->Put(Batch("B-D", kProduct, "2026-01-08", 4), "b", "fp-d", 400), IsOk());
  UNGGUL_ASSERT_OK_AND_ASSIGN(RequestSweep later, store->SweepRequests(350, 10));
  EXPECT_EQ(later.deleted, 1);  // a (300), not the new b (400)
  UNGGUL_ASSERT_OK_AND_ASSIGN(std::optional<RequestOutcome> again, store->GetRequest("b"));
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->fingerprint, "fp-d");
}

// tests/fixtures/format-v1/node was written by the format-1 upt-node (make.sh beside it): the
// Lahat node with 39 records imported by `unggulctl import`, each with a request id.
TEST_F(StoreTest, MigratesTheFormatOneFixture) {
  const std::string path = dir_.path() + "/v1";
  std::filesystem::copy(std::string(UNGGUL_SOURCE_DIR) + "/tests/fixtures/format-v1/node", path,
                        std::filesystem::copy_options::recursive);
  RocksDbCatalogStore::Options options;
  options.path = path;
  options.upt_code = kUpt;
  {
    UNGGUL_ASSERT_OK_AND_ASSIGN(auto store, RocksDbCatalogStore::Open(options));
    const StoreInfo info = store->Info();
    EXPECT_EQ(info.format_version, RocksDbCatalogStore::kFormatVersion);
    EXPECT_EQ(info.migrated_from_format, 1u);
    EXPECT_EQ(info.incarnation_id, "6a21ef848f2764599464b64687267a5e");
    EXPECT_EQ(info.last_seq, 39u);
    EXPECT_EQ(DigestString(info.digest), "39/b72171309fe57bca");
    EXPECT_EQ(info.counts.batches(), 10);
    EXPECT_EQ(info.counts.sales(), 20);
    UNGGUL_ASSERT_OK_AND_ASSIGN(v1::Record product, store->Get(RecordKind::kProduct, kProduct));
    EXPECT_EQ(product.product().name(), "Gula Semut Jahe Merah");
    UNGGUL_ASSERT_OK_AND_ASSIGN(std::optional<RequestOutcome> outcome,
                                store->GetRequest("import:products:SMS-LP-LAHAT-GSJM"));
    ASSERT_TRUE(outcome.has_value());
    // The migration indexed every old outcome: a sweep of all of them finds all 39.
    UNGGUL_ASSERT_OK_AND_ASSIGN(RequestSweep sweep, store->SweepRequests(INT64_MAX, 1000));
    EXPECT_EQ(sweep.deleted, 39);
  }
  UNGGUL_ASSERT_OK_AND_ASSIGN(auto store, RocksDbCatalogStore::Open(options));
  EXPECT_EQ(store->Info().migrated_from_format, 0u);  // migrated once
  EXPECT_EQ(DigestString(store->Info().digest), "39/b72171309fe57bca");
}

TEST_F(StoreTest, RefusesANewerFormatAndChangesNothing) {
  { UNGGUL_ASSERT_OK_AND_ASSIGN(auto store, Open()); }
  const std::string path = dir_.path() + "/db";
  {
    std::vector<std::string> families;
    ASSERT_TRUE(rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), path, &families).ok());
    families.erase(std::remove(families.begin(), families.end(), "default"), families.end());
    UNGGUL_ASSERT_OK_AND_ASSIGN(auto db, OwnedRocksDb::Open(path, families, true));
    std::string value;
    ASSERT_TRUE(db->db().Get(rocksdb::ReadOptions(), db->cf("meta"), "meta", &value).ok());
    storage::v1::StoredMeta meta;
    ASSERT_TRUE(meta.ParseFromString(value));
    meta.set_format_version(RocksDbCatalogStore::kFormatVersion + 1);
    ASSERT_TRUE(
        db->db().Put(db->write_options(), db->cf("meta"), "meta", meta.SerializeAsString()).ok());
  }
  EXPECT_THAT(Open().status(),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       ::testing::AllOf(::testing::HasSubstr(path),
                                        ::testing::HasSubstr(absl::StrCat(
                                            "has format ", RocksDbCatalogStore::kFormatVersion + 1,
                                            ", newer than this binary's format ",
                                            RocksDbCatalogStore::kFormatVersion)))));
}

}  // namespace
}  // namespace unggul::node

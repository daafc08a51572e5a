#include "services/aggregator/store/rocksdb_kanwil_store.h"

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/records/records.h"
#include "common/rocksdb/owned_rocks_db.h"
#include "common/testing/status_matchers.h"
#include "common/testing/temp_dir.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rocksdb/db.h"
#include "services/aggregator/core/replica_apply.h"
#include "unggul/kanwil/storage/v1/storage.pb.h"

namespace unggul::aggregator {
namespace {

namespace v1 = ::unggul::node::v1;
namespace st = ::unggul::kanwil::storage::v1;
using ::testing::HasSubstr;
using ::unggul::testing::ScopedTempDir;
using ::unggul::testing::StatusIs;

constexpr char kUpt[] = "SMS-LP-LAHAT";
constexpr char kInc[] = "0123456789abcdef0123456789abcdef";

IncomingChange Batch(uint64_t seq, const std::string& code, double qty) {
  IncomingChange c;
  c.seq = seq;
  v1::ProductionBatch* b = c.record.mutable_batch();
  b->set_batch_code(code);
  b->set_product_id("SMS-LP-LAHAT-GSJM");
  b->set_start_date("2026-10-05");
  b->set_qty_produced(qty);
  b->set_unit(v1::UNIT_KG);
  return c;
}

IncomingChange Product(uint64_t seq, const std::string& name) {
  IncomingChange c;
  c.seq = seq;
  c.record.mutable_product()->set_product_id("SMS-LP-LAHAT-GSJM");
  c.record.mutable_product()->set_name(name);
  c.record.mutable_product()->set_category(v1::CATEGORY_PANGAN_OLAHAN);
  return c;
}

class KanwilStoreTest : public ::testing::Test {
 protected:
  std::unique_ptr<RocksDbKanwilStore> Open() {
    RocksDbKanwilStore::Options o;
    o.path = dir_.path() + "/db";
    o.sync_writes = false;
    auto s = RocksDbKanwilStore::Open(o);
    EXPECT_TRUE(s.ok()) << s.status();
    return s.ok() ? *std::move(s) : nullptr;
  }
  double ProducedInOctober(KanwilStore& store) {
    auto months = store.GetRollups(kUpt, "SMS-LP-LAHAT-GSJM");
    if (!months.ok() || months->empty()) return 0;
    return months->back().qty_produced();
  }
  ScopedTempDir dir_;
};

TEST_F(KanwilStoreTest, ApplyMovesRecordsRollupsDigestAndHwmTogether) {
  auto store = Open();
  UNGGUL_ASSERT_OK_AND_ASSIGN(UptSyncState s,
                              ApplyChanges(*store, kUpt, kInc,
                                           {Product(1, "Gula"), Batch(2, "SMS-LP-LAHAT-B1", 20),
                                            Batch(3, "SMS-LP-LAHAT-B2", 22.5)},
                                           3, 1000));
  EXPECT_EQ(s.hwm, 3u);
  EXPECT_EQ(s.digest.count(), 3);
  EXPECT_EQ(s.products, 1);
  EXPECT_DOUBLE_EQ(ProducedInOctober(*store), 42.5);
  store.reset();
  store = Open();  // durable
  UNGGUL_ASSERT_OK_AND_ASSIGN(std::optional<UptSyncState> again, store->GetUpt(kUpt));
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->hwm, 3u);
  EXPECT_EQ(again->digest.hash_sum(), s.digest.hash_sum());
  EXPECT_EQ(store->ListRecords(kUpt)->size(), 3u);
}

TEST_F(KanwilStoreTest, DuplicateBatchIsSkippedAndOverlapAppliesOnlyTheTail) {
  auto store = Open();
  ASSERT_TRUE(
      ApplyChanges(*store, kUpt, kInc, {Product(1, "Gula"), Batch(2, "SMS-LP-LAHAT-B1", 20)}, 2, 1)
          .ok());
  UNGGUL_ASSERT_OK_AND_ASSIGN(
      UptSyncState dup, ApplyChanges(*store, kUpt, kInc,
                                     {Product(1, "Gula"), Batch(2, "SMS-LP-LAHAT-B1", 20)}, 2, 2));
  EXPECT_EQ(dup.hwm, 2u);
  EXPECT_EQ(dup.digest.count(), 2);
  EXPECT_DOUBLE_EQ(ProducedInOctober(*store), 20);  // not counted twice
  UNGGUL_ASSERT_OK_AND_ASSIGN(
      UptSyncState tail,
      ApplyChanges(*store, kUpt, kInc,
                   {Batch(2, "SMS-LP-LAHAT-B1", 20), Batch(3, "SMS-LP-LAHAT-B2", 5)}, 3, 3));
  EXPECT_EQ(tail.hwm, 3u);
  EXPECT_DOUBLE_EQ(ProducedInOctober(*store), 25);
}

TEST_F(KanwilStoreTest, GapIsRefusedAndNothingApplied) {
  auto store = Open();
  ASSERT_TRUE(ApplyChanges(*store, kUpt, kInc, {Product(1, "Gula")}, 1, 1).ok());
  EXPECT_THAT(ApplyChanges(*store, kUpt, kInc, {Batch(3, "SMS-LP-LAHAT-B2", 5)}, 3, 2).status(),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("gap")));
  EXPECT_EQ((*store->GetUpt(kUpt))->hwm, 1u);
  EXPECT_THAT(store->GetRecord(RecordKind::kBatch, kUpt, "SMS-LP-LAHAT-B2").status(),
              StatusIs(absl::StatusCode::kNotFound));
  // Another incarnation may not apply without a snapshot.
  EXPECT_THAT(ApplyChanges(*store, kUpt, "ffffffffffffffffffffffffffffffff",
                           {Batch(2, "SMS-LP-LAHAT-B1", 5)}, 2, 3)
                  .status(),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("snapshot")));
}

TEST_F(KanwilStoreTest, FailureBetweenRecordsAndHwmLeavesNeither) {
  auto store = Open();
  ASSERT_TRUE(ApplyChanges(*store, kUpt, kInc, {Product(1, "Gula")}, 1, 1).ok());
  store->FailNextApplyForTest();
  EXPECT_THAT(ApplyChanges(*store, kUpt, kInc, {Batch(2, "SMS-LP-LAHAT-B1", 20)}, 2, 2).status(),
              StatusIs(absl::StatusCode::kInternal));
  EXPECT_THAT(store->GetRecord(RecordKind::kBatch, kUpt, "SMS-LP-LAHAT-B1").status(),
              StatusIs(absl::StatusCode::kNotFound));
  EXPECT_EQ((*store->GetUpt(kUpt))->hwm, 1u);
  EXPECT_EQ(ProducedInOctober(*store), 0);
  store.reset();
  store = Open();
  EXPECT_EQ((*store->GetUpt(kUpt))->hwm, 1u);
  EXPECT_EQ(store->ListRecords(kUpt)->size(), 1u);
  // The retry applies normally.
  EXPECT_TRUE(ApplyChanges(*store, kUpt, kInc, {Batch(2, "SMS-LP-LAHAT-B1", 20)}, 2, 3).ok());
}

TEST_F(KanwilStoreTest, ACommitPlannedOnAStateThatMovedIsAbortedAndChangesNothing) {
  auto store = Open();
  ASSERT_TRUE(ApplyChanges(*store, kUpt, kInc, {Product(1, "Gula")}, 1, 1).ok());
  UNGGUL_ASSERT_OK_AND_ASSIGN(std::optional<UptSyncState> read, store->GetUpt(kUpt));
  // A second writer moves the UPT after the first one read its state.
  ASSERT_TRUE(ApplyChanges(*store, kUpt, kInc, {Batch(2, "SMS-LP-LAHAT-B1", 20)}, 2, 2).ok());
  UptCommit late;
  late.upt_code = kUpt;
  late.based_on = read;
  late.records.push_back({RecordKind::kBatch, "SMS-LP-LAHAT-B7", 2,
                          DeterministicBytes(Batch(2, "SMS-LP-LAHAT-B7", 9).record)});
  late.state = *read;
  late.state.hwm = 2;
  EXPECT_THAT(store->CommitUpt(late), StatusIs(absl::StatusCode::kAborted,
                                               HasSubstr("moved while its change was prepared")));
  EXPECT_THAT(store->GetRecord(RecordKind::kBatch, kUpt, "SMS-LP-LAHAT-B7").status(),
              StatusIs(absl::StatusCode::kNotFound));
  UNGGUL_ASSERT_OK_AND_ASSIGN(std::optional<UptSyncState> now, store->GetUpt(kUpt));
  EXPECT_EQ(now->hwm, 2u);
  EXPECT_EQ(now->digest.count(), 2);
  EXPECT_DOUBLE_EQ(ProducedInOctober(*store), 20);
  // A commit for a UPT planned as new, after the UPT appeared, is refused too.
  UptCommit as_new;
  as_new.upt_code = kUpt;
  as_new.state = *now;
  EXPECT_THAT(store->CommitUpt(as_new), StatusIs(absl::StatusCode::kAborted));
}

TEST_F(KanwilStoreTest, ReplaceDeletesWhatTheSnapshotLacksAndRecomputes) {
  auto store = Open();
  ASSERT_TRUE(ApplyChanges(*store, kUpt, kInc,
                           {Product(1, "Gula"), Batch(2, "SMS-LP-LAHAT-B1", 20),
                            Batch(3, "SMS-LP-LAHAT-B2", 30)},
                           3, 1)
                  .ok());
  const std::string inc2 = "22222222222222222222222222222222";
  UNGGUL_ASSERT_OK_AND_ASSIGN(
      UptSyncState s,
      ReplaceUpt(*store, kUpt, inc2, 7,
                 {Product(0, "Gula v2").record, Batch(0, "SMS-LP-LAHAT-B9", 7).record}, 2));
  EXPECT_EQ(s.hwm, 7u);
  EXPECT_EQ(s.incarnation_id, inc2);
  EXPECT_EQ(s.digest.count(), 2);
  EXPECT_EQ(store->ListRecords(kUpt)->size(), 2u);
  EXPECT_THAT(store->GetRecord(RecordKind::kBatch, kUpt, "SMS-LP-LAHAT-B1").status(),
              StatusIs(absl::StatusCode::kNotFound));
  EXPECT_DOUBLE_EQ(ProducedInOctober(*store), 7);
  v1::RecordDigest expected;
  DigestAdd(expected, RecordHash(Product(0, "Gula v2").record));
  DigestAdd(expected, RecordHash(Batch(0, "SMS-LP-LAHAT-B9", 7).record));
  EXPECT_EQ(s.digest.hash_sum(), expected.hash_sum());
}

TEST_F(KanwilStoreTest, ProductsPageAcrossUptsAndRegistryVersions) {
  auto store = Open();
  for (const char* upt : {"SMS-LP-LAHAT", "SMS-LP-PAGARALAM"}) {
    std::vector<IncomingChange> changes;
    for (int i = 0; i < 3; ++i) {
      IncomingChange c;
      c.seq = i + 1;
      c.record.mutable_product()->set_product_id(absl::StrCat(upt, "-P", i));
      c.record.mutable_product()->set_category(i == 0 ? v1::CATEGORY_MINUMAN
                                                      : v1::CATEGORY_KERAJINAN);
      changes.push_back(c);
    }
    ASSERT_TRUE(ApplyChanges(*store, upt, kInc, changes, 3, 1).ok());
  }
  std::vector<std::string> ids;
  std::string token;
  do {
    UNGGUL_ASSERT_OK_AND_ASSIGN(ProductPage page,
                                store->ListProducts("", v1::CATEGORY_UNSPECIFIED, 4, token));
    for (const auto& p : page.products) ids.push_back(p.product_id());
    token = page.next_page_token;
  } while (!token.empty());
  EXPECT_EQ(ids.size(), 6u);
  EXPECT_EQ(ids[0], "SMS-LP-LAHAT-P0");
  EXPECT_EQ(ids[5], "SMS-LP-PAGARALAM-P2");
  UNGGUL_ASSERT_OK_AND_ASSIGN(
      ProductPage coffee, store->ListProducts("SMS-LP-PAGARALAM", v1::CATEGORY_MINUMAN, 10, ""));
  ASSERT_EQ(coffee.products.size(), 1u);
  EXPECT_EQ(coffee.products[0].product_id(), "SMS-LP-PAGARALAM-P0");

  RegistryEntry e{"SMS-LP-LAHAT", "Lapas Kelas IIA Lahat", "LAPAS", "", "IIA", "16.04", "SUMSEL",
                  false};
  EXPECT_EQ(*store->registry().SaveRegistry({e}, "h1", 1), 1u);
  EXPECT_EQ(*store->registry().SaveRegistry({e}, "h1", 2), 1u);  // unchanged: same version
  e.upt_class = "IIB";
  EXPECT_EQ(*store->registry().SaveRegistry({e}, "h2", 3), 2u);
  EXPECT_EQ((*store->registry().LatestRegistry())->entries[0].upt_class, "IIB");
}

TEST_F(KanwilStoreTest, RollupRangesRecordKindsAndChangeCounters) {
  auto store = Open();
  EXPECT_EQ(store->DataVersion(), 0u);
  std::vector<IncomingChange> changes{Product(1, "Gula")};
  // One batch in each month of 2025-11 .. 2026-10.
  for (int i = 0; i < 12; ++i) {
    IncomingChange b = Batch(i + 2, absl::StrCat("SMS-LP-LAHAT-B", i), 10 + i);
    const int yyyymm = i < 2 ? 202511 + i : 202601 + (i - 2);
    b.record.mutable_batch()->set_start_date(
        absl::StrFormat("%04d-%02d-05", yyyymm / 100, yyyymm % 100));
    changes.push_back(b);
  }
  IncomingChange training;
  training.seq = 14;
  training.record.mutable_training()->set_training_id("SMS-LP-LAHAT-T1");
  training.record.mutable_training()->set_product_id("SMS-LP-LAHAT-GSJM");
  training.record.mutable_training()->set_start_date("2026-03-02");
  changes.push_back(training);
  ASSERT_TRUE(ApplyChanges(*store, kUpt, kInc, changes, 14, 1).ok());
  EXPECT_EQ(store->DataVersion(), 1u);
  EXPECT_EQ(store->UptDataVersion(kUpt), 1u);
  EXPECT_EQ(store->UptDataVersion("SMS-LP-PAGARALAM"), 0u);

  // Both ends inclusive, across the year boundary.
  UNGGUL_ASSERT_OK_AND_ASSIGN(
      std::vector<kanwil::v1::MonthlyRollup> winter,
      store->GetRollupsInRange(kUpt, "SMS-LP-LAHAT-GSJM", 202512, 202602, SIZE_MAX));
  ASSERT_EQ(winter.size(), 3u);
  EXPECT_EQ(winter[0].month(), "2025-12");
  EXPECT_EQ(winter[2].month(), "2026-02");
  EXPECT_DOUBLE_EQ(winter[1].qty_produced(), 12);
  UNGGUL_ASSERT_OK_AND_ASSIGN(std::vector<kanwil::v1::MonthlyRollup> first,
                              store->GetRollupsInRange(kUpt, "SMS-LP-LAHAT-GSJM", 0, 202512, 1));
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(first[0].month(), "2025-11");
  EXPECT_TRUE(
      store->GetRollupsInRange(kUpt, "SMS-LP-LAHAT-GSJM", 201001, 202510, SIZE_MAX)->empty());
  EXPECT_EQ(store->GetRollupsInRange(kUpt, "SMS-LP-LAHAT-GSJM", 0, UINT32_MAX, SIZE_MAX)->size(),
            12u);
  // Another product's months never leak into the range.
  EXPECT_TRUE(store->GetRollupsInRange(kUpt, "SMS-LP-LAHAT-GSJ", 0, UINT32_MAX, SIZE_MAX)->empty());

  UNGGUL_ASSERT_OK_AND_ASSIGN(std::vector<v1::Record> trainings,
                              store->ListRecordsOfKind(RecordKind::kTraining, kUpt));
  ASSERT_EQ(trainings.size(), 1u);
  EXPECT_EQ(trainings[0].training().training_id(), "SMS-LP-LAHAT-T1");
  EXPECT_EQ(store->ListRecordsOfKind(RecordKind::kBatch, kUpt)->size(), 12u);

  // Assessments and verifications move the counters; a refused write does not.
  kanwil::v1::Assessment a;
  a.set_start_month("2025-11");
  a.set_end_month("2026-10");
  a.set_product_id("SMS-LP-LAHAT-GSJM");
  a.set_indicator("C3");
  a.set_assessor_id("asesor.1");
  ASSERT_TRUE(store->panel().PutAssessment(a).ok());
  EXPECT_EQ(store->DataVersion(), 2u);
  EXPECT_EQ(store->UptDataVersion(kUpt), 1u);
  ASSERT_TRUE(store->panel()
                  .PutLabourVerifications(kUpt, {{"SMS-LP-LAHAT-GSJM", "2026-10"}}, "kabid", 5)
                  .ok());
  EXPECT_EQ(store->DataVersion(), 3u);
  EXPECT_EQ(store->UptDataVersion(kUpt), 2u);
  EXPECT_FALSE(ApplyChanges(*store, kUpt, kInc, {Batch(20, "SMS-LP-LAHAT-GAP", 1)}, 20, 2).ok());
  EXPECT_EQ(store->DataVersion(), 3u);
  EXPECT_EQ(store->UptDataVersion(kUpt), 2u);
}

// tests/fixtures/format-v1/kanwil was written by the format-1 kanwil-aggregator (make.sh beside
// it): the Lahat node's 39 records synced, 3 labour months verified, panel scores, an incident.
TEST_F(KanwilStoreTest, OpensTheFormatOneFixture) {
  const std::string path = dir_.path() + "/v1";
  std::filesystem::copy(std::string(UNGGUL_SOURCE_DIR) + "/tests/fixtures/format-v1/kanwil", path,
                        std::filesystem::copy_options::recursive);
  RocksDbKanwilStore::Options o;
  o.path = path;
  UNGGUL_ASSERT_OK_AND_ASSIGN(auto store, RocksDbKanwilStore::Open(o));
  UNGGUL_ASSERT_OK_AND_ASSIGN(std::optional<UptSyncState> upt, store->GetUpt(kUpt));
  ASSERT_TRUE(upt.has_value());
  EXPECT_EQ(upt->incarnation_id, "6a21ef848f2764599464b64687267a5e");
  EXPECT_EQ(upt->hwm, 39u);
  EXPECT_EQ(DigestString(upt->digest), "39/b72171309fe57bca");  // equals the node fixture's
  UNGGUL_ASSERT_OK_AND_ASSIGN(std::vector<std::string> verified,
                              store->panel().VerifiedLabourMonths(kUpt, "SMS-LP-LAHAT-GSJM"));
  EXPECT_EQ(verified, (std::vector<std::string>{"2025-11", "2025-12", "2026-01"}));
  UNGGUL_ASSERT_OK_AND_ASSIGN(
      auto assessments, store->panel().ListAssessments("2025-12", "2026-11", "SMS-LP-LAHAT-GSJM"));
  EXPECT_EQ(assessments.size(), 3u);
  UNGGUL_ASSERT_OK_AND_ASSIGN(auto incidents, store->panel().ListIncidents());
  ASSERT_EQ(incidents.size(), 1u);
  EXPECT_EQ(incidents[0].product_id(), "SMS-LP-LAHAT-GSJM");
  // Format 1 keyed rollup revenue by channel/region name; the migration to format 2 moved it to
  // the enum numbers, with the same totals.
  UNGGUL_ASSERT_OK_AND_ASSIGN(std::vector<kanwil::v1::MonthlyRollup> months,
                              store->GetRollups(kUpt, "SMS-LP-LAHAT-GSJM"));
  int64_t revenue = 0;
  int64_t by_channel = 0;
  int64_t by_region = 0;
  for (const kanwil::v1::MonthlyRollup& m : months) {
    EXPECT_TRUE(m.revenue_by_channel().empty()) << m.month();
    EXPECT_TRUE(m.revenue_by_region().empty()) << m.month();
    revenue += m.revenue_idr();
    for (const auto& [channel, v] : m.revenue_by_channel_number()) by_channel += v;
    for (const auto& [region, v] : m.revenue_by_region_number()) by_region += v;
  }
  EXPECT_GT(revenue, 0);
  EXPECT_EQ(by_channel, revenue);
  EXPECT_EQ(by_region, revenue);
}

TEST_F(KanwilStoreTest, RefusesANewerFormat) {
  { auto store = Open(); }
  const std::string path = dir_.path() + "/db";
  {
    std::vector<std::string> families;
    ASSERT_TRUE(rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), path, &families).ok());
    families.erase(std::remove(families.begin(), families.end(), "default"), families.end());
    UNGGUL_ASSERT_OK_AND_ASSIGN(auto db, OwnedRocksDb::Open(path, families, true));
    st::StoredMeta meta;
    meta.set_format_version(RocksDbKanwilStore::kFormatVersion + 1);
    ASSERT_TRUE(
        db->db().Put(db->write_options(), db->cf("meta"), "meta", meta.SerializeAsString()).ok());
  }
  RocksDbKanwilStore::Options o;
  o.path = path;
  EXPECT_THAT(RocksDbKanwilStore::Open(o).status(),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       ::testing::AllOf(HasSubstr(path),
                                        HasSubstr(absl::StrCat(
                                            "has format ", RocksDbKanwilStore::kFormatVersion + 1,
                                            ", newer than this binary's format ",
                                            RocksDbKanwilStore::kFormatVersion)))));
}

}  // namespace
}  // namespace unggul::aggregator

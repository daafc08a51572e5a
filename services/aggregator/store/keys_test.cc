#include "services/aggregator/store/keys.h"

#include "common/records/kinds.h"
#include "common/testing/status_matchers.h"
#include "gtest/gtest.h"

namespace unggul::aggregator {
namespace {

using ::unggul::testing::StatusIs;

TEST(AggregatorKeysTest, RoundTrips) {
  UNGGUL_ASSERT_OK_AND_ASSIGN(UptKey u, UptKey::Create("SMS-LP-LAHAT"));
  EXPECT_EQ(UptKey::Decode(u.Encode())->upt_code(), "SMS-LP-LAHAT");
  UNGGUL_ASSERT_OK_AND_ASSIGN(
      ReplicaKey r, ReplicaKey::Create(RecordKind::kSale, "SMS-LP-LAHAT", "SMS-LP-LAHAT-S1"));
  UNGGUL_ASSERT_OK_AND_ASSIGN(ReplicaKey rd, ReplicaKey::Decode(r.Encode()));
  EXPECT_EQ(rd.kind(), RecordKind::kSale);
  EXPECT_EQ(rd.upt_code(), "SMS-LP-LAHAT");
  EXPECT_EQ(rd.id(), "SMS-LP-LAHAT-S1");
  UNGGUL_ASSERT_OK_AND_ASSIGN(RollupKey k,
                              RollupKey::Create("SMS-LP-LAHAT", "SMS-LP-LAHAT-GSJM", 202610));
  UNGGUL_ASSERT_OK_AND_ASSIGN(RollupKey kd, RollupKey::Decode(k.Encode()));
  EXPECT_EQ(kd.product_id(), "SMS-LP-LAHAT-GSJM");
  EXPECT_EQ(kd.month(), 202610u);
  UNGGUL_ASSERT_OK_AND_ASSIGN(RegistryKey g, RegistryKey::Create(7));
  EXPECT_EQ(RegistryKey::Decode(g.Encode())->version(), 7u);
}

TEST(AggregatorKeysTest, Ordering) {
  // All products of all UPTs sort before any batch; one UPT's products are one prefix.
  const std::string p_lahat =
      ReplicaKey::Create(RecordKind::kProduct, "SMS-LP-LAHAT", "Z")->Encode();
  const std::string p_lahat2 =
      ReplicaKey::Create(RecordKind::kProduct, "SMS-LP-LAHAT2", "A")->Encode();
  const std::string b_any = ReplicaKey::Create(RecordKind::kBatch, "A", "A")->Encode();
  EXPECT_LT(p_lahat, p_lahat2);
  EXPECT_LT(p_lahat2, b_any);
  EXPECT_EQ(p_lahat.rfind(ReplicaKey::Prefix(RecordKind::kProduct, "SMS-LP-LAHAT"), 0), 0u);
  EXPECT_NE(p_lahat2.rfind(ReplicaKey::Prefix(RecordKind::kProduct, "SMS-LP-LAHAT"), 0), 0u);
  // Months in numeric order within a product.
  EXPECT_LT(RollupKey::Create("U", "P", 202512)->Encode(),
            RollupKey::Create("U", "P", 202601)->Encode());
  EXPECT_LT(RegistryKey::Create(255)->Encode(), RegistryKey::Create(256)->Encode());
}

TEST(AggregatorKeysTest, RejectsBadInput) {
  EXPECT_THAT(UptKey::Create("").status(), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ReplicaKey::Create(RecordKind::kBatch, "U", std::string("a\0b", 3)).status(),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(RollupKey::Create("U", "P", 202613).status(),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(RegistryKey::Create(0).status(), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(UptKey::Decode("no-nul").status(), StatusIs(absl::StatusCode::kDataLoss));
  const char no_kind = static_cast<char>(RecordKinds().back().number + 1);
  EXPECT_THAT(ReplicaKey::Decode(std::string(1, no_kind) + std::string("U\0I\0", 4)).status(),
              StatusIs(absl::StatusCode::kDataLoss));
  EXPECT_THAT(ReplicaKey::Decode(std::string("\x02U\0", 3)).status(),
              StatusIs(absl::StatusCode::kDataLoss));
  EXPECT_THAT(RollupKey::Decode(std::string("U\0P\0\0\0", 6)).status(),
              StatusIs(absl::StatusCode::kDataLoss));
  EXPECT_THAT(RegistryKey::Decode("1234").status(), StatusIs(absl::StatusCode::kDataLoss));
}

}  // namespace
}  // namespace unggul::aggregator

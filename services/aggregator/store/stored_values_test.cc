// The Kanwil's value codecs keep every field of every API value it stores, and read the bytes
// format 2 wrote (the API messages themselves) unchanged.

#include "services/aggregator/store/stored_values.h"

#include <string>

#include "common/testing/status_matchers.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"

namespace unggul::aggregator::store_internal {
namespace {

namespace kv1 = ::unggul::kanwil::v1;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::util::MessageDifferencer;

// Sets every field (the first member of each oneof) to a value other than its default, nested
// messages down to `depth`, one element per repeated field and map.
void FillEveryField(Message& m, int depth = 5) {
  const google::protobuf::Descriptor& d = *m.GetDescriptor();
  const google::protobuf::Reflection& r = *m.GetReflection();
  for (int i = 0; i < d.field_count(); ++i) {
    const FieldDescriptor& f = *d.field(i);
    if (f.containing_oneof() != nullptr && f.index_in_oneof() != 0) continue;
    const bool rep = f.is_repeated();
    switch (f.cpp_type()) {
      case FieldDescriptor::CPPTYPE_MESSAGE:
        if (depth > 0)
          FillEveryField(rep ? *r.AddMessage(&m, &f) : *r.MutableMessage(&m, &f), depth - 1);
        break;
      case FieldDescriptor::CPPTYPE_ENUM: {
        const int value = f.enum_type()->value(f.enum_type()->value_count() - 1)->number();
        rep ? r.AddEnumValue(&m, &f, value) : r.SetEnumValue(&m, &f, value);
        break;
      }
      case FieldDescriptor::CPPTYPE_STRING:
        rep ? r.AddString(&m, &f, "v-" + f.name()) : r.SetString(&m, &f, "v-" + f.name());
        break;
      case FieldDescriptor::CPPTYPE_BOOL:
        rep ? r.AddBool(&m, &f, true) : r.SetBool(&m, &f, true);
        break;
      case FieldDescriptor::CPPTYPE_DOUBLE:
        rep ? r.AddDouble(&m, &f, 12.5) : r.SetDouble(&m, &f, 12.5);
        break;
      case FieldDescriptor::CPPTYPE_FLOAT:
        rep ? r.AddFloat(&m, &f, 2.5f) : r.SetFloat(&m, &f, 2.5f);
        break;
      case FieldDescriptor::CPPTYPE_INT32:
        rep ? r.AddInt32(&m, &f, 202611) : r.SetInt32(&m, &f, 202611);
        break;
      case FieldDescriptor::CPPTYPE_INT64:
        rep ? r.AddInt64(&m, &f, 7'250'000) : r.SetInt64(&m, &f, 7'250'000);
        break;
      case FieldDescriptor::CPPTYPE_UINT32:
        rep ? r.AddUInt32(&m, &f, 12) : r.SetUInt32(&m, &f, 12);
        break;
      case FieldDescriptor::CPPTYPE_UINT64:
        rep ? r.AddUInt64(&m, &f, 31) : r.SetUInt64(&m, &f, 31);
        break;
    }
  }
}

template <typename Api>
void ExpectRoundTrip(absl::StatusOr<std::string> (*encode)(const Api&),
                     absl::StatusOr<Api> (*decode)(absl::string_view), const Api& value) {
  UNGGUL_ASSERT_OK_AND_ASSIGN(const std::string bytes, encode(value));
  UNGGUL_ASSERT_OK_AND_ASSIGN(const Api back, decode(bytes));
  std::string diff;
  MessageDifferencer differ;
  differ.ReportDifferencesToString(&diff);
  EXPECT_TRUE(differ.Compare(value, back)) << Api::descriptor()->full_name() << ": " << diff;
}

template <typename Api>
void ExpectEveryFieldKept(absl::StatusOr<std::string> (*encode)(const Api&),
                          absl::StatusOr<Api> (*decode)(absl::string_view)) {
  Api value;
  FillEveryField(value);
  ExpectRoundTrip(encode, decode, value);
  // Format 2 stored the API message itself: those bytes decode to the same value.
  UNGGUL_ASSERT_OK_AND_ASSIGN(const Api old, decode(value.SerializeAsString()));
  EXPECT_TRUE(MessageDifferencer::Equals(value, old)) << Api::descriptor()->full_name();
}

TEST(StoredValuesTest, DesignationsAuditAndPublicationsKeepEveryField) {
  ExpectEveryFieldKept(&EncodeDesignation, &DecodeDesignation);
  ExpectEveryFieldKept(&EncodeAuditEntry, &DecodeAuditEntry);
  ExpectEveryFieldKept(&EncodePublication, &DecodePublication);
}

TEST(StoredValuesTest, PanelValuesKeepEveryField) {
  ExpectEveryFieldKept(&EncodeAssessment, &DecodeAssessment);
  ExpectEveryFieldKept(&EncodeIncident, &DecodeIncident);
}

TEST(StoredValuesTest, RollupsKeepTheFiguresAndDropTheNameView) {
  kv1::MonthlyRollup figures;
  FillEveryField(figures);
  figures.clear_revenue_by_channel();
  figures.clear_revenue_by_region();
  ExpectRoundTrip(&EncodeRollup, &DecodeRollup, figures);
  // The name-keyed maps are filled for API answers only: never stored.
  kv1::MonthlyRollup with_names = figures;
  (*with_names.mutable_revenue_by_channel())["CHANNEL_MARKETPLACE"] = 25'000'000;
  UNGGUL_ASSERT_OK_AND_ASSIGN(const std::string bytes, EncodeRollup(with_names));
  UNGGUL_ASSERT_OK_AND_ASSIGN(const kv1::MonthlyRollup back, DecodeRollup(bytes));
  EXPECT_TRUE(MessageDifferencer::Equals(back, figures));
  // Format 2's value: StoredRollup{rollup = the MonthlyRollup} (field 1, length-delimited).
  const std::string inner = figures.SerializeAsString();
  std::string format2 = "\x0a";
  for (size_t n = inner.size();; n >>= 7) {  // varint length
    format2.push_back(static_cast<char>(n < 0x80 ? n : (n & 0x7f) | 0x80));
    if (n < 0x80) break;
  }
  format2 += inner;
  UNGGUL_ASSERT_OK_AND_ASSIGN(const kv1::MonthlyRollup old, DecodeRollup(format2));
  EXPECT_TRUE(MessageDifferencer::Equals(old, figures));
}

// Regression (fuzz_stored_values): an empty but present frozen score stays present.
TEST(StoredValuesTest, AnEmptyFrozenScoreIsKept) {
  kv1::Designation d;
  d.set_designation_id("DSG-0123456789abcdef");
  d.mutable_frozen_score();
  UNGGUL_ASSERT_OK_AND_ASSIGN(const std::string bytes, EncodeDesignation(d));
  UNGGUL_ASSERT_OK_AND_ASSIGN(const kv1::Designation back, DecodeDesignation(bytes));
  EXPECT_TRUE(back.has_frozen_score());
}

TEST(StoredValuesTest, UndecodableBytesAreDataLoss) {
  const std::string garbage("\xff\xff\xff", 3);
  EXPECT_EQ(DecodeDesignation(garbage).status().code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(DecodeRollup(garbage).status().code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(DecodeIncident(garbage).status().code(), absl::StatusCode::kDataLoss);
  // A designation whose frozen score bytes are not a ProductScore.
  std::string bad_score = std::string("\x62\x03", 2) + garbage;  // field 12, 3 bytes
  absl::Status s = DecodeDesignation(bad_score).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss);
  EXPECT_NE(s.message().find("frozen_score"), std::string::npos) << s;
}

}  // namespace
}  // namespace unggul::aggregator::store_internal

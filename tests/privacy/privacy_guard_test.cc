// The privacy guard: everything a node can send (the sync stream, and the records it exports)
// is walked field by field. No field may be able to carry a person's name or identity number:
// every text field is in the reviewed table below with what it holds, a field whose name reads
// like personal data fails, and every count of people is small-celled when it leaves the node
// (an inmate count of 1 or 2 goes out as 1 with the kind's small-cell flag set). A new text field
// or count fails this test until it is reviewed here.

#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/records/kinds.h"
#include "common/records/records.h"
#include "gmock/gmock.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "gtest/gtest.h"
#include "unggul/node/v1/records.pb.h"
#include "unggul/sync/v1/sync.pb.h"

namespace unggul {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;

// Every field of every message reachable from `root`.
std::vector<const FieldDescriptor*> ReachableFields(const Descriptor* root) {
  std::vector<const FieldDescriptor*> out;
  std::set<const Descriptor*> seen;
  std::vector<const Descriptor*> todo{root};
  while (!todo.empty()) {
    const Descriptor* d = todo.back();
    todo.pop_back();
    if (!seen.insert(d).second) continue;
    for (int i = 0; i < d->field_count(); ++i) {
      const FieldDescriptor* f = d->field(i);
      out.push_back(f);
      if (f->message_type() != nullptr) todo.push_back(f->message_type());
    }
  }
  return out;
}

// What each text field that can leave a node holds, reviewed. kFreeText fields are written by
// people; the node refuses an identity number in them ((free_text) in records.proto). The others
// are codes, ids, dates and numbers with a fixed syntax the node validates.
enum class Holds { kCode, kFreeText };
const std::map<std::string, Holds>& ReviewedTextFields() {
  static const auto* fields = new std::map<std::string, Holds>{
      // The sync protocol: the UPT's code and machine identifiers.
      {"unggul.sync.v1.Hello.upt_code", Holds::kCode},
      {"unggul.sync.v1.Hello.incarnation_id", Holds::kCode},
      {"unggul.sync.v1.Hello.software_version", Holds::kCode},
      {"unggul.sync.v1.Hello.process_id", Holds::kCode},
      // Products: names of things and the programme story (never about a person).
      {"unggul.node.v1.Product.product_id", Holds::kCode},
      {"unggul.node.v1.Product.upt_code", Holds::kCode},
      {"unggul.node.v1.Product.name", Holds::kFreeText},
      {"unggul.node.v1.Product.brand", Holds::kFreeText},
      {"unggul.node.v1.Product.subcategory", Holds::kFreeText},
      {"unggul.node.v1.Product.description", Holds::kFreeText},
      {"unggul.node.v1.Product.story", Holds::kFreeText},
      {"unggul.node.v1.Product.launch_date", Holds::kCode},
      {"unggul.node.v1.Product.retired_reason", Holds::kFreeText},
      {"unggul.node.v1.Sku.sku_code", Holds::kCode},
      {"unggul.node.v1.Sku.barcode", Holds::kCode},
      {"unggul.node.v1.MaterialInput.material", Holds::kFreeText},
      {"unggul.node.v1.MaterialInput.origin_regency_code", Holds::kCode},
      {"unggul.node.v1.MaterialInput.supplier_ref", Holds::kFreeText},
      // Batches: codes and dates; the supervisor is a staff code, never an inmate.
      {"unggul.node.v1.ProductionBatch.batch_code", Holds::kCode},
      {"unggul.node.v1.ProductionBatch.product_id", Holds::kCode},
      {"unggul.node.v1.ProductionBatch.sku_code", Holds::kCode},
      {"unggul.node.v1.ProductionBatch.start_date", Holds::kCode},
      {"unggul.node.v1.ProductionBatch.end_date", Holds::kCode},
      {"unggul.node.v1.ProductionBatch.expiry_date", Holds::kCode},
      {"unggul.node.v1.ProductionBatch.workshop_id", Holds::kCode},
      {"unggul.node.v1.ProductionBatch.supervisor_staff_ref", Holds::kCode},
      {"unggul.node.v1.Sale.sale_id", Holds::kCode},
      {"unggul.node.v1.Sale.product_id", Holds::kCode},
      {"unggul.node.v1.Sale.sku_code", Holds::kCode},
      {"unggul.node.v1.Sale.sale_date", Holds::kCode},
      {"unggul.node.v1.Sale.buyer_regency_code", Holds::kCode},
      {"unggul.node.v1.Sale.invoice_no", Holds::kCode},
      // Certifications belong to products and their legal holder (UPT, cooperative), not people.
      {"unggul.node.v1.Certification.certification_id", Holds::kCode},
      {"unggul.node.v1.Certification.product_id", Holds::kCode},
      {"unggul.node.v1.Certification.number", Holds::kCode},
      {"unggul.node.v1.Certification.issuer", Holds::kFreeText},
      {"unggul.node.v1.Certification.holder", Holds::kFreeText},
      {"unggul.node.v1.Certification.issued_date", Holds::kCode},
      {"unggul.node.v1.Certification.valid_until", Holds::kCode},
      {"unggul.node.v1.Certification.scope_skus", Holds::kCode},
      // Trainings: the programme and its provider; participants are counts.
      {"unggul.node.v1.Training.training_id", Holds::kCode},
      {"unggul.node.v1.Training.product_id", Holds::kCode},
      {"unggul.node.v1.Training.program_name", Holds::kFreeText},
      {"unggul.node.v1.Training.provider", Holds::kFreeText},
      {"unggul.node.v1.Training.start_date", Holds::kCode},
      {"unggul.node.v1.Training.end_date", Holds::kCode},
      {"unggul.node.v1.MonthlyLabour.report_id", Holds::kCode},
      {"unggul.node.v1.MonthlyLabour.product_id", Holds::kCode},
      {"unggul.node.v1.MonthlyLabour.month", Holds::kCode},
      // Settlements: money per product and period; billing code and NTPN are state references.
      {"unggul.node.v1.Settlement.settlement_id", Holds::kCode},
      {"unggul.node.v1.Settlement.product_id", Holds::kCode},
      {"unggul.node.v1.Settlement.period_start", Holds::kCode},
      {"unggul.node.v1.Settlement.period_end", Holds::kCode},
      {"unggul.node.v1.Settlement.billing_code", Holds::kCode},
      {"unggul.node.v1.Settlement.ntpn", Holds::kCode},
      {"unggul.node.v1.CustomerReturn.return_id", Holds::kCode},
      {"unggul.node.v1.CustomerReturn.product_id", Holds::kCode},
      {"unggul.node.v1.CustomerReturn.sku_code", Holds::kCode},
      {"unggul.node.v1.CustomerReturn.return_date", Holds::kCode},
      {"unggul.node.v1.CustomerReturn.sale_id", Holds::kCode},
      {"unggul.node.v1.CustomerReturn.note", Holds::kFreeText},
      {"unggul.node.v1.Exhibition.exhibition_id", Holds::kCode},
      {"unggul.node.v1.Exhibition.product_id", Holds::kCode},
      {"unggul.node.v1.Exhibition.event_name", Holds::kFreeText},
      {"unggul.node.v1.Exhibition.start_date", Holds::kCode},
      {"unggul.node.v1.Exhibition.end_date", Holds::kCode},
      {"unggul.node.v1.Exhibition.regency_code", Holds::kCode},
      {"unggul.node.v1.Exhibition.award", Holds::kFreeText},
  };
  return *fields;
}

TEST(PrivacyGuardTest, EveryTextFieldANodeSendsIsReviewed) {
  std::vector<std::string> unreviewed;
  for (const FieldDescriptor* f : ReachableFields(sync::v1::NodeMessage::descriptor())) {
    if (f->type() != FieldDescriptor::TYPE_STRING && f->type() != FieldDescriptor::TYPE_BYTES) {
      continue;
    }
    if (f->containing_type()->options().map_entry()) continue;  // keys of reviewed maps
    auto it = ReviewedTextFields().find(f->full_name());
    if (it == ReviewedTextFields().end()) {
      unreviewed.push_back(f->full_name());
      continue;
    }
    // Free text is checked for identity numbers by the node; codes are not free text.
    EXPECT_EQ(f->options().GetExtension(node::v1::free_text), it->second == Holds::kFreeText)
        << f->full_name() << ": (free_text) in records.proto must match the review";
  }
  EXPECT_THAT(unreviewed, ::testing::IsEmpty())
      << "text fields a node sends that nobody reviewed for personal data:\n  "
      << absl::StrJoin(unreviewed, "\n  ");
}

// Words that only personal data would be named by (DOMAIN: never stored: names, registration
// numbers, photos, offences, sentences, age and sex, per-person links).
TEST(PrivacyGuardTest, NoFieldIsNamedLikePersonalData) {
  const std::set<std::string> forbidden = {
      "nik",    "nip",      "nama",    "inmate_name", "surname", "registration", "sdp",
      "photo",  "offence",  "offense", "sentence",    "birth",   "age",          "sex",
      "gender", "religion", "address", "phone",       "email",   "ktp",          "face"};
  for (const FieldDescriptor* f : ReachableFields(sync::v1::NodeMessage::descriptor())) {
    for (absl::string_view word : absl::StrSplit(f->name(), '_')) {
      EXPECT_EQ(forbidden.count(std::string(word)), 0u)
          << f->full_name() << " reads like personal data (\"" << word << "\")";
    }
    EXPECT_EQ(forbidden.count(f->name()), 0u) << f->full_name();
  }
}

// Every count of people is small-celled, and the projection that leaves the node applies it.
TEST(PrivacyGuardTest, EveryCountOfPeopleIsSmallCelledWhenItLeavesTheNode) {
  const std::vector<std::string> people_words = {"inmate",    "inmates",      "participants",
                                                 "completed", "certificates", "engaged"};
  for (const FieldDescriptor* f : ReachableFields(sync::v1::NodeMessage::descriptor())) {
    if (f->cpp_type() != FieldDescriptor::CPPTYPE_INT32 &&
        f->cpp_type() != FieldDescriptor::CPPTYPE_INT64) {
      continue;
    }
    bool about_people = false;
    for (absl::string_view word : absl::StrSplit(f->name(), '_')) {
      for (const std::string& p : people_words) about_people = about_people || word == p;
    }
    if (!about_people) continue;
    EXPECT_TRUE(f->options().GetExtension(node::v1::small_cell_count))
        << f->full_name() << " counts people but is not (small_cell_count)";
  }
  // 1 and 2 leave as 1 with the kind's flag; 3 leaves as it is.
  int kinds_with_counts = 0;
  for (const RecordKindInfo& kind : RecordKinds()) {
    if (kind.small_cell_counts.empty()) continue;
    ++kinds_with_counts;
    ASSERT_NE(kind.small_cell_flag, nullptr) << kind.name;
    for (const FieldDescriptor* count : kind.small_cell_counts) {
      for (int value : {1, 2, 3, 4}) {
        node::v1::Record record;
        google::protobuf::Message* m = record.GetReflection()->MutableMessage(
            &record, node::v1::Record::descriptor()->FindFieldByNumber(kind.number));
        m->GetReflection()->SetInt32(m, count, value);
        const node::v1::Record out = ExportProjection(record);
        const google::protobuf::Message& o = out.GetReflection()->GetMessage(
            out, node::v1::Record::descriptor()->FindFieldByNumber(kind.number));
        EXPECT_EQ(o.GetReflection()->GetInt32(o, count), value <= 2 ? 1 : value)
            << count->full_name() << " = " << value;
        EXPECT_EQ(o.GetReflection()->GetBool(o, kind.small_cell_flag), value <= 2)
            << kind.small_cell_flag->full_name() << " for " << count->full_name() << " = " << value;
      }
    }
  }
  EXPECT_GE(kinds_with_counts, 3);  // batches, trainings, monthly labour reports
}

}  // namespace
}  // namespace unggul

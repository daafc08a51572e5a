#include "common/records/records.h"

#include "absl/strings/str_format.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"

namespace unggul {

namespace v1 = ::unggul::node::v1;

absl::string_view RecordKindName(RecordKind kind) {
  switch (kind) {
    case RecordKind::kProduct:
      return "product";
    case RecordKind::kBatch:
      return "batch";
    case RecordKind::kSale:
      return "sale";
    case RecordKind::kCertification:
      return "certification";
    case RecordKind::kTraining:
      return "training";
    case RecordKind::kLabour:
      return "monthly labour report";
    case RecordKind::kSettlement:
      return "settlement";
    case RecordKind::kCustomerReturn:
      return "customer return";
  }
  return "record";
}

std::optional<RecordKind> KindOf(const v1::Record& record) {
  switch (record.kind_case()) {
    case v1::Record::kProduct:
      return RecordKind::kProduct;
    case v1::Record::kBatch:
      return RecordKind::kBatch;
    case v1::Record::kSale:
      return RecordKind::kSale;
    case v1::Record::kCertification:
      return RecordKind::kCertification;
    case v1::Record::kTraining:
      return RecordKind::kTraining;
    case v1::Record::kLabour:
      return RecordKind::kLabour;
    case v1::Record::kSettlement:
      return RecordKind::kSettlement;
    case v1::Record::kCustomerReturn:
      return RecordKind::kCustomerReturn;
    case v1::Record::KIND_NOT_SET:
      break;
  }
  return std::nullopt;
}

std::string RecordId(const v1::Record& record) {
  switch (record.kind_case()) {
    case v1::Record::kProduct:
      return record.product().product_id();
    case v1::Record::kBatch:
      return record.batch().batch_code();
    case v1::Record::kSale:
      return record.sale().sale_id();
    case v1::Record::kCertification:
      return record.certification().certification_id();
    case v1::Record::kTraining:
      return record.training().training_id();
    case v1::Record::kLabour:
      return record.labour().report_id();
    case v1::Record::kSettlement:
      return record.settlement().settlement_id();
    case v1::Record::kCustomerReturn:
      return record.customer_return().return_id();
    case v1::Record::KIND_NOT_SET:
      break;
  }
  return "";
}

std::string RecordProductId(const v1::Record& record) {
  switch (record.kind_case()) {
    case v1::Record::kProduct:
      return record.product().product_id();
    case v1::Record::kBatch:
      return record.batch().product_id();
    case v1::Record::kSale:
      return record.sale().product_id();
    case v1::Record::kCertification:
      return record.certification().product_id();
    case v1::Record::kTraining:
      return record.training().product_id();
    case v1::Record::kLabour:
      return record.labour().product_id();
    case v1::Record::kSettlement:
      return record.settlement().product_id();
    case v1::Record::kCustomerReturn:
      return record.customer_return().product_id();
    case v1::Record::KIND_NOT_SET:
      break;
  }
  return "";
}

std::string RecordDate(const v1::Record& record) {
  switch (record.kind_case()) {
    case v1::Record::kBatch:
      return record.batch().start_date();
    case v1::Record::kSale:
      return record.sale().sale_date();
    case v1::Record::kCertification:
      return record.certification().issued_date();
    case v1::Record::kTraining:
      return record.training().start_date();
    case v1::Record::kLabour:
      return record.labour().month().empty() ? "" : record.labour().month() + "-01";
    case v1::Record::kSettlement:
      return record.settlement().period_end().empty() ? ""
                                                      : record.settlement().period_end() + "-01";
    case v1::Record::kCustomerReturn:
      return record.customer_return().return_date();
    case v1::Record::kProduct:
    case v1::Record::KIND_NOT_SET:
      break;
  }
  return "";
}

v1::Record ExportProjection(const v1::Record& record) {
  v1::Record out = record;
  ProjectInPlace(out);
  return out;
}

bool ProjectInPlace(v1::Record& out) {
  auto small = [](int32_t n) { return n > 0 && n < 3; };
  bool changed = false;
  if (out.has_batch()) {
    v1::ProductionBatch* b = out.mutable_batch();
    if (small(b->inmates_engaged_count()) &&
        (b->inmates_engaged_count() != 1 || !b->inmates_small_cell())) {
      b->set_inmates_engaged_count(1);
      b->set_inmates_small_cell(true);
      changed = true;
    }
  } else if (out.has_labour()) {
    v1::MonthlyLabour* l = out.mutable_labour();
    if (small(l->distinct_inmates_engaged()) &&
        (l->distinct_inmates_engaged() != 1 || !l->small_cell())) {
      l->set_distinct_inmates_engaged(1);
      l->set_small_cell(true);
      changed = true;
    }
  } else if (out.has_training()) {
    v1::Training* t = out.mutable_training();
    bool any = false;
    if (small(t->participants_count())) {
      t->set_participants_count(1);
      any = true;
    }
    if (small(t->completed_count())) {
      t->set_completed_count(1);
      any = true;
    }
    if (small(t->certificates_count())) {
      t->set_certificates_count(1);
      any = true;
    }
    if (any && !t->small_cell()) {
      t->set_small_cell(true);
      changed = true;
    }
    changed = changed || any;
  }
  return changed;
}

std::string DeterministicBytes(const google::protobuf::Message& message) {
  std::string out;
  {
    google::protobuf::io::StringOutputStream stream(&out);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    message.SerializeToCodedStream(&coded);
  }
  return out;
}

uint64_t RecordHash(const v1::Record& record) {
  const v1::Record projected = ExportProjection(record);
  const std::optional<RecordKind> kind = KindOf(projected);
  return RecordHashOfBytes(kind ? *kind : static_cast<RecordKind>(0), RecordId(projected),
                           DeterministicBytes(projected));
}

uint64_t RecordHashOfBytes(RecordKind kind, absl::string_view id, absl::string_view bytes) {
  uint64_t h = 0xcbf29ce484222325ULL;  // FNV-1a 64 offset basis
  auto mix = [&h](absl::string_view part) {
    for (unsigned char c : part) {
      h ^= c;
      h *= 0x100000001b3ULL;
    }
  };
  const char kind_byte = static_cast<char>(kind);
  mix(absl::string_view(&kind_byte, 1));
  mix(id);
  mix(absl::string_view("\0", 1));
  mix(bytes);
  // SplitMix64 finaliser: spreads FNV's weak high bits.
  h ^= h >> 30;
  h *= 0xbf58476d1ce4e5b9ULL;
  h ^= h >> 27;
  h *= 0x94d049bb133111ebULL;
  h ^= h >> 31;
  return h;
}

void DigestAdd(v1::RecordDigest& digest, uint64_t hash) {
  digest.set_count(digest.count() + 1);
  digest.set_hash_sum(digest.hash_sum() + hash);
}

void DigestRemove(v1::RecordDigest& digest, uint64_t hash) {
  digest.set_count(digest.count() - 1);
  digest.set_hash_sum(digest.hash_sum() - hash);
}

std::string DigestString(const v1::RecordDigest& digest) {
  return absl::StrFormat("%d/%016x", digest.count(), digest.hash_sum());
}

}  // namespace unggul

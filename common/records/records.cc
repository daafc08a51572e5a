#include "common/records/records.h"

#include "absl/strings/str_format.h"
#include "common/records/kinds.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"

namespace unggul {

namespace v1 = ::unggul::node::v1;

absl::string_view RecordKindName(RecordKind kind) {
  const RecordKindInfo* info = FindRecordKind(static_cast<int>(kind));
  return info != nullptr ? info->name : "record";
}

std::optional<RecordKind> KindOf(const v1::Record& record) {
  const RecordKindInfo* info = KindInfoOf(record);
  if (info == nullptr) return std::nullopt;
  return static_cast<RecordKind>(info->number);
}

namespace {

// The kind's message inside `record` and a text field of it ("" when unset or absent).
std::string TextField(const v1::Record& record,
                      const google::protobuf::FieldDescriptor* RecordKindInfo::*which) {
  const RecordKindInfo* info = KindInfoOf(record);
  if (info == nullptr || info->*which == nullptr) return "";
  const google::protobuf::Reflection* reflection = record.GetReflection();
  const google::protobuf::Message& body = reflection->GetMessage(record, info->field);
  return body.GetReflection()->GetString(body, info->*which);
}

}  // namespace

std::string RecordId(const v1::Record& record) { return TextField(record, &RecordKindInfo::id); }

std::string RecordProductId(const v1::Record& record) {
  return TextField(record, &RecordKindInfo::product);
}

std::string RecordDate(const v1::Record& record) {
  std::string date = TextField(record, &RecordKindInfo::date);
  if (date.size() == 7) date += "-01";  // a month field ("YYYY-MM") means its first day
  return date;
}

v1::Record ExportProjection(const v1::Record& record) {
  v1::Record out = record;
  ProjectInPlace(out);
  return out;
}

bool ProjectInPlace(v1::Record& out) {
  const RecordKindInfo* info = KindInfoOf(out);
  if (info == nullptr || info->small_cell_counts.empty()) return false;
  google::protobuf::Message* body = out.GetReflection()->MutableMessage(&out, info->field);
  const google::protobuf::Reflection* reflection = body->GetReflection();
  bool changed = false;
  bool small = false;
  for (const google::protobuf::FieldDescriptor* count : info->small_cell_counts) {
    const int32_t n = reflection->GetInt32(*body, count);
    if (n <= 0 || n >= 3) continue;
    small = true;
    if (n != 1) {
      reflection->SetInt32(body, count, 1);
      changed = true;
    }
  }
  if (small && !reflection->GetBool(*body, info->small_cell_flag)) {
    reflection->SetBool(body, info->small_cell_flag, true);
    changed = true;
  }
  return changed;
}

void CountRecord(v1::RecordCounts& counts, RecordKind kind, int64_t delta) {
  const RecordKindInfo* info = FindRecordKind(static_cast<int>(kind));
  if (info == nullptr) return;
  const google::protobuf::Reflection* reflection = counts.GetReflection();
  reflection->SetInt64(&counts, info->count, reflection->GetInt64(counts, info->count) + delta);
}

void StampRecordedAt(v1::Record& record, int64_t at_unix_ms) {
  const RecordKindInfo* info = KindInfoOf(record);
  if (info == nullptr || info->recorded_at == nullptr) return;
  google::protobuf::Message* body = record.GetReflection()->MutableMessage(&record, info->field);
  body->GetReflection()->SetInt64(body, info->recorded_at, at_unix_ms);
}

void ClearNodeSetFields(v1::Record& record) {
  const RecordKindInfo* info = KindInfoOf(record);
  if (info == nullptr) return;
  google::protobuf::Message* body = record.GetReflection()->MutableMessage(&record, info->field);
  const google::protobuf::Reflection* reflection = body->GetReflection();
  if (info->recorded_at != nullptr) reflection->ClearField(body, info->recorded_at);
  for (const google::protobuf::FieldDescriptor* f : info->node_managed) {
    reflection->ClearField(body, f);
  }
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

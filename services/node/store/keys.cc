#include "services/node/store/keys.h"

#include "absl/strings/str_cat.h"
#include "common/keys/key_parts.h"
#include "common/records/kinds.h"

namespace unggul::node {
namespace {

using keys::AppendBigEndian;
using keys::AppendText;
using keys::CheckText;
using keys::Malformed;
using keys::ReadBigEndian;
using keys::ReadText;

void AppendU32(std::string& out, uint32_t v) { AppendBigEndian(out, v, 4); }
void AppendU64(std::string& out, uint64_t v) { AppendBigEndian(out, v, 8); }

bool ValidKind(uint8_t k) { return FindRecordKind(k) != nullptr; }  // the registry's kinds

}  // namespace

absl::StatusOr<RecordKey> RecordKey::Create(absl::string_view id) {
  if (absl::Status s = CheckText(id, "record id"); !s.ok()) return s;
  return RecordKey(std::string(id));
}

absl::StatusOr<RecordKey> RecordKey::Decode(absl::string_view encoded) {
  absl::StatusOr<std::string> text = keys::DecodeText(encoded, "record");
  if (!text.ok()) return text.status();
  return RecordKey(*std::move(text));
}

std::string RecordKey::Encode() const { return keys::EncodeText(id_); }

absl::StatusOr<IndexKey> IndexKey::Create(RecordKind kind, absl::string_view product_id,
                                          int32_t day, absl::string_view id) {
  if (absl::Status s = CheckText(product_id, "product id"); !s.ok()) return s;
  if (absl::Status s = CheckText(id, "record id"); !s.ok()) return s;
  if (day < 0) return absl::InvalidArgumentError("index day: must be >= 0");
  return IndexKey(kind, std::string(product_id), day, std::string(id));
}

absl::StatusOr<IndexKey> IndexKey::Decode(absl::string_view encoded) {
  if (encoded.empty() || !ValidKind(static_cast<uint8_t>(encoded[0]))) {
    return Malformed("index", encoded);
  }
  size_t pos = 1;
  std::string product_id;
  std::string id;
  if (!ReadText(encoded, pos, product_id) || encoded.size() < pos + 4) {
    return Malformed("index", encoded);
  }
  const uint64_t day = ReadBigEndian(encoded.substr(pos, 4));
  pos += 4;
  if (day > 0x7fffffffULL || !ReadText(encoded, pos, id) || pos != encoded.size()) {
    return Malformed("index", encoded);
  }
  return IndexKey(static_cast<RecordKind>(encoded[0]), std::move(product_id),
                  static_cast<int32_t>(day), std::move(id));
}

absl::StatusOr<std::string> IndexKey::Prefix(RecordKind kind, absl::string_view product_id) {
  if (absl::Status s = CheckText(product_id, "product id"); !s.ok()) return s;
  std::string out(1, static_cast<char>(kind));
  AppendText(out, product_id);
  return out;
}

absl::StatusOr<std::string> IndexKey::SeekKey(RecordKind kind, absl::string_view product_id,
                                              int32_t day) {
  if (day < 0) return absl::InvalidArgumentError("index day: must be >= 0");
  absl::StatusOr<std::string> out = Prefix(kind, product_id);
  if (!out.ok()) return out;
  AppendU32(*out, static_cast<uint32_t>(day));
  return out;
}

std::string IndexKey::Encode() const {
  std::string out(1, static_cast<char>(kind_));
  AppendText(out, product_id_);
  AppendU32(out, static_cast<uint32_t>(day_));
  AppendText(out, id_);
  return out;
}

absl::StatusOr<ChangelogKey> ChangelogKey::Create(uint64_t seq) {
  if (seq == 0) return absl::InvalidArgumentError("changelog seq: must be >= 1");
  return ChangelogKey(seq);
}

absl::StatusOr<ChangelogKey> ChangelogKey::Decode(absl::string_view encoded) {
  if (encoded.size() != 8) return Malformed("changelog", encoded);
  const uint64_t seq = ReadBigEndian(encoded);
  if (seq == 0) return Malformed("changelog", encoded);
  return ChangelogKey(seq);
}

std::string ChangelogKey::Encode() const {
  std::string out;
  AppendU64(out, seq_);
  return out;
}

absl::StatusOr<RequestKey> RequestKey::Create(absl::string_view request_id) {
  if (absl::Status s = CheckText(request_id, "request id"); !s.ok()) return s;
  return RequestKey(std::string(request_id));
}

absl::StatusOr<RequestKey> RequestKey::Decode(absl::string_view encoded) {
  absl::StatusOr<std::string> text = keys::DecodeText(encoded, "request");
  if (!text.ok()) return text.status();
  return RequestKey(*std::move(text));
}

std::string RequestKey::Encode() const { return keys::EncodeText(request_id_); }

absl::StatusOr<RequestTimeKey> RequestTimeKey::Create(int64_t at_unix_ms,
                                                      absl::string_view request_id) {
  if (at_unix_ms < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("request time: must not be negative, got ", at_unix_ms));
  }
  if (absl::Status s = CheckText(request_id, "request id"); !s.ok()) return s;
  return RequestTimeKey(at_unix_ms, std::string(request_id));
}

absl::StatusOr<RequestTimeKey> RequestTimeKey::Decode(absl::string_view encoded) {
  size_t pos = 8;
  std::string request_id;
  if (encoded.size() < 10 || !keys::ReadText(encoded, pos, request_id) || pos != encoded.size()) {
    return keys::Malformed("request time", encoded);
  }
  const uint64_t at = keys::ReadBigEndian(encoded.substr(0, 8));
  if (at > static_cast<uint64_t>(INT64_MAX)) return keys::Malformed("request time", encoded);
  return RequestTimeKey(static_cast<int64_t>(at), std::move(request_id));
}

std::string RequestTimeKey::Encode() const {
  std::string out;
  keys::AppendBigEndian(out, static_cast<uint64_t>(at_unix_ms_), 8);
  keys::AppendText(out, request_id_);
  return out;
}

}  // namespace unggul::node

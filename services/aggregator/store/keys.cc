#include "services/aggregator/store/keys.h"

#include "absl/strings/str_cat.h"
#include "common/keys/key_parts.h"
#include "common/records/kinds.h"

namespace unggul::aggregator {
namespace {

using keys::AppendBigEndian;
using keys::AppendText;
using keys::CheckText;
using keys::Malformed;
using keys::ReadBigEndian;
using keys::ReadText;
}  // namespace

absl::StatusOr<UptKey> UptKey::Create(absl::string_view upt_code) {
  if (absl::Status s = CheckText(upt_code, "upt code"); !s.ok()) return s;
  return UptKey(std::string(upt_code));
}

absl::StatusOr<UptKey> UptKey::Decode(absl::string_view encoded) {
  absl::StatusOr<std::string> text = keys::DecodeText(encoded, "upt");
  if (!text.ok()) return text.status();
  return UptKey(*std::move(text));
}

std::string UptKey::Encode() const { return keys::EncodeText(upt_code_); }

absl::StatusOr<ReplicaKey> ReplicaKey::Create(RecordKind kind, absl::string_view upt_code,
                                              absl::string_view id) {
  if (absl::Status s = CheckText(upt_code, "upt code"); !s.ok()) return s;
  if (absl::Status s = CheckText(id, "record id"); !s.ok()) return s;
  return ReplicaKey(kind, std::string(upt_code), std::string(id));
}

absl::StatusOr<ReplicaKey> ReplicaKey::Decode(absl::string_view encoded) {
  if (encoded.empty() || FindRecordKind(static_cast<uint8_t>(encoded[0])) == nullptr) {
    return Malformed("replica", encoded);  // not a kind of the registry
  }
  size_t pos = 1;
  std::string upt;
  std::string id;
  if (!ReadText(encoded, pos, upt) || !ReadText(encoded, pos, id) || pos != encoded.size()) {
    return Malformed("replica", encoded);
  }
  return ReplicaKey(static_cast<RecordKind>(encoded[0]), std::move(upt), std::move(id));
}

std::string ReplicaKey::Prefix(RecordKind kind, absl::string_view upt_code) {
  std::string out(1, static_cast<char>(kind));
  if (!upt_code.empty()) AppendText(out, upt_code);
  return out;
}

std::string ReplicaKey::Encode() const {
  std::string out(1, static_cast<char>(kind_));
  AppendText(out, upt_code_);
  AppendText(out, id_);
  return out;
}

absl::StatusOr<RollupKey> RollupKey::Create(absl::string_view upt_code,
                                            absl::string_view product_id, uint32_t yyyymm) {
  if (absl::Status s = CheckText(upt_code, "upt code"); !s.ok()) return s;
  if (absl::Status s = CheckText(product_id, "product id"); !s.ok()) return s;
  if (yyyymm % 100 < 1 || yyyymm % 100 > 12) {
    return absl::InvalidArgumentError(absl::StrCat("rollup month: not YYYYMM, got ", yyyymm));
  }
  return RollupKey(std::string(upt_code), std::string(product_id), yyyymm);
}

std::string RollupKey::Bound(absl::string_view upt_code, absl::string_view product_id,
                             uint32_t value) {
  std::string out = ProductPrefix(upt_code, product_id);
  AppendBigEndian(out, value, 4);
  return out;
}

absl::StatusOr<RollupKey> RollupKey::Decode(absl::string_view encoded) {
  size_t pos = 0;
  std::string upt;
  std::string product;
  if (!ReadText(encoded, pos, upt) || !ReadText(encoded, pos, product) ||
      encoded.size() != pos + 4) {
    return Malformed("rollup", encoded);
  }
  const uint32_t month = static_cast<uint32_t>(ReadBigEndian(encoded.substr(pos, 4)));
  if (month % 100 < 1 || month % 100 > 12) return Malformed("rollup", encoded);
  return RollupKey(std::move(upt), std::move(product), month);
}

std::string RollupKey::UptPrefix(absl::string_view upt_code) {
  std::string out;
  AppendText(out, upt_code);
  return out;
}

std::string RollupKey::ProductPrefix(absl::string_view upt_code, absl::string_view product_id) {
  std::string out = UptPrefix(upt_code);
  AppendText(out, product_id);
  return out;
}

std::string RollupKey::Encode() const {
  std::string out = ProductPrefix(upt_code_, product_id_);
  AppendBigEndian(out, month_, 4);
  return out;
}

absl::StatusOr<RegistryKey> RegistryKey::Create(uint64_t version) {
  if (version == 0) return absl::InvalidArgumentError("registry version: must be >= 1");
  return RegistryKey(version);
}

absl::StatusOr<RegistryKey> RegistryKey::Decode(absl::string_view encoded) {
  if (encoded.size() != 8) return Malformed("registry", encoded);
  const uint64_t v = ReadBigEndian(encoded);
  if (v == 0) return Malformed("registry", encoded);
  return RegistryKey(v);
}

std::string RegistryKey::Encode() const {
  std::string out;
  AppendBigEndian(out, version_, 8);
  return out;
}

template <typename Keyspace>
absl::StatusOr<SeqKeyOf<Keyspace>> SeqKeyOf<Keyspace>::Create(uint64_t seq) {
  if (seq == 0) return absl::InvalidArgumentError(absl::StrCat(Keyspace::kWhat, ": must be >= 1"));
  return SeqKeyOf(seq);
}

template <typename Keyspace>
absl::StatusOr<SeqKeyOf<Keyspace>> SeqKeyOf<Keyspace>::Decode(absl::string_view encoded) {
  if (encoded.size() != 8) return Malformed(Keyspace::kWhat, encoded);
  const uint64_t v = ReadBigEndian(encoded);
  if (v == 0) return Malformed(Keyspace::kWhat, encoded);
  return SeqKeyOf(v);
}

template <typename Keyspace>
std::string SeqKeyOf<Keyspace>::Encode() const {
  std::string out;
  AppendBigEndian(out, seq_, 8);
  return out;
}

template class SeqKeyOf<AuditKeyspace>;
template class SeqKeyOf<PublicationKeyspace>;

absl::StatusOr<AssessmentKey> AssessmentKey::Create(absl::string_view start_month,
                                                    absl::string_view end_month,
                                                    absl::string_view product_id,
                                                    absl::string_view indicator,
                                                    absl::string_view assessor_id) {
  for (auto [value, what] : {std::pair{start_month, "start month"},
                             {end_month, "end month"},
                             {product_id, "product id"},
                             {indicator, "indicator"},
                             {assessor_id, "assessor id"}}) {
    if (absl::Status s = CheckText(value, what); !s.ok()) return s;
  }
  std::string out = ProductPrefix(start_month, end_month, product_id);
  AppendText(out, indicator);
  AppendText(out, assessor_id);
  return AssessmentKey(std::move(out));
}

std::string AssessmentKey::ProductPrefix(absl::string_view start_month, absl::string_view end_month,
                                         absl::string_view product_id) {
  std::string out;
  AppendText(out, start_month);
  AppendText(out, end_month);
  if (!product_id.empty()) AppendText(out, product_id);
  return out;
}

template <typename Keyspace>
absl::StatusOr<IdKeyOf<Keyspace>> IdKeyOf<Keyspace>::Create(absl::string_view id) {
  if (absl::Status s = CheckText(id, Keyspace::kWhat); !s.ok()) return s;
  return IdKeyOf(std::string(id));
}

template <typename Keyspace>
absl::StatusOr<IdKeyOf<Keyspace>> IdKeyOf<Keyspace>::Decode(absl::string_view encoded) {
  absl::StatusOr<std::string> text = keys::DecodeText(encoded, Keyspace::kWhat);
  if (!text.ok()) return text.status();
  return IdKeyOf(*std::move(text));
}

template <typename Keyspace>
std::string IdKeyOf<Keyspace>::Encode() const {
  return keys::EncodeText(id_);
}

template class IdKeyOf<DesignationKeyspace>;
template class IdKeyOf<IncidentKeyspace>;

}  // namespace unggul::aggregator

#pragma once

// Key codecs of the aggregator's RocksDB, one per keyspace (STYLE.md §6). Integers big-endian
// fixed width; text components end in 0x00 and may not contain it. Create validates
// (InvalidArgument); Decode returns DataLoss on malformed bytes.
//
// Column family  Key                                                   Value
// upts           UptKey:     upt_code | 0x00                           StoredUptState
// replica        ReplicaKey: kind (u8) | upt_code | 0x00 | id | 0x00    StoredReplica
// rollups        RollupKey:  upt_code | 0x00 | product_id | 0x00 |     StoredRollup
//                            month (u32 BE, YYYYMM)
// registry       RegistryKey: version (u64 BE)                         StoredRegistry
// meta           "meta"                                                StoredMeta
// designations   DesignationKey: designation_id | 0x00                 StoredDesignation
// incidents      IncidentKey: incident_id | 0x00                       StoredIncident
// audit          AuditKey: seq (u64 BE)                                StoredAuditEntry
// publications   PublicationKey: revision (u64 BE)                     StoredPublication
// assessments    AssessmentKey: start_month | 0x00 | end_month | 0x00 |  StoredAssessment
//                product_id | 0x00 | indicator | 0x00 | assessor_id | 0x00
// verifications  RollupKey (the month of the labour report it verifies)  StoredLabourVerification
//
// Values are storage messages (proto/unggul/kanwil/storage/v1/storage.proto), converted from
// and to the API's by the codecs in stored_values.h.
//
// Replica keys start with the kind so all products (of every UPT) are one prefix scan.

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/records/records.h"

namespace unggul::aggregator {

class UptKey {
 public:
  static absl::StatusOr<UptKey> Create(absl::string_view upt_code);  // InvalidArgument
  static absl::StatusOr<UptKey> Decode(absl::string_view encoded);   // DataLoss
  std::string Encode() const;
  const std::string& upt_code() const { return upt_code_; }

 private:
  explicit UptKey(std::string upt) : upt_code_(std::move(upt)) {}
  std::string upt_code_;
};

class ReplicaKey {
 public:
  static absl::StatusOr<ReplicaKey> Create(RecordKind kind, absl::string_view upt_code,
                                           absl::string_view id);
  static absl::StatusOr<ReplicaKey> Decode(absl::string_view encoded);
  // kind | upt_code | 0x00; with an empty upt_code: kind alone.
  static std::string Prefix(RecordKind kind, absl::string_view upt_code);
  std::string Encode() const;
  RecordKind kind() const { return kind_; }
  const std::string& upt_code() const { return upt_code_; }
  const std::string& id() const { return id_; }

 private:
  ReplicaKey(RecordKind kind, std::string upt, std::string id)
      : kind_(kind), upt_code_(std::move(upt)), id_(std::move(id)) {}
  RecordKind kind_;
  std::string upt_code_;
  std::string id_;
};

class RollupKey {
 public:
  static absl::StatusOr<RollupKey> Create(absl::string_view upt_code, absl::string_view product_id,
                                          uint32_t yyyymm);
  static absl::StatusOr<RollupKey> Decode(absl::string_view encoded);
  // upt_code | 0x00, and upt_code | 0x00 | product_id | 0x00.
  static std::string UptPrefix(absl::string_view upt_code);
  static std::string ProductPrefix(absl::string_view upt_code, absl::string_view product_id);
  // ProductPrefix | value (u32 BE) with any value: a bound for range scans.
  static std::string Bound(absl::string_view upt_code, absl::string_view product_id,
                           uint32_t value);
  std::string Encode() const;
  const std::string& upt_code() const { return upt_code_; }
  const std::string& product_id() const { return product_id_; }
  uint32_t month() const { return month_; }

 private:
  RollupKey(std::string upt, std::string product, uint32_t month)
      : upt_code_(std::move(upt)), product_id_(std::move(product)), month_(month) {}
  std::string upt_code_;
  std::string product_id_;
  uint32_t month_;
};

class RegistryKey {
 public:
  static absl::StatusOr<RegistryKey> Create(uint64_t version);  // InvalidArgument if 0
  static absl::StatusOr<RegistryKey> Decode(absl::string_view encoded);
  std::string Encode() const;
  uint64_t version() const { return version_; }

 private:
  explicit RegistryKey(uint64_t v) : version_(v) {}
  uint64_t version_;
};

// Keyspaces whose keys have the same layout still get their own key type, so a key made for one
// column family cannot be used in another; the layout's codec is written once (keys.cc).
struct AuditKeyspace {
  static constexpr const char* kWhat = "audit seq";
};
struct PublicationKeyspace {
  static constexpr const char* kWhat = "publication revision";
};
struct DesignationKeyspace {
  static constexpr const char* kWhat = "designation id";
};
struct IncidentKeyspace {
  static constexpr const char* kWhat = "incident id";
};

// A dense sequence number (audit seq, publication revision). Layout: u64 BE, >= 1.
template <typename Keyspace>
class SeqKeyOf {
 public:
  static absl::StatusOr<SeqKeyOf> Create(uint64_t seq);  // InvalidArgument if 0
  static absl::StatusOr<SeqKeyOf> Decode(absl::string_view encoded);
  std::string Encode() const;
  uint64_t seq() const { return seq_; }

 private:
  explicit SeqKeyOf(uint64_t s) : seq_(s) {}
  uint64_t seq_;
};
using AuditKey = SeqKeyOf<AuditKeyspace>;
using PublicationKey = SeqKeyOf<PublicationKeyspace>;

// Layout: start_month | 0x00 | end_month | 0x00 | product_id | 0x00 | indicator | 0x00 |
// assessor_id | 0x00. ProductPrefix covers one product's assessments of one period
// (every product's when product_id is empty).
class AssessmentKey {
 public:
  static absl::StatusOr<AssessmentKey> Create(absl::string_view start_month,
                                              absl::string_view end_month,
                                              absl::string_view product_id,
                                              absl::string_view indicator,
                                              absl::string_view assessor_id);
  static std::string ProductPrefix(absl::string_view start_month, absl::string_view end_month,
                                   absl::string_view product_id);
  std::string Encode() const { return encoded_; }

 private:
  explicit AssessmentKey(std::string encoded) : encoded_(std::move(encoded)) {}
  std::string encoded_;
};

// An id (designation id, incident id). Layout: id | 0x00.
template <typename Keyspace>
class IdKeyOf {
 public:
  static absl::StatusOr<IdKeyOf> Create(absl::string_view id);  // InvalidArgument
  static absl::StatusOr<IdKeyOf> Decode(absl::string_view encoded);
  std::string Encode() const;
  const std::string& id() const { return id_; }

 private:
  explicit IdKeyOf(std::string id) : id_(std::move(id)) {}
  std::string id_;
};
using DesignationKey = IdKeyOf<DesignationKeyspace>;
using IncidentKey = IdKeyOf<IncidentKeyspace>;

}  // namespace unggul::aggregator

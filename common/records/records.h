#pragma once

// Record helpers shared by node, aggregator and CLI. Pure functions; thread-safe.

#include <cstdint>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "google/protobuf/message.h"
#include "unggul/node/v1/node_service.pb.h"
#include "unggul/node/v1/records.pb.h"

namespace unggul {

// A record kind: the number of its field in the `Record.kind` oneof, stable, used in keys, page
// tokens and hashes. The named values are the kinds code refers to by name; every kind, named or
// not, is described by the registry in common/records/kinds.h (a new kind needs no name here).
enum class RecordKind : uint8_t {
  kProduct = 1,
  kBatch = 2,
  kSale = 3,
  kCertification = 4,
  kTraining = 5,
  kLabour = 6,
  kSettlement = 7,
  kCustomerReturn = 8,
};

// The kind's name from the registry ("product", "monthly labour report"); "record" if unknown.
absl::string_view RecordKindName(RecordKind kind);
// nullopt when no field of the oneof is set.
std::optional<RecordKind> KindOf(const node::v1::Record& record);
// The record's own id (its record_id field: product_id, batch_code, sale_id, …).
std::string RecordId(const node::v1::Record& record);
// The product a record belongs to (its record_product field; "" for a training without product;
// the id for a product).
std::string RecordProductId(const node::v1::Record& record);
// The main date "YYYY-MM-DD" (its record_date field; a "YYYY-MM" month means its first day);
// "" for products.
std::string RecordDate(const node::v1::Record& record);

// What leaves the node (small-cell rule): every small_cell_count field of 1..2 becomes 1 and the
// kind's small_cell_flag is set.
// Idempotent: projecting a projection changes nothing.
node::v1::Record ExportProjection(const node::v1::Record& record);
// The same, in place; returns whether anything changed.
bool ProjectInPlace(node::v1::Record& record);

// Adds `delta` to the kind's count in `counts`.
void CountRecord(node::v1::RecordCounts& counts, RecordKind kind, int64_t delta);
// Stamps the write time into the record's recorded_at field (if its kind has one).
void StampRecordedAt(node::v1::Record& record, int64_t at_unix_ms);
// Clears the fields the node sets (recorded_at and node_managed): what remains is what the
// writer wrote, so two writes of one record can be compared.
void ClearNodeSetFields(node::v1::Record& record);

// Deterministic serialisation (map order fixed), stable across processes of one build.
std::string DeterministicBytes(const google::protobuf::Message& message);

// 64-bit hash of a record's export projection: FNV-1a over kind byte, id, 0x00 and
// DeterministicBytes, then the SplitMix64 finaliser.
uint64_t RecordHash(const node::v1::Record& record);
// RecordHash of an already projected record from its DeterministicBytes (no re-serialisation).
uint64_t RecordHashOfBytes(RecordKind kind, absl::string_view id, absl::string_view bytes);

// Digest arithmetic: count and sum of hashes mod 2^64.
void DigestAdd(node::v1::RecordDigest& digest, uint64_t hash);
void DigestRemove(node::v1::RecordDigest& digest, uint64_t hash);
// "count/hash" with the hash as 16 hex digits, e.g. "405/8f3a...".
std::string DigestString(const node::v1::RecordDigest& digest);

}  // namespace unggul

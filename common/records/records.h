#pragma once

// Record helpers shared by node, aggregator and CLI. Pure functions; thread-safe.

#include <cstdint>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "google/protobuf/message.h"
#include "unggul/node/v1/records.pb.h"

namespace unggul {

// Record kinds, with stable numeric values used in keys, page tokens and hashes.
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

// "product", "batch", "sale", "certification", "training", "monthly labour report",
// "settlement", "customer return".
absl::string_view RecordKindName(RecordKind kind);
// nullopt when no field of the oneof is set.
std::optional<RecordKind> KindOf(const node::v1::Record& record);
// The record's own id (product_id, batch_code, sale_id, certification_id, training_id).
std::string RecordId(const node::v1::Record& record);
// The product a record belongs to ("" for a training without product; the id for a product).
std::string RecordProductId(const node::v1::Record& record);
// The main date (batch start_date, sale sale_date, certification issued_date, training
// start_date); "" for products.
std::string RecordDate(const node::v1::Record& record);

// What leaves the node (small-cell rule): inmate counts of 1..2 become 1 with a small-cell flag.
// Idempotent: projecting a projection changes nothing.
node::v1::Record ExportProjection(const node::v1::Record& record);
// The same, in place; returns whether anything changed.
bool ProjectInPlace(node::v1::Record& record);

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

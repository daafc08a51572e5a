#pragma once

// Key codecs of the node's RocksDB, one per keyspace (STYLE.md §6). No other code builds key
// bytes. Integers are big-endian fixed width (byte order = numeric order); text components end
// in 0x00 and may not contain 0x00. Create validates (InvalidArgument); Decode returns DataLoss
// on malformed bytes. Thread-safe value types.
//
// Column family      Key                                                  Value
// products, batches,  RecordKey:  id | 0x00                               StoredRecord
// sales, certifications, trainings
// by_product         IndexKey:   kind (u8) | product_id | 0x00 |          empty
//                                day (u32 BE) | id | 0x00
// changelog          ChangelogKey: seq (u64 BE)                           StoredChange
// requests           RequestKey: request_id | 0x00                        StoredRequest
// requests_by_time   RequestTimeKey: at_unix_ms (u64 BE) | request_id |   empty (format >= 2)
//                                0x00
// designations       RecordKey:  designation_id | 0x00                    StoredDesignation
// meta               MetaKey:    "meta" | "counts" | "sync"               StoredMeta, StoredCounts,
//                                                                      StoredSyncState

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/records/records.h"

namespace unggul::node {

// Key of one record in its kind's column family. Layout: id | 0x00.
class RecordKey {
 public:
  // InvalidArgument if id is empty or contains '\0'.
  static absl::StatusOr<RecordKey> Create(absl::string_view id);
  static absl::StatusOr<RecordKey> Decode(absl::string_view encoded);  // DataLoss if malformed
  std::string Encode() const;
  const std::string& id() const { return id_; }

 private:
  explicit RecordKey(std::string id) : id_(std::move(id)) {}
  std::string id_;
};

// Secondary index of dated records by product, in `by_product`.
// Layout: kind (u8) | product_id | 0x00 | day (u32 BE) | id | 0x00.
// A scan over Prefix(kind, product_id) yields that product's records of that kind oldest first;
// SeekKey(kind, product_id, day) is the first possible key on or after `day`.
class IndexKey {
 public:
  // InvalidArgument if an id is empty or contains '\0', or day < 0.
  static absl::StatusOr<IndexKey> Create(RecordKind kind, absl::string_view product_id, int32_t day,
                                         absl::string_view id);
  static absl::StatusOr<IndexKey> Decode(absl::string_view encoded);  // DataLoss if malformed
  // kind | product_id | 0x00. InvalidArgument like Create.
  static absl::StatusOr<std::string> Prefix(RecordKind kind, absl::string_view product_id);
  // kind | product_id | 0x00 | day (u32 BE). InvalidArgument like Create.
  static absl::StatusOr<std::string> SeekKey(RecordKind kind, absl::string_view product_id,
                                             int32_t day);
  std::string Encode() const;

  RecordKind kind() const { return kind_; }
  const std::string& product_id() const { return product_id_; }
  int32_t day() const { return day_; }
  const std::string& id() const { return id_; }

 private:
  IndexKey(RecordKind kind, std::string product_id, int32_t day, std::string id)
      : kind_(kind), product_id_(std::move(product_id)), day_(day), id_(std::move(id)) {}
  RecordKind kind_;
  std::string product_id_;
  int32_t day_;
  std::string id_;
};

// Key of one changelog entry. Layout: seq (u64 BE); seq >= 1.
class ChangelogKey {
 public:
  static absl::StatusOr<ChangelogKey> Create(uint64_t seq);               // InvalidArgument if 0
  static absl::StatusOr<ChangelogKey> Decode(absl::string_view encoded);  // DataLoss if malformed
  std::string Encode() const;
  uint64_t seq() const { return seq_; }

 private:
  explicit ChangelogKey(uint64_t seq) : seq_(seq) {}
  uint64_t seq_;
};

// Key of an idempotent request's outcome. Layout: request_id | 0x00.
class RequestKey {
 public:
  // InvalidArgument if empty or contains '\0'.
  static absl::StatusOr<RequestKey> Create(absl::string_view request_id);
  static absl::StatusOr<RequestKey> Decode(absl::string_view encoded);  // DataLoss if malformed
  std::string Encode() const;
  const std::string& request_id() const { return request_id_; }

 private:
  explicit RequestKey(std::string request_id) : request_id_(std::move(request_id)) {}
  std::string request_id_;
};

// Retention index of request outcomes, in `requests_by_time` (format 2 on).
// Layout: at_unix_ms (u64 BE) | request_id | 0x00. A scan from the first key yields outcomes
// oldest first, so a retention sweep reads only what it deletes.
class RequestTimeKey {
 public:
  // InvalidArgument if at_unix_ms < 0, or request_id is empty or contains '\0'.
  static absl::StatusOr<RequestTimeKey> Create(int64_t at_unix_ms, absl::string_view request_id);
  static absl::StatusOr<RequestTimeKey> Decode(absl::string_view encoded);  // DataLoss if malformed
  std::string Encode() const;
  int64_t at_unix_ms() const { return at_unix_ms_; }
  const std::string& request_id() const { return request_id_; }

 private:
  RequestTimeKey(int64_t at_unix_ms, std::string request_id)
      : at_unix_ms_(at_unix_ms), request_id_(std::move(request_id)) {}
  int64_t at_unix_ms_;
  std::string request_id_;
};

// Fixed keys in `meta`.
struct MetaKey {
  static constexpr absl::string_view kMeta = "meta";
  static constexpr absl::string_view kCounts = "counts";
  static constexpr absl::string_view kSync = "sync";
};

}  // namespace unggul::node

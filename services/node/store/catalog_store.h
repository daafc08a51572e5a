#pragma once

// The node's storage interface: records of every kind, the changelog that replicates them, and
// the outcomes of idempotent requests. The core sees only this interface (and fakes of it).
//
// Contract of every implementation:
// - Put writes the record, its changelog entry (the next dense seq), the updated counts, index
//   entries and (with a request_id) the request outcome as ONE atomic write: after a crash
//   either all of it is visible or none.
// - Codes: NotFound (unknown id), InvalidArgument (bad query or page token), Aborted (RocksDB
//   busy), Unavailable (closing), DataLoss (undecodable stored bytes), Internal (I/O).
// - Thread-safe: calls may come from any thread.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "services/node/store/keys.h"
#include "unggul/node/v1/node_service.pb.h"
#include "unggul/node/v1/records.pb.h"

namespace unggul::node {

// "product", "batch", "sale", "certification", "training".
absl::string_view RecordKindName(RecordKind kind);
// Kind of a record; nullopt when no field of the oneof is set.
std::optional<RecordKind> KindOf(const v1::Record& record);
// The record's own id (product_id, batch_code, sale_id, certification_id, training_id).
std::string RecordId(const v1::Record& record);
// The product a record belongs to ("" for a training without product; the id for a product).
std::string RecordProductId(const v1::Record& record);
// The record's main date string (batch start_date, sale sale_date, certification issued_date,
// training start_date); "" for products.
std::string RecordDate(const v1::Record& record);

struct StoreInfo {
  std::string upt_code;
  std::string incarnation_id;
  uint64_t last_seq = 0;
  v1::RecordCounts counts;
  uint32_t format_version = 0;
  bool sync_writes = false;
};

// What an earlier idempotent write returned.
struct RequestOutcome {
  std::string fingerprint;
  uint64_t seq = 0;
  v1::Record result;
};

struct ChangeEntry {
  uint64_t seq = 0;
  int64_t written_at_unix_ms = 0;
  v1::Record record;
  std::string request_id;
};

struct ListQuery {
  RecordKind kind = RecordKind::kProduct;
  // Only records of this product (dated kinds only), in (date, id) order; else id order.
  std::string product_id;
  // Inclusive range over RecordDate, as days since the epoch.
  std::optional<int32_t> from_day;
  std::optional<int32_t> to_day;
  // 1..1000.
  int page_size = 100;
  // Opaque token from a previous page of the same query; InvalidArgument if it is not.
  std::string page_token;
  // Extra predicate (e.g. product category); records failing it are skipped.
  std::function<bool(const v1::Record&)> filter;
};

struct ListPage {
  std::vector<v1::Record> records;
  std::string next_page_token;  // empty on the last page
};

class CatalogStore {
 public:
  virtual ~CatalogStore() = default;

  virtual StoreInfo Info() const = 0;

  // NotFound if absent.
  virtual absl::StatusOr<v1::Record> Get(RecordKind kind, absl::string_view id) const = 0;

  // nullopt if the request id was never used.
  virtual absl::StatusOr<std::optional<RequestOutcome>> GetRequest(
      absl::string_view request_id) const = 0;

  // Inserts or replaces `record` (see the contract above). With a non-empty `request_id`, also
  // stores {fingerprint, seq, record} for it. Returns the changelog seq of the write.
  virtual absl::StatusOr<uint64_t> Put(const v1::Record& record, absl::string_view request_id,
                                       absl::string_view fingerprint, int64_t at_unix_ms) = 0;

  virtual absl::StatusOr<ListPage> List(const ListQuery& query) const = 0;

  // Up to `max` changelog entries with seq > after_seq, in seq order.
  virtual absl::StatusOr<std::vector<ChangeEntry>> ReadChanges(uint64_t after_seq,
                                                               size_t max) const = 0;
};

}  // namespace unggul::node

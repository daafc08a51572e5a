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
#include "absl/time/time.h"
#include "common/records/records.h"
#include "common/time/clock.h"
#include "services/node/store/keys.h"
#include "unggul/node/v1/node_service.pb.h"
#include "unggul/node/v1/records.pb.h"

namespace unggul::node {

struct StoreInfo {
  std::string upt_code;
  std::string incarnation_id;
  uint64_t last_seq = 0;
  v1::RecordCounts counts;
  // Digest of the current records (export projection), maintained with every write.
  v1::RecordDigest digest;
  uint32_t format_version = 0;
  // The format this process migrated the database from at start; 0 when it was current.
  uint32_t migrated_from_format = 0;
  bool sync_writes = false;
  // Oldest changelog seq still kept (last_seq + 1 when none is kept).
  uint64_t oldest_seq = 1;
  // Highest seq the Kanwil acknowledged (persisted).
  uint64_t acked_seq = 0;
  // Newest designation publication revision received (persisted).
  uint64_t designation_revision = 0;
};

// What an earlier idempotent write returned.
struct RequestOutcome {
  std::string fingerprint;
  uint64_t seq = 0;
  v1::Record result;
  int64_t at_unix_ms = 0;  // when the first attempt was stored
};

// One step of the request-outcome retention sweep (CatalogStore::SweepRequests).
struct RequestSweep {
  int64_t deleted = 0;
  bool more = false;  // the step stopped at its limit: older outcomes may remain
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

  // Deletes the stored outcomes of requests first stored before `stored_before_unix_ms`, oldest
  // first, at most `max_entries` in one atomic step. A retry of a forgotten request is then a
  // new request. Never races a Put that stores a fresh outcome for the same id.
  virtual absl::StatusOr<RequestSweep> SweepRequests(int64_t stored_before_unix_ms,
                                                     size_t max_entries) = 0;

  // Designations the Kanwil published for this Kanwil's products, newest notice per id.
  virtual absl::StatusOr<std::vector<v1::DesignationNotice>> ListDesignations() const = 0;
};

// Every current record at one changelog position.
struct RecordSnapshot {
  uint64_t as_of_seq = 0;
  std::vector<v1::Record> records;
  v1::RecordDigest digest;
};

// The replication side of the store, used by the sync client. Same error contract.
class ChangeFeed {
 public:
  virtual ~ChangeFeed() = default;

  virtual StoreInfo Info() const = 0;

  // Up to `max` changelog entries with seq > after_seq, in seq order. FailedPrecondition when
  // entries after `after_seq` were trimmed.
  virtual absl::StatusOr<std::vector<ChangeEntry>> ReadChanges(uint64_t after_seq,
                                                               size_t max) const = 0;

  // Blocks until last_seq > after_seq (true) or `clock` reaches `deadline` or Wake is called
  // (false).
  virtual bool WaitForChange(uint64_t after_seq, const Clock& clock, absl::Time deadline) const = 0;
  // Releases every WaitForChange now.
  virtual void Wake() = 0;

  // All current records with their export-projection digest, consistent at as_of_seq.
  virtual absl::StatusOr<RecordSnapshot> ReadSnapshot() const = 0;

  // Persists the Kanwil's acknowledgement (monotonic: a lower value is ignored).
  virtual absl::Status SetAckedSeq(uint64_t seq) = 0;

  // Stores a designation notice unless a newer revision of the same designation is stored;
  // raises designation_revision. Idempotent.
  virtual absl::Status PutDesignation(const v1::DesignationNotice& notice) = 0;

  // Deletes changelog entries with seq <= min(upto_seq, acked_seq) written before
  // `written_before_unix_ms`, oldest first, at most `max_entries`. Returns the new oldest_seq.
  virtual absl::StatusOr<uint64_t> TrimChangelog(uint64_t upto_seq, int64_t written_before_unix_ms,
                                                 size_t max_entries) = 0;
};

}  // namespace unggul::node

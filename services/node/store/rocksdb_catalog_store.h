#pragma once

// CatalogStore on RocksDB (layout in keys.h). One write mutex makes seq assignment and the
// atomic WriteBatch one step, so the changelog is dense and in commit order. Reads take a
// RocksDB snapshot, so a list page never mixes two writes. Thread-safe.

#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "services/node/store/catalog_store.h"

namespace unggul {
class OwnedRocksDb;  // common/rocksdb; RocksDB stays private to this target
}  // namespace unggul

namespace unggul::node {

class RocksDbCatalogStore final : public CatalogStore, public ChangeFeed {
 public:
  // On-disk format, recorded in `meta`. 1: the first release. 2: adds the `requests_by_time`
  // retention index. 3: record counts keyed by kind number. Open migrates older databases step
  // by step; a newer format is refused.
  static constexpr uint32_t kFormatVersion = 3;

  struct Options {
    std::string path;         // database directory; created when missing
    std::string upt_code;     // the UPT that owns the database
    bool sync_writes = true;  // fsync the WAL before a write returns
    int64_t now_unix_ms = 0;  // creation time recorded in a new database
    // Writes are refused (ResourceExhausted) while less than this is free on the disk.
    uint64_t min_free_bytes = 0;
  };

  // Opens or creates the database, migrating an older format first (Info().migrated_from_format
  // tells). FailedPrecondition: the database belongs to another UPT, or has a newer format.
  // Aborted: another process has it open. DataLoss: undecodable metadata.
  static absl::StatusOr<std::unique_ptr<RocksDbCatalogStore>> Open(const Options& options);
  ~RocksDbCatalogStore() override;

  StoreInfo Info() const override;
  absl::StatusOr<v1::Record> Get(RecordKind kind, absl::string_view id) const override;
  absl::StatusOr<std::optional<RequestOutcome>> GetRequest(
      absl::string_view request_id) const override;
  absl::StatusOr<uint64_t> Put(const v1::Record& record, absl::string_view request_id,
                               absl::string_view fingerprint, int64_t at_unix_ms) override;
  absl::StatusOr<ListPage> List(const ListQuery& query) const override;
  absl::StatusOr<RequestSweep> SweepRequests(int64_t stored_before_unix_ms,
                                             size_t max_entries) override;
  absl::StatusOr<std::vector<ChangeEntry>> ReadChanges(uint64_t after_seq,
                                                       size_t max) const override;
  bool WaitForChange(uint64_t after_seq, const Clock& clock, absl::Time deadline) const override;
  void Wake() override;
  absl::StatusOr<RecordSnapshot> ReadSnapshot() const override;
  absl::Status SetAckedSeq(uint64_t seq) override;
  absl::Status PutDesignation(const v1::DesignationNotice& notice) override;
  absl::StatusOr<std::vector<v1::DesignationNotice>> ListDesignations() const override;
  absl::StatusOr<uint64_t> TrimChangelog(uint64_t upto_seq, int64_t written_before_unix_ms,
                                         size_t max_entries) override;

  // Test hook: make the next Put fail at a point inside the write (once).
  enum class Failpoint { kNone, kAfterRecordBeforeChangelog, kBeforeCommit };
  void SetFailpointForTest(Failpoint failpoint);

 private:
  RocksDbCatalogStore(std::unique_ptr<OwnedRocksDb> db, std::string upt_code,
                      std::string incarnation_id, uint32_t format_version, v1::RecordCounts counts,
                      v1::RecordDigest digest, uint64_t next_seq, uint64_t acked_seq,
                      uint64_t oldest_seq, uint64_t designation_revision, bool sync_writes);
  // The sync state with the current members, for a WriteBatch or a direct put.
  std::string SyncStateLocked(uint64_t acked_seq, uint64_t oldest_seq,
                              uint64_t designation_revision) const
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_);
  absl::Status WriteSyncStateLocked(uint64_t acked_seq, uint64_t oldest_seq)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_);

  std::unique_ptr<OwnedRocksDb> db_;
  uint32_t migrated_from_format_ = 0;  // set once in Open
  const std::string upt_code_;
  const std::string incarnation_id_;
  const uint32_t format_version_;
  const bool sync_writes_;

  mutable absl::Mutex write_mu_;
  uint64_t next_seq_ ABSL_GUARDED_BY(write_mu_);
  v1::RecordCounts counts_ ABSL_GUARDED_BY(write_mu_);
  v1::RecordDigest digest_ ABSL_GUARDED_BY(write_mu_);
  uint64_t acked_seq_ ABSL_GUARDED_BY(write_mu_);
  uint64_t oldest_seq_ ABSL_GUARDED_BY(write_mu_);
  uint64_t designation_revision_ ABSL_GUARDED_BY(write_mu_);
  uint64_t wake_generation_ ABSL_GUARDED_BY(write_mu_) = 0;
  mutable absl::CondVar changed_;
  Failpoint failpoint_ ABSL_GUARDED_BY(write_mu_) = Failpoint::kNone;
};

}  // namespace unggul::node

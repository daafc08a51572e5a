#pragma once

// KanwilStore on RocksDB (layout in keys.h). ApplyChanges and ReplaceUpt of one UPT serialise
// on a per-UPT mutex (each is one WriteBatch); SaveRegistry on its own. Thread-safe.

#include <atomic>
#include <map>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "services/aggregator/store/kanwil_store.h"
#include "services/aggregator/store/rocksdb_designation_store.h"
#include "services/aggregator/store/rocksdb_panel_store.h"
#include "services/aggregator/store/rocksdb_registry_store.h"

namespace unggul {
class OwnedRocksDb;
}  // namespace unggul

namespace unggul::aggregator {

class RocksDbKanwilStore final : public KanwilStore {
 public:
  // On-disk format, recorded in `meta`; a newer one is refused at Open. 1: the first release;
  // 2: rollup revenue keyed by Channel/BuyerRegion enum number (migrated at Open).
  static constexpr uint32_t kFormatVersion = 2;

  struct Options {
    std::string path;
    bool sync_writes = true;
    int64_t now_unix_ms = 0;
    // Writes are refused (ResourceExhausted) while less than this is free on the disk.
    uint64_t min_free_bytes = 0;
  };
  // FailedPrecondition: newer format. Aborted: in use by another process.
  static absl::StatusOr<std::unique_ptr<RocksDbKanwilStore>> Open(const Options& options);
  ~RocksDbKanwilStore() override;

  absl::StatusOr<std::optional<UptSyncState>> GetUpt(absl::string_view upt_code) const override;
  absl::StatusOr<std::vector<UptSyncState>> ListUpts() const override;
  absl::Status CommitUpt(const UptCommit& commit) override;
  absl::StatusOr<ProductPage> ListProducts(absl::string_view upt_code, node::v1::Category category,
                                           int page_size,
                                           absl::string_view page_token) const override;
  absl::StatusOr<std::optional<node::v1::Record>> FindRecord(RecordKind kind,
                                                             absl::string_view upt_code,
                                                             absl::string_view id) const override;
  absl::StatusOr<node::v1::Record> GetRecord(RecordKind kind, absl::string_view upt_code,
                                             absl::string_view id) const override;
  absl::StatusOr<std::optional<kanwil::v1::MonthlyRollup>> FindRollup(
      absl::string_view upt_code, absl::string_view product_id, uint32_t yyyymm) const override;
  absl::StatusOr<std::vector<node::v1::Record>> ListRecords(
      absl::string_view upt_code) const override;
  absl::StatusOr<std::vector<kanwil::v1::MonthlyRollup>> GetRollups(
      absl::string_view upt_code, absl::string_view product_id) const override;
  absl::StatusOr<std::vector<node::v1::Record>> ListRecordsOfKind(
      RecordKind kind, absl::string_view upt_code) const override;
  absl::StatusOr<std::vector<kanwil::v1::MonthlyRollup>> GetRollupsInRange(
      absl::string_view upt_code, absl::string_view product_id, uint32_t from_yyyymm,
      uint32_t to_yyyymm, size_t max) const override;
  uint64_t DataVersion() const override;
  uint64_t UptDataVersion(absl::string_view upt_code) const override;
  RocksDbRegistryStore& registry() override { return *registry_; }
  const RocksDbRegistryStore& registry() const override { return *registry_; }

  // The designation keyspaces (designations, audit, publications) over the same database.
  RocksDbDesignationStore& designations() { return *designations_; }
  // The panel keyspaces (assessments, verifications, incidents) over the same database.
  RocksDbPanelStore& panel() { return *panel_; }
  // Test hook: the next CommitUpt fails after the records are staged, before the HWM.
  void FailNextApplyForTest();

 private:
  explicit RocksDbKanwilStore(std::unique_ptr<OwnedRocksDb> db);

  // Writers of one UPT serialise on that UPT's mutex; different UPTs apply concurrently (their
  // keys are disjoint) and RocksDB group-commits their WriteBatches.
  absl::Mutex& UptMutex(absl::string_view upt_code);
  // After a committed write: bumps DataVersion and, when `upt_code` is not empty, its
  // UptDataVersion.
  void Changed(absl::string_view upt_code);

  std::unique_ptr<OwnedRocksDb> db_;
  std::unique_ptr<RocksDbDesignationStore> designations_;
  std::unique_ptr<RocksDbPanelStore> panel_;
  std::unique_ptr<RocksDbRegistryStore> registry_;
  absl::Mutex write_mu_;  // the test hook
  bool fail_next_apply_ ABSL_GUARDED_BY(write_mu_) = false;
  absl::Mutex upt_mu_;
  std::map<std::string, std::unique_ptr<absl::Mutex>, std::less<>> upt_mutexes_
      ABSL_GUARDED_BY(upt_mu_);
  std::atomic<uint64_t> data_version_{0};
  mutable absl::Mutex versions_mu_;
  std::map<std::string, uint64_t, std::less<>> upt_versions_ ABSL_GUARDED_BY(versions_mu_);
};

}  // namespace unggul::aggregator

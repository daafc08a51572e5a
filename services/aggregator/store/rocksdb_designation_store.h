#pragma once

// The designation keyspaces of the Kanwil database: `designations` (current state per id),
// `audit` (the hash-chained audit trail by seq) and `publications` (public changes by revision),
// over the database the RocksDbKanwilStore owns. A commit is one WriteBatch across the three.
// Thread-safe; DesignationCore serialises the workflow's writes. `db` must outlive the store.

#include <optional>
#include <vector>

#include "common/rocksdb/owned_rocks_db.h"
#include "services/aggregator/store/designation_store.h"

namespace unggul::aggregator {

class RocksDbDesignationStore final : public DesignationStore {
 public:
  explicit RocksDbDesignationStore(OwnedRocksDb& db) : db_(db) {}

  absl::StatusOr<kanwil::v1::Designation> GetDesignation(absl::string_view id) const override;
  absl::StatusOr<std::vector<kanwil::v1::Designation>> ListDesignations() const override;
  absl::StatusOr<std::optional<kanwil::v1::AuditEntry>> LastAuditEntry() const override;
  absl::StatusOr<std::vector<kanwil::v1::AuditEntry>> ReadAudit(uint64_t from_seq,
                                                                size_t max) const override;
  absl::StatusOr<uint64_t> LastPublicationRevision() const override;
  absl::StatusOr<std::vector<kanwil::v1::Publication>> ReadPublications(uint64_t after_revision,
                                                                        size_t max) const override;
  absl::Status Commit(const DesignationCommit& commit) override;

  // Test hook: overwrite one stored audit entry (to show that verification detects tampering).
  absl::Status TamperAuditEntryForTest(const kanwil::v1::AuditEntry& entry);

 private:
  OwnedRocksDb& db_;
};

}  // namespace unggul::aggregator

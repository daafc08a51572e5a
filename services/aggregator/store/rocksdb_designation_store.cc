#include "services/aggregator/store/rocksdb_designation_store.h"

#include <algorithm>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/rocksdb/rocks_status.h"
#include "common/status/echo.h"
#include "common/status/status_macros.h"
#include "rocksdb/write_batch.h"
#include "services/aggregator/store/keys.h"
#include "services/aggregator/store/rocks_scan.h"
#include "services/aggregator/store/stored_values.h"

namespace unggul::aggregator {

using namespace store_internal;  // NOLINT: the shared CF names and scan helper

absl::StatusOr<kanwil::v1::Designation> RocksDbDesignationStore::GetDesignation(
    absl::string_view id) const {
  UNGGUL_ASSIGN_OR_RETURN(DesignationKey key, DesignationKey::Create(id));
  std::string value;
  rocksdb::Status s =
      db_.db().Get(rocksdb::ReadOptions(), db_.cf(kDesignationsCf), key.Encode(), &value);
  if (s.IsNotFound())
    return absl::NotFoundError(absl::StrCat("designation ", Echo(id), " not found"));
  UNGGUL_RETURN_IF_ERROR(FromRocksStatus(s, "get designation"));
  return DecodeDesignation(value);
}

absl::StatusOr<std::vector<kanwil::v1::Designation>> RocksDbDesignationStore::ListDesignations()
    const {
  return ScanDecoded(db_.db(), db_.cf(kDesignationsCf), "", "", SIZE_MAX, &DecodeDesignation);
}

absl::StatusOr<std::optional<kanwil::v1::AuditEntry>> RocksDbDesignationStore::LastAuditEntry()
    const {
  std::unique_ptr<rocksdb::Iterator> it(
      db_.db().NewIterator(rocksdb::ReadOptions(), db_.cf(kAuditCf)));
  it->SeekToLast();
  UNGGUL_RETURN_IF_ERROR(FromRocksStatus(it->status(), "read audit"));
  if (!it->Valid()) return std::optional<kanwil::v1::AuditEntry>();
  UNGGUL_ASSIGN_OR_RETURN(kanwil::v1::AuditEntry e, DecodeAuditEntry(ToView(it->value())));
  return std::optional<kanwil::v1::AuditEntry>(std::move(e));
}

absl::StatusOr<std::vector<kanwil::v1::AuditEntry>> RocksDbDesignationStore::ReadAudit(
    uint64_t from_seq, size_t max) const {
  UNGGUL_ASSIGN_OR_RETURN(AuditKey start, AuditKey::Create(std::max<uint64_t>(from_seq, 1)));
  return ScanDecoded(db_.db(), db_.cf(kAuditCf), start.Encode(), "", max, &DecodeAuditEntry);
}

absl::StatusOr<uint64_t> RocksDbDesignationStore::LastPublicationRevision() const {
  std::unique_ptr<rocksdb::Iterator> it(
      db_.db().NewIterator(rocksdb::ReadOptions(), db_.cf(kPublicationsCf)));
  it->SeekToLast();
  UNGGUL_RETURN_IF_ERROR(FromRocksStatus(it->status(), "read publications"));
  if (!it->Valid()) return uint64_t{0};
  UNGGUL_ASSIGN_OR_RETURN(PublicationKey key, PublicationKey::Decode(ToView(it->key())));
  return key.seq();
}

absl::StatusOr<std::vector<kanwil::v1::Publication>> RocksDbDesignationStore::ReadPublications(
    uint64_t after_revision, size_t max) const {
  // No revision follows the largest one (after_revision + 1 would wrap to 0).
  if (after_revision == UINT64_MAX) return std::vector<kanwil::v1::Publication>();
  UNGGUL_ASSIGN_OR_RETURN(PublicationKey start, PublicationKey::Create(after_revision + 1));
  return ScanDecoded(db_.db(), db_.cf(kPublicationsCf), start.Encode(), "", max,
                     &DecodePublication);
}

absl::Status RocksDbDesignationStore::Commit(const DesignationCommit& commit) {
  rocksdb::WriteBatch wb;
  for (const kanwil::v1::Designation& d : commit.designations) {
    UNGGUL_ASSIGN_OR_RETURN(DesignationKey key, DesignationKey::Create(d.designation_id()));
    UNGGUL_ASSIGN_OR_RETURN(const std::string value, EncodeDesignation(d));
    UNGGUL_RETURN_IF_ERROR(
        FromRocksStatus(wb.Put(db_.cf(kDesignationsCf), key.Encode(), value), "stage"));
  }
  for (const kanwil::v1::AuditEntry& e : commit.audit) {
    UNGGUL_ASSIGN_OR_RETURN(AuditKey key, AuditKey::Create(e.seq()));
    UNGGUL_ASSIGN_OR_RETURN(const std::string value, EncodeAuditEntry(e));
    UNGGUL_RETURN_IF_ERROR(FromRocksStatus(wb.Put(db_.cf(kAuditCf), key.Encode(), value), "stage"));
  }
  for (const kanwil::v1::Publication& p : commit.publications) {
    UNGGUL_ASSIGN_OR_RETURN(PublicationKey key, PublicationKey::Create(p.revision()));
    UNGGUL_ASSIGN_OR_RETURN(const std::string value, EncodePublication(p));
    UNGGUL_RETURN_IF_ERROR(
        FromRocksStatus(wb.Put(db_.cf(kPublicationsCf), key.Encode(), value), "stage"));
  }
  return db_.Write(wb, "commit designation");
}

absl::Status RocksDbDesignationStore::TamperAuditEntryForTest(const kanwil::v1::AuditEntry& entry) {
  UNGGUL_ASSIGN_OR_RETURN(AuditKey key, AuditKey::Create(entry.seq()));
  UNGGUL_ASSIGN_OR_RETURN(const std::string value, EncodeAuditEntry(entry));
  return FromRocksStatus(db_.db().Put(db_.write_options(), db_.cf(kAuditCf), key.Encode(), value),
                         "tamper");
}

}  // namespace unggul::aggregator

#include "common/rocksdb/owned_rocks_db.h"

#include <utility>

#include "common/rocksdb/rocks_status.h"
#include "common/status/status_macros.h"
#include "rocksdb/filter_policy.h"
#include "rocksdb/table.h"

namespace unggul {

absl::StatusOr<std::unique_ptr<OwnedRocksDb>> OwnedRocksDb::Open(
    const std::string& path, const std::vector<std::string>& cf_names, bool sync_writes) {
  rocksdb::Options options;
  options.create_if_missing = true;
  options.create_missing_column_families = true;
  options.IncreaseParallelism(2);
  options.keep_log_file_num = 5;
  options.max_total_wal_size = 64 << 20;

  // Bloom filters make point lookups of absent keys (new records, first ids) cheap.
  rocksdb::BlockBasedTableOptions table;
  table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));

  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  descriptors.emplace_back(rocksdb::kDefaultColumnFamilyName, rocksdb::ColumnFamilyOptions());
  for (const std::string& name : cf_names) {
    descriptors.emplace_back(name, rocksdb::ColumnFamilyOptions(options));
  }
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(options, path, descriptors, &handles, &raw);
  std::unique_ptr<rocksdb::DB> db(raw);  // owned from the line after Open
  if (!s.ok()) {
    if (s.IsIOError() && s.ToString().find("lock") != std::string::npos) {
      return absl::AbortedError("open " + path + ": database is in use by another process (" +
                                s.ToString() + ")");
    }
    return FromRocksStatus(s, "open " + path);
  }
  auto owned = std::unique_ptr<OwnedRocksDb>(new OwnedRocksDb());
  owned->db_ = std::move(db);
  for (size_t i = 0; i < handles.size(); ++i) {
    owned->handles_.emplace(descriptors[i].name, handles[i]);
  }
  owned->write_options_.sync = sync_writes;
  return owned;
}

OwnedRocksDb::~OwnedRocksDb() {
  if (db_ == nullptr) return;
  for (auto& [name, handle] : handles_) {
    db_->DestroyColumnFamilyHandle(handle).PermitUncheckedError();
  }
  handles_.clear();
  db_->Close().PermitUncheckedError();  // best effort; the WAL makes reopen safe
}

rocksdb::ColumnFamilyHandle* OwnedRocksDb::cf(absl::string_view name) const {
  auto it = handles_.find(name);
  UNGGUL_CHECK(it != handles_.end());
  return it->second;
}

}  // namespace unggul

#pragma once

// RAII owner of a RocksDB database and its column families. Destroys the column-family
// handles before the DB (STYLE.md §2.4). Used only by `store/` classes, which never hand the
// raw handles on.
//
// Thread-safety: the DB and handles are thread-safe (RocksDB guarantees); the object itself is
// immutable after Open.

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "rocksdb/db.h"
#include "rocksdb/options.h"

namespace unggul {

class OwnedRocksDb {
 public:
  // Opens (creating if missing) the database at `path` with exactly the column families
  // `cf_names` (the default family is always opened too). `sync_writes` sets
  // write_options().sync. Errors come from FromRocksStatus (e.g. Internal on an I/O error,
  // DataLoss on corruption, Aborted when another process holds the lock).
  static absl::StatusOr<std::unique_ptr<OwnedRocksDb>> Open(
      const std::string& path, const std::vector<std::string>& cf_names, bool sync_writes);

  ~OwnedRocksDb();
  OwnedRocksDb(const OwnedRocksDb&) = delete;
  OwnedRocksDb& operator=(const OwnedRocksDb&) = delete;

  rocksdb::DB& db() { return *db_; }
  // The handle of a family passed to Open; aborts on an unknown name (a programming error).
  rocksdb::ColumnFamilyHandle* cf(absl::string_view name) const;
  const rocksdb::WriteOptions& write_options() const { return write_options_; }

 private:
  OwnedRocksDb() = default;

  std::unique_ptr<rocksdb::DB> db_;
  std::map<std::string, rocksdb::ColumnFamilyHandle*, std::less<>> handles_;
  rocksdb::WriteOptions write_options_;
};

}  // namespace unggul

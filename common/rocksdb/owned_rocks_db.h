#pragma once

// RAII owner of a RocksDB database and its column families. Destroys the column-family
// handles before the DB (STYLE.md §2.4). Used only by `store/` classes, which never hand the
// raw handles on.
//
// Thread-safety: the DB and handles are thread-safe (RocksDB guarantees); the object itself is
// immutable after Open.

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "rocksdb/db.h"
#include "rocksdb/options.h"
#include "rocksdb/write_batch.h"

namespace unggul {

// The on-disk format check every store makes at Open: FailedPrecondition when `stored` is newer
// than `supported` ("database at PATH has format 3, newer than this binary's format 2; run the
// <binary> release that wrote it (or a later one)"), DataLoss when it is 0 (none recorded). An
// older format is OK: the store migrates it.
absl::Status CheckStoredFormat(absl::string_view path, uint32_t stored, uint32_t supported,
                               absl::string_view binary);

// Brings a database from format `*version` to `target` one step at a time: `step(v)` migrates
// format v to v + 1 (InternalError when it has no step for v), then `store_version(v + 1)` records
// the new format durably, so a crash mid-way resumes after the last finished step (steps must be
// idempotent). `*version` follows the stored format.
absl::Status MigrateStepwise(uint32_t* version, uint32_t target,
                             const std::function<absl::Status(uint32_t)>& step,
                             const std::function<absl::Status(uint32_t)>& store_version);

class OwnedRocksDb {
 public:
  // Opens (creating it and missing parent directories) the database at `path` with exactly the
  // column families `cf_names` (the default family is always opened too). `sync_writes` sets
  // write_options().sync. `min_free_bytes` is the disk reserve of Write (0: none). Errors name
  // the directory: Aborted when another process holds its lock, FailedPrecondition when it is on
  // a read-only filesystem or not writable, else FromRocksStatus (DataLoss on corruption…).
  static absl::StatusOr<std::unique_ptr<OwnedRocksDb>> Open(
      const std::string& path, const std::vector<std::string>& cf_names, bool sync_writes,
      uint64_t min_free_bytes = 0);

  ~OwnedRocksDb();
  OwnedRocksDb(const OwnedRocksDb&) = delete;
  OwnedRocksDb& operator=(const OwnedRocksDb&) = delete;

  rocksdb::DB& db() { return *db_; }
  // The handle of a family passed to Open; aborts on an unknown name (a programming error).
  rocksdb::ColumnFamilyHandle* cf(absl::string_view name) const;
  const rocksdb::WriteOptions& write_options() const { return write_options_; }

  // Every store write goes through these two, so a full disk is handled in one place:
  // - While the filesystem holding the database has less than `min_free_bytes` available, the
  //   write is refused with ResourceExhausted "<context>: disk full: …; writes resume once space
  //   is freed", before RocksDB sees it (reads are unaffected). Space freed = writes resume.
  // - A write that RocksDB itself fails with "no space" is ResourceExhausted as well; RocksDB
  //   then stops accepting writes, so the next write first calls DB::Resume (after the reserve
  //   check passes) and goes ahead when that succeeds.
  // Thread-safe.
  absl::Status Write(rocksdb::WriteBatch& batch, absl::string_view context);
  // Write of a one-entry batch.
  absl::Status Put(rocksdb::ColumnFamilyHandle* cf, const rocksdb::Slice& key,
                   const rocksdb::Slice& value, absl::string_view context);
  // The reserve check and resume step alone.
  absl::Status CheckWritable(absl::string_view context);
  // Bytes available to this process on the database's filesystem (statvfs f_bavail).
  absl::StatusOr<uint64_t> FreeBytes() const;

 private:
  OwnedRocksDb() = default;

  std::string path_;
  uint64_t min_free_bytes_ = 0;
  std::atomic<bool> needs_resume_{false};  // RocksDB stopped writes after a failed write
  std::unique_ptr<rocksdb::DB> db_;
  std::map<std::string, rocksdb::ColumnFamilyHandle*, std::less<>> handles_;
  rocksdb::WriteOptions write_options_;
};

}  // namespace unggul

#include "common/rocksdb/owned_rocks_db.h"

#include <sys/statvfs.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/rocksdb/rocks_status.h"
#include "common/status/status_macros.h"
#include "rocksdb/filter_policy.h"
#include "rocksdb/table.h"

namespace unggul {

namespace {

std::string Mib(uint64_t bytes) {
  return absl::StrFormat("%.1f MiB", static_cast<double>(bytes) / (1 << 20));
}

}  // namespace

absl::StatusOr<std::unique_ptr<OwnedRocksDb>> OwnedRocksDb::Open(
    const std::string& path, const std::vector<std::string>& cf_names, bool sync_writes,
    uint64_t min_free_bytes) {
  std::error_code ec;
  std::filesystem::create_directories(path, ec);
  if (ec) {
    return absl::FailedPreconditionError(
        absl::StrCat("data directory ", path, " cannot be created: ", ec.message()));
  }
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
    const std::string what = s.ToString();
    if (what.find("Read-only file system") != std::string::npos) {
      return absl::FailedPreconditionError(
          absl::StrCat("data directory ", path,
                       " is on a read-only filesystem; the database needs to write (", what, ")"));
    }
    if (what.find("Permission denied") != std::string::npos) {
      return absl::FailedPreconditionError(
          absl::StrCat("data directory ", path, " is not writable by this user (", what, ")"));
    }
    if (s.IsIOError() && what.find("lock") != std::string::npos) {
      return absl::AbortedError(absl::StrCat(
          "data directory ", path,
          " is in use by another process (a second server on the same --data_dir?): ", what));
    }
    return FromRocksStatus(s, "open " + path);
  }
  auto owned = std::unique_ptr<OwnedRocksDb>(new OwnedRocksDb());
  owned->db_ = std::move(db);
  for (size_t i = 0; i < handles.size(); ++i) {
    owned->handles_.emplace(descriptors[i].name, handles[i]);
  }
  owned->write_options_.sync = sync_writes;
  owned->path_ = path;
  owned->min_free_bytes_ = min_free_bytes;
  return owned;
}

absl::Status MigrateStepwise(uint32_t* version, uint32_t target,
                             const std::function<absl::Status(uint32_t)>& step,
                             const std::function<absl::Status(uint32_t)>& store_version) {
  while (*version < target) {
    UNGGUL_RETURN_IF_ERROR(step(*version));
    UNGGUL_RETURN_IF_ERROR(store_version(*version + 1));
    ++*version;
  }
  return absl::OkStatus();
}

absl::Status CheckStoredFormat(absl::string_view path, uint32_t stored, uint32_t supported,
                               absl::string_view binary) {
  if (stored > supported) {
    return absl::FailedPreconditionError(absl::StrCat(
        "database at ", path, " has format ", stored, ", newer than this binary's format ",
        supported, "; run the ", binary, " release that wrote it (or a later one)"));
  }
  if (stored == 0) {
    return absl::DataLossError(absl::StrCat("database at ", path, " records no format version"));
  }
  return absl::OkStatus();
}

absl::StatusOr<uint64_t> OwnedRocksDb::FreeBytes() const {
  struct statvfs st;
  if (statvfs(path_.c_str(), &st) != 0) {
    return absl::InternalError(absl::StrCat("statvfs ", path_, ": ", std::strerror(errno)));
  }
  return static_cast<uint64_t>(st.f_bavail) * st.f_frsize;
}

absl::Status OwnedRocksDb::CheckWritable(absl::string_view context) {
  if (min_free_bytes_ > 0) {
    absl::StatusOr<uint64_t> free = FreeBytes();
    if (!free.ok()) return free.status();
    if (*free < min_free_bytes_) {
      return absl::ResourceExhaustedError(absl::StrCat(
          context, ": disk full: ", Mib(*free), " free in ", path_, ", below the reserve of ",
          Mib(min_free_bytes_), "; writes resume once space is freed (reads go on)"));
    }
  }
  if (needs_resume_.load()) {
    rocksdb::Status s = db_->Resume();
    if (!s.ok()) {
      return absl::ResourceExhaustedError(
          absl::StrCat(context, ": the database stopped writing after a full disk and cannot ",
                       "resume yet (", s.ToString(), "); writes resume once space is freed"));
    }
    needs_resume_.store(false);
  }
  return absl::OkStatus();
}

absl::Status OwnedRocksDb::Put(rocksdb::ColumnFamilyHandle* cf, const rocksdb::Slice& key,
                               const rocksdb::Slice& value, absl::string_view context) {
  rocksdb::WriteBatch batch;
  if (absl::Status s = FromRocksStatus(batch.Put(cf, key, value), context); !s.ok()) return s;
  return Write(batch, context);
}

absl::Status OwnedRocksDb::Write(rocksdb::WriteBatch& batch, absl::string_view context) {
  if (absl::Status s = CheckWritable(context); !s.ok()) return s;
  rocksdb::Status s = db_->Write(write_options_, &batch);
  if (s.ok()) return absl::OkStatus();
  if (s.IsNoSpace() || s.IsIOError()) needs_resume_.store(true);
  if (s.IsNoSpace()) {
    return absl::ResourceExhaustedError(absl::StrCat(context, ": disk full in ", path_, " (",
                                                     s.ToString(),
                                                     "); writes resume once space is freed"));
  }
  return FromRocksStatus(s, context);
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

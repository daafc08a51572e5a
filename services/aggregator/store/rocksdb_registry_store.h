#pragma once

// The `registry` keyspace of the Kanwil database: every version of the UPT registry ever
// loaded, keyed by version (RegistryKey), each a StoredRegistry; the highest is in force. Saving
// calls `changed` (rankings depend on the registry). Thread-safe; `db` must outlive the store.

#include <functional>
#include <optional>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "common/rocksdb/owned_rocks_db.h"
#include "services/aggregator/store/kanwil_store.h"

namespace unggul::aggregator {

class RocksDbRegistryStore final : public RegistryStore {
 public:
  RocksDbRegistryStore(OwnedRocksDb& db, std::function<void(absl::string_view)> changed)
      : db_(db), changed_(std::move(changed)) {}

  absl::StatusOr<std::optional<Registry>> LatestRegistry() const override;
  absl::StatusOr<uint64_t> SaveRegistry(const std::vector<RegistryEntry>& entries,
                                        absl::string_view content_hash,
                                        int64_t now_unix_ms) override;

 private:
  OwnedRocksDb& db_;
  const std::function<void(absl::string_view)> changed_;
  absl::Mutex write_mu_;  // one save at a time: versions are dense
};

}  // namespace unggul::aggregator

#pragma once

// In-memory CatalogStore for core tests. Same contract as the RocksDB store (dense seq, atomic
// put), plus FailNextCall to inject a store error. Thread-safe.

#include <map>
#include <string>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "services/node/store/catalog_store.h"

namespace unggul::node {

class FakeCatalogStore final : public CatalogStore {
 public:
  explicit FakeCatalogStore(std::string upt_code);

  // The next call of any method returning a status returns `status` instead (once).
  void FailNextCall(absl::Status status);
  // Number of successful Put calls.
  int put_count() const;

  StoreInfo Info() const override;
  absl::StatusOr<v1::Record> Get(RecordKind kind, absl::string_view id) const override;
  absl::StatusOr<std::optional<RequestOutcome>> GetRequest(
      absl::string_view request_id) const override;
  absl::StatusOr<uint64_t> Put(const v1::Record& record, absl::string_view request_id,
                               absl::string_view fingerprint, int64_t at_unix_ms) override;
  absl::StatusOr<ListPage> List(const ListQuery& query) const override;
  absl::StatusOr<RequestSweep> SweepRequests(int64_t stored_before_unix_ms,
                                             size_t max_entries) override;
  absl::StatusOr<std::vector<v1::DesignationNotice>> ListDesignations() const override;
  void AddDesignation(v1::DesignationNotice notice);
  // Up to `max` writes after `after_seq`, as the changelog would hold them.
  std::vector<ChangeEntry> Changes(uint64_t after_seq, size_t max) const;

 private:
  absl::Status TakeFailure() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const std::string upt_code_;
  mutable absl::Mutex mu_;
  mutable absl::Status next_failure_ ABSL_GUARDED_BY(mu_);
  std::map<std::pair<RecordKind, std::string>, v1::Record> records_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, RequestOutcome> requests_ ABSL_GUARDED_BY(mu_);
  std::vector<ChangeEntry> changes_ ABSL_GUARDED_BY(mu_);
  std::vector<v1::DesignationNotice> designations_ ABSL_GUARDED_BY(mu_);
};

}  // namespace unggul::node

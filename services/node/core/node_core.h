#pragma once

// Domain rules of a UPT node: validation, idempotent writes, record lifecycle. Sees only the
// CatalogStore interface and an injected Clock; no gRPC, no RocksDB.
//
// Codes returned (beyond the store's): InvalidArgument (a field breaks a rule; the message names
// it), NotFound (unknown record or product), AlreadyExists (id taken by a different record, or
// request_id reused with a different payload), FailedPrecondition (product not ACTIVE for a
// batch; update/retire of a DISCONTINUED product; a settlement overlapping another of the same
// product), Aborted (expected_version mismatch).
//
// Thread-safety: all methods may be called concurrently. Writes are serialised by one mutex,
// so each check-then-write is atomic. `store` and `clock` must outlive the core.

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "common/time/clock.h"
#include "services/node/core/sync_status.h"
#include "services/node/core/sync_waiters.h"
#include "services/node/core/validation.h"
#include "services/node/store/catalog_store.h"
#include "unggul/node/v1/node_service.pb.h"

namespace unggul::node {

// A write's outcome: the stored record and whether nothing was written (a replay).
template <typename T>
struct Written {
  T value;
  bool replayed = false;
};

class NodeCore {
 public:
  NodeCore(CatalogStore& store, const Clock& clock);

  // Optional; without it NodeInfo.sync shows sync as off. `sync` must outlive the core.
  // Also subscribes the pending WaitForSync calls to its changes.
  void SetSyncStatusProvider(SyncStatusProvider* sync);
  // The largest page a list call may ask for (1..1000, default 1000; --max_page_size). Call
  // before serving.
  void SetMaxPageSize(int max) { max_page_size_ = max; }

  v1::NodeInfo GetNodeInfo() const;
  // WaitForSync without a thread: `done` runs exactly once (possibly before this returns, or on
  // another thread) with the node info once the Kanwil acknowledged min_acked_seq (default the
  // last seq) and min_designation_revision arrived, DeadlineExceeded after `timeout`, Cancelled
  // after CancelWait(id). FailedPrecondition without sync configured, ResourceExhausted beyond the
  // pending-wait limits (SyncWaiters: in total and per `caller`, e.g. the peer's identity or
  // host); `done` never runs then.
  absl::StatusOr<uint64_t> StartWaitForSync(const v1::WaitForSyncRequest& request,
                                            absl::Duration timeout, const std::string& caller,
                                            std::function<void(absl::StatusOr<v1::NodeInfo>)> done);
  void CancelWait(uint64_t id);
  int pending_waits() const { return waiters_->pending(); }
  absl::StatusOr<Written<v1::Product>> CreateProduct(const v1::CreateProductRequest& request);
  absl::StatusOr<Written<v1::Product>> UpdateProduct(const v1::UpdateProductRequest& request);
  absl::StatusOr<Written<v1::Product>> RetireProduct(const v1::RetireProductRequest& request);
  absl::StatusOr<v1::Product> GetProduct(absl::string_view product_id) const;
  absl::StatusOr<v1::ListProductsResponse> ListProducts(
      const v1::ListProductsRequest& request) const;

  // Every record kind but products, one path (the typed Record*/Get*/List* RPCs and the generic
  // WriteRecord/GetRecord/ListRecords RPCs all come here):
  //
  // WriteRecord: the kind's rules (validation.h RulesFor; InvalidArgument for products, which
  // have the three calls above, and for a record without a kind), then, under the write mutex:
  // the outcome stored for `request_id` (a replay, or AlreadyExists for another payload); the
  // owning product (NotFound) and the kind's product rules; the id (a replay when it holds the
  // same content, AlreadyExists otherwise); settlements must not overlap (FailedPrecondition).
  // The request fingerprint is the one the typed Record<Kind>Request{request_id, record} has, so
  // a retry through either API, or of a request stored by an earlier version, is recognised.
  absl::StatusOr<Written<v1::Record>> WriteRecord(v1::Record record, absl::string_view request_id);
  // InvalidArgument "<id field>: is required" for an empty id; NotFound for an unknown one.
  absl::StatusOr<v1::Record> GetRecord(RecordKind kind, absl::string_view id) const;
  // One page of a kind, filtered by product and by the kind's main date (from/to inclusive).
  // InvalidArgument for a product or date filter on a kind without a date (products).
  absl::StatusOr<ListPage> ListRecords(RecordKind kind,
                                       const v1::ListRecordsRequest& request) const;

  absl::StatusOr<v1::ListDesignationsResponse> ListDesignations(
      const v1::ListDesignationsRequest& request) const;

  // Retention of idempotency outcomes: forgets the stored outcome of every request first stored
  // more than `retention` ago (by the injected clock), in steps of `step` outcomes so writes
  // interleave. A retry of a forgotten request_id is then a new request (for an immutable record
  // with an unchanged id it still writes nothing twice: the id is taken). Returns the number
  // forgotten. InvalidArgument if retention is negative or step is 0.
  absl::StatusOr<int64_t> ForgetOldRequests(absl::Duration retention, size_t step = 1000);

 private:
  ValidationContext Context() const;
  // Idempotency check: the earlier outcome for `request_id`, AlreadyExists when the payload
  // differs, nullopt when unused.
  absl::StatusOr<std::optional<v1::Record>> Replay(absl::string_view request_id,
                                                   const std::string& fingerprint) const
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_);
  // Stateful checks and write of an immutable record whose stateless rules passed.
  absl::StatusOr<Written<v1::Record>> WriteImmutableLocked(v1::Record record,
                                                           const KindRules& rules,
                                                           absl::string_view request_id,
                                                           const std::string& fingerprint)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_);
  // FailedPrecondition naming the other settlement when a settlement of the same product covers
  // any month of `settlement`'s period (they would be summed twice into the ranking).
  absl::Status CheckNoOverlap(const v1::Settlement& settlement) const
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_);

  CatalogStore& store_;
  int max_page_size_ = 1000;
  const Clock& clock_;
  std::atomic<const SyncStatusProvider*> sync_{nullptr};
  std::unique_ptr<SyncWaiters> waiters_;
  absl::Mutex write_mu_;
};

}  // namespace unggul::node

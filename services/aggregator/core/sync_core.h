#pragma once

// The aggregator's side of KanwilSync (DESIGN.md "Sync protocol"): Hello -> Welcome or
// SnapshotRequired, exactly-once apply of contiguous batches (duplicates skipped, gaps
// refused), snapshot staging and atomic replacement, heartbeats. No gRPC: the reactor feeds it
// one message at a time per stream (SyncSession) and sends what it returns.
//
// Errors end the stream with that status: PermissionDenied (UPT not in the registry),
// FailedPrecondition (protocol version, gap, out-of-order message), InvalidArgument (malformed
// message, record of another UPT), ResourceExhausted (over a size limit), DataLoss (snapshot
// count or digest mismatch), plus store errors. Thread-safe; sessions are not shared.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "common/time/clock.h"
#include "services/aggregator/core/replica_apply.h"
#include "services/aggregator/store/designation_store.h"
#include "services/aggregator/store/kanwil_store.h"
#include "unggul/sync/v1/sync.pb.h"

namespace unggul::aggregator {

struct SyncLimits {
  uint32_t max_batch_bytes = 1 << 20;  // told to nodes; checked on arrival (+ slack)
  uint32_t max_inflight_batches = 8;   // told to nodes
  uint32_t max_changes_per_batch = 10000;
  size_t max_snapshot_bytes = 256u << 20;  // staged in memory until SnapshotEnd
  // A UPT's stream silent for longer (no message, no heartbeat: nodes send one every 5 s) is
  // taken for dead when another node process says Hello, and replaced; within it, the second
  // process is refused as a copy of a live node.
  absl::Duration silent_stream_timeout = absl::Seconds(15);
};

// Ends a stream from outside (the transport's TryCancel), until the stream is closed; then a
// no-op. Thread-safe.
class StreamCanceller {
 public:
  explicit StreamCanceller(std::function<void()> cancel) : cancel_(std::move(cancel)) {}
  void Cancel() {
    absl::MutexLock lock(&mu_);
    if (cancel_) cancel_();
  }
  void Disarm() {
    absl::MutexLock lock(&mu_);
    cancel_ = nullptr;
  }

 private:
  absl::Mutex mu_;
  std::function<void()> cancel_ ABSL_GUARDED_BY(mu_);
};

// Per-stream state. Owned by one stream, touched by one task at a time.
struct SyncSession {
  enum class Phase { kAwaitHello, kStreaming, kSnapshot, kSnapshotAcked };
  Phase phase = Phase::kAwaitHello;
  std::string upt_code;
  std::string incarnation_id;
  uint64_t snapshot_id = 0;
  std::vector<node::v1::Record> staged;
  size_t staged_bytes = 0;
  bool registered = false;            // the UPT's one live stream (LiveState)
  uint64_t designation_revision = 0;  // newest publication the node has (from Hello)
  std::string process_id;             // from Hello
  // Set by the transport under mutual TLS: the UPT the peer's certificate names (the only one
  // its Hello may name), or why the peer may not sync at all.
  bool require_identity = false;
  std::string certified_upt;
  std::string admission_error;
  uint64_t stream_id = 0;  // set when the session holds the UPT's live stream
  // Set by the transport: the peer's address (for messages) and how to end this stream when a
  // newer stream of the same node process replaces it.
  std::string peer;
  std::shared_ptr<StreamCanceller> canceller;
};

// Live (not persisted) view of a UPT's stream. One stream per UPT at a time.
struct LiveState {
  int connections = 0;  // 0 or 1
  int64_t last_seen_unix_ms = 0;
  uint64_t node_last_seq = 0;
  uint64_t stream_id = 0;  // which session holds the UPT
  std::string process_id;
  std::string peer;
  int64_t connected_since_unix_ms = 0;
  std::shared_ptr<StreamCanceller> canceller;
  // Alarms since start: a second process refused, a diverged digest.
  int64_t alarms = 0;
  std::string last_alarm;
};

class SyncCore {
 public:
  SyncCore(KanwilStore& store, const Clock& clock, SyncLimits limits);

  // Installs the registry (also stored as a new version when it changed). Returns the version.
  absl::StatusOr<uint64_t> LoadRegistry(const std::vector<RegistryEntry>& entries,
                                        const std::string& content_hash);
  std::vector<RegistryEntry> Registry() const;
  uint64_t registry_version() const;
  bool InRegistry(const std::string& upt_code) const;
  // The registry UPT owning a record id (the longest code that prefixes it with "-"); "" if none.
  std::string OwnerOf(absl::string_view record_id) const;

  // Handles one node message; returns the replies to send in order. Records are moved out of
  // `message` (the caller reuses it for the next read).
  absl::StatusOr<std::vector<sync::v1::AggregatorMessage>> Handle(SyncSession& session,
                                                                  sync::v1::NodeMessage& message);
  absl::StatusOr<std::vector<sync::v1::AggregatorMessage>> Handle(
      SyncSession& session, const sync::v1::NodeMessage& message) {
    sync::v1::NodeMessage copy = message;
    return Handle(session, copy);
  }
  // The stream of `session` ended.
  void Closed(SyncSession& session);

  std::map<std::string, LiveState> Live() const;

  // Where designation publications are read from for nodes catching up (optional).
  void SetDesignationStore(const DesignationStore* store) { designations_ = store; }
  // Publications after `revision` as node-facing updates, oldest first (empty without a store).
  absl::StatusOr<std::vector<sync::v1::AggregatorMessage>> DesignationsAfter(
      uint64_t revision) const;

 private:
  absl::StatusOr<std::vector<sync::v1::AggregatorMessage>> OnHello(SyncSession& session,
                                                                   const sync::v1::Hello& hello);
  absl::StatusOr<std::vector<sync::v1::AggregatorMessage>> OnBatch(SyncSession& session,
                                                                   sync::v1::ChangeBatch& batch);
  absl::Status OnChunk(SyncSession& session, sync::v1::SnapshotChunk& chunk);
  absl::StatusOr<std::vector<sync::v1::AggregatorMessage>> OnSnapshotEnd(
      SyncSession& session, const sync::v1::SnapshotEnd& end);
  absl::Status CheckOwned(const SyncSession& session, const node::v1::Record& record) const;
  // Takes the UPT's one live stream for `session`: replaces a stale stream of the same node
  // process (cancelled), refuses (AlreadyExists) while another process holds it.
  absl::Status Claim(SyncSession& session);
  // Whether the node's digest at `seq` matches the replica; a mismatch at the HWM raises an alarm
  // and marks the UPT for a snapshot (FailedPrecondition).
  absl::Status CheckDigest(const SyncSession& session, uint64_t seq,
                           const node::v1::RecordDigest& node_digest, const UptSyncState& state);
  void Alarm(const std::string& upt_code, const std::string& text);
  void Touch(const std::string& upt_code, uint64_t node_last_seq);

  KanwilStore& store_;
  const Clock& clock_;
  const SyncLimits limits_;
  const DesignationStore* designations_ = nullptr;

  mutable absl::Mutex mu_;
  std::map<std::string, RegistryEntry> registry_ ABSL_GUARDED_BY(mu_);
  uint64_t registry_version_ ABSL_GUARDED_BY(mu_) = 0;
  std::map<std::string, LiveState> live_ ABSL_GUARDED_BY(mu_);
  uint64_t next_snapshot_id_ ABSL_GUARDED_BY(mu_) = 1;
  uint64_t next_stream_id_ ABSL_GUARDED_BY(mu_) = 1;
  // UPTs whose node history diverged from the replica: their next Hello gets a snapshot.
  std::set<std::string> diverged_ ABSL_GUARDED_BY(mu_);
};

}  // namespace unggul::aggregator

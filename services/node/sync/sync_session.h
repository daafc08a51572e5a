#pragma once

// The node's side of the sync protocol as a pure core, mirroring the aggregator's SyncCore: what
// one connection sends and when, given the Kanwil's answers, the changelog and the clock. No
// gRPC, no threads, no store access: SyncClient (the transport) reads the changelog, feeds this
// class the Kanwil's messages and the time, and writes what it returns. Not thread-safe: the
// transport serialises calls.
//
// One connection: Hello(); the first answer (OnFirstAnswer) sets the limits (the smaller of
// ours and the Kanwil's) and says whether a snapshot goes first (SnapshotMessages, then its
// ack); then batches of consecutive changes (NextBatch), at most `window` unacknowledged, each
// at most `max_bytes`; a heartbeat when nothing was sent for `heartbeat`; acks free the window.

#include <cstdint>
#include <deque>
#include <optional>
#include <random>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/node/store/catalog_store.h"
#include "unggul/sync/v1/sync.pb.h"

namespace unggul::node {

struct SyncOptions {
  std::string aggregator_addr;  // host:port (shown in status)
  uint32_t max_batch_bytes = 256 * 1024;
  uint32_t max_changes_per_batch = 1000;
  uint32_t window = 8;  // unacknowledged batches in flight
  absl::Duration heartbeat = absl::Seconds(5);
  absl::Duration initial_backoff = absl::Milliseconds(200);
  absl::Duration max_backoff = absl::Seconds(30);
  // Changelog entries are trimmed once acknowledged and older than this.
  absl::Duration retention = absl::Hours(24 * 7);
  std::string software_version = "0.2.0";
  // Random per process start (32 hex characters; NewProcessId): tells a reconnect of this process
  // from a second process on a copy of the same database.
  std::string process_id;
};

// 32 random hex characters for SyncOptions::process_id.
std::string NewProcessId();

class SyncSession {
 public:
  SyncSession(const SyncOptions& options, absl::Time now);

  // The Hello of a node in state `info`.
  sync::v1::NodeMessage Hello(const StoreInfo& info) const;

  // The Kanwil's answer to Hello. Welcome: stream after its resume_after_seq. SnapshotRequired:
  // the snapshot goes first (snapshot_required() is true until OnSnapshotAck). Either sets the
  // limits: the smaller of ours and the Kanwil's bytes and window (a window of at least 1).
  // FailedPrecondition for any other message.
  absl::Status OnFirstAnswer(const sync::v1::AggregatorMessage& answer);
  bool snapshot_required() const { return snapshot_id_.has_value(); }

  // The snapshot as messages: the records' export projections in chunks of at most max_bytes
  // (a record larger than that goes alone), then SnapshotEnd with the count and digest.
  std::vector<sync::v1::NodeMessage> SnapshotMessages(RecordSnapshot snapshot) const;
  // The Kanwil's ack of the snapshot: streaming resumes after `upto_seq`; nothing is in flight.
  void OnSnapshotAck(uint64_t upto_seq);

  // Streaming. The changelog seq NextBatch expects first.
  uint64_t next_seq() const { return next_seq_; }
  bool window_full() const { return inflight_.size() >= window_; }
  size_t inflight() const { return inflight_.size(); }
  uint32_t max_bytes() const { return max_bytes_; }
  uint32_t window() const { return window_; }
  // One batch of `changes` (consecutive, starting at next_seq(), not empty): as many as fit in
  // max_bytes (at least one), projected for export. Marks it in flight; the rest of `changes`
  // is left for the next call.
  sync::v1::NodeMessage NextBatch(std::vector<ChangeEntry>& changes, absl::Time now);
  // A heartbeat carrying the node's last_seq and its digest there, when nothing was sent for the
  // heartbeat interval (the Kanwil checks the digest when its HWM is at that seq).
  std::optional<sync::v1::NodeMessage> HeartbeatIfDue(const StoreInfo& info, absl::Time now);
  // An ack from the Kanwil: every batch up to `upto_seq` leaves the window.
  void OnAck(uint64_t upto_seq);

  // Trim policy: true at most once a minute (the trim itself is the store's).
  bool TrimDue(absl::Time now);

 private:
  const SyncOptions& options_;
  std::optional<uint64_t> snapshot_id_;
  uint32_t max_bytes_ = 0;
  uint32_t window_ = 1;
  uint64_t next_seq_ = 1;
  std::deque<uint64_t> inflight_;  // last seq of each unacknowledged batch
  absl::Time last_sent_;
  absl::Time last_trim_ = absl::InfinitePast();
};

// Reconnect pacing: jittered exponential backoff (each wait uniform in [b/2, b], b doubling from
// initial_backoff to max_backoff); a connection that lived longer than max_backoff starts again
// from initial_backoff. Not thread-safe.
class ReconnectBackoff {
 public:
  ReconnectBackoff(const SyncOptions& options, uint64_t seed);
  // The wait before the next attempt, for a connection that lasted `lived`.
  absl::Duration Next(absl::Duration lived);

 private:
  const SyncOptions& options_;
  absl::Duration backoff_;
  std::mt19937_64 rng_;
};

}  // namespace unggul::node

#pragma once

// The node's replication client: the transport around SyncSession (sync_session.h), one bidi
// stream to KanwilSync.Sync (DESIGN.md "Sync client"). Dials out, says Hello, then streams the
// changelog after the Kanwil's high-water mark (or a snapshot when asked), at most `window`
// unacknowledged batches in flight, each at most `max_batch_bytes`. Reconnects with jittered
// exponential backoff. Trims the changelog only below the acknowledged seq and after `retention`.
//
// Threads: Start() runs the connection loop on its own thread; each connection adds a reader
// thread (acks, heartbeats). The node holds exactly one stream, so the blocking API with a
// reader/writer thread pair is used (the aggregator's fan-in uses the callback API).
// Thread-safe; `feed` and `clock` must outlive the client.

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/time/clock.h"
#include "grpcpp/channel.h"
#include "grpcpp/client_context.h"
#include "grpcpp/support/channel_arguments.h"
#include "services/node/core/sync_inbox.h"
#include "services/node/core/sync_status.h"
#include "services/node/store/catalog_store.h"
#include "services/node/sync/sync_session.h"
#include "unggul/sync/v1/sync.grpc.pb.h"

namespace unggul::node {

// Channel arguments for slow, idle prison links: keepalive pings on an idle connection
// (GRPC_ARG_HTTP2_MAX_PINGS_WITHOUT_DATA=0 lets them continue without data on 1.51).
grpc::ChannelArguments SyncChannelArguments();

class SyncClient final : public SyncStatusProvider {
 public:
  SyncClient(ChangeFeed& feed, const Clock& clock, std::shared_ptr<grpc::Channel> channel,
             SyncOptions options);
  ~SyncClient() override;  // Stop()s

  void Start();
  // Cancels the stream, wakes every wait and joins. Idempotent.
  void Stop();

  // One connection: Hello, then stream until the stream breaks or Stop. Returns why it ended.
  absl::Status RunOnce();

  v1::SyncStatus Status() const override;
  absl::Status WaitForAck(uint64_t seq, absl::Time deadline) const override;
  absl::Status WaitForDesignation(uint64_t revision, absl::Time deadline) const override;
  void SetChangeListener(std::function<void()> listener) override;
  bool stopping() const override { return stopping_.load(); }

  // Largest number of unacknowledged batches seen in flight (for the flow-control test).
  int max_inflight_seen() const;

 private:
  using Stream = grpc::ClientReaderWriter<sync::v1::NodeMessage, sync::v1::AggregatorMessage>;

  void Loop();
  void ReadLoop(Stream* stream);
  // Streams the changelog after the session's next seq until the stream ends or Stop.
  absl::Status StreamChanges(Stream& stream);
  absl::Status SendSnapshot(Stream& stream);
  // FailedPrecondition (nothing recorded) for an ack beyond the node's last seq.
  absl::Status OnAck(uint64_t upto_seq);
  void MaybeTrim();
  // Runs the change listener (never under mu_: it reads Status()).
  void NotifyListener();

  ChangeFeed& feed_;
  SyncInbox inbox_;  // acks and designations go through the node core's checks
  const Clock& clock_;
  std::unique_ptr<sync::v1::KanwilSync::Stub> stub_;
  const SyncOptions options_;

  std::atomic<bool> stopping_{false};
  std::thread thread_;

  mutable absl::Mutex mu_;
  mutable absl::CondVar cv_;  // acks, stream end, stop
  grpc::ClientContext* context_ ABSL_GUARDED_BY(mu_) = nullptr;
  bool connected_ ABSL_GUARDED_BY(mu_) = false;
  bool stream_done_ ABSL_GUARDED_BY(mu_) = false;
  // Set by the reader when the session must end because of a local failure (a designation
  // notice that could not be stored); the session returns it.
  absl::Status read_error_ ABSL_GUARDED_BY(mu_);
  bool server_closed_before_welcome_ ABSL_GUARDED_BY(mu_) = false;
  // The protocol state of the current connection (windowing, heartbeats, trim policy).
  std::optional<SyncSession> session_ ABSL_GUARDED_BY(mu_);
  int max_inflight_seen_ ABSL_GUARDED_BY(mu_) = 0;
  std::function<void()> listener_ ABSL_GUARDED_BY(mu_);
  uint64_t acked_seq_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t last_ack_unix_ms_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t aggregator_hwm_ ABSL_GUARDED_BY(mu_) = 0;
  std::string last_error_ ABSL_GUARDED_BY(mu_);
  int64_t connects_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t snapshots_sent_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace unggul::node

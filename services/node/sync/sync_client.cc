#include "services/node/sync/sync_client.h"

#include <algorithm>
#include <optional>
#include <random>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/log/log.h"
#include "common/records/records.h"
#include "common/status/grpc_status.h"
#include "common/status/status_macros.h"
#include "grpcpp/support/channel_arguments.h"

namespace unggul::node {
namespace {

namespace s1 = ::unggul::sync::v1;

std::string StatusText(const absl::Status& s) {
  return absl::StrCat(absl::StatusCodeToString(s.code()), ": ", s.message());
}

}  // namespace

grpc::ChannelArguments SyncChannelArguments() {
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_KEEPALIVE_TIME_MS, 30'000);
  args.SetInt(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, 10'000);
  args.SetInt(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
  args.SetInt(GRPC_ARG_HTTP2_MAX_PINGS_WITHOUT_DATA, 0);
  // Reconnect pacing is ours (jittered backoff); keep gRPC's own short.
  args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 100);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 2'000);
  return args;
}

SyncClient::SyncClient(ChangeFeed& feed, const Clock& clock, std::shared_ptr<grpc::Channel> channel,
                       SyncOptions options)
    : feed_(feed),
      inbox_(feed),
      clock_(clock),
      stub_(s1::KanwilSync::NewStub(channel)),
      options_(std::move(options)) {
  absl::MutexLock lock(&mu_);
  acked_seq_ = feed_.Info().acked_seq;
}

SyncClient::~SyncClient() { Stop(); }

void SyncClient::Start() {
  thread_ = std::thread([this] { Loop(); });
}

void SyncClient::Stop() {
  stopping_ = true;
  {
    absl::MutexLock lock(&mu_);
    if (context_ != nullptr) context_->TryCancel();
    cv_.SignalAll();
  }
  NotifyListener();
  feed_.Wake();
  if (thread_.joinable()) thread_.join();
}

void SyncClient::Loop() {
  ReconnectBackoff backoff(options_, std::random_device{}());
  while (!stopping()) {
    const absl::Time started = clock_.Now();
    absl::Status s = RunOnce();
    if (stopping()) break;
    {
      absl::MutexLock lock(&mu_);
      last_error_ = StatusText(s);
    }
    log::Warn("sync stream ended",
              {{"aggregator", options_.aggregator_addr}, {"status", StatusText(s)}});
    const absl::Time until = clock_.Now() + backoff.Next(clock_.Now() - started);
    absl::MutexLock lock(&mu_);
    while (!stopping() && !clock_.WaitWithDeadline(cv_, mu_, until)) {
    }
  }
}

absl::Status SyncClient::RunOnce() {
  grpc::ClientContext context;
  {
    absl::MutexLock lock(&mu_);
    if (stopping()) return absl::UnavailableError("stopping");
    context_ = &context;
    stream_done_ = false;
    ++connects_;
  }
  std::unique_ptr<Stream> stream = stub_->Sync(&context);
  {
    absl::MutexLock lock(&mu_);
    session_.emplace(options_, clock_.Now());
  }
  s1::NodeMessage hello;
  {
    absl::MutexLock lock(&mu_);
    hello = session_->Hello(feed_.Info());
  }

  absl::Status result;
  s1::AggregatorMessage first;
  if (!stream->Write(hello) || !stream->Read(&first)) {
    absl::MutexLock lock(&mu_);
    server_closed_before_welcome_ = true;
    result = absl::UnavailableError("stream closed before Welcome");
  } else {
    bool snapshot = false;
    {
      absl::MutexLock lock(&mu_);
      result = session_->OnFirstAnswer(first);
      snapshot = session_->snapshot_required();
    }
    if (result.ok() && snapshot) {
      log::Info("snapshot requested",
                {{"reason", s1::SnapshotReason_Name(first.snapshot_required().reason())}});
      result = SendSnapshot(*stream);
      if (result.ok()) {
        s1::AggregatorMessage ack;
        // The snapshot ack arrives before anything else on this stream.
        if (!stream->Read(&ack) || !ack.has_ack()) {
          absl::MutexLock lock(&mu_);
          server_closed_before_welcome_ = true;  // the server's status says why
          result = absl::UnavailableError("stream closed before the snapshot was acknowledged");
        } else {
          {
            // Counted before OnAck wakes the waiters, so a caller that saw the ack sees the
            // count.
            absl::MutexLock lock(&mu_);
            ++snapshots_sent_;
            session_->OnSnapshotAck(ack.ack().upto_seq());
          }
          result = OnAck(ack.ack().upto_seq());
        }
      }
    }
    if (result.ok()) result = StreamChanges(*stream);
  }
  // Collect the server's status: it explains most endings. When the server has not ended the
  // stream (we stop, or our side failed), cancel first so Finish cannot block on a dead link.
  bool server_ended = false;
  {
    absl::MutexLock lock(&mu_);
    server_ended = stream_done_ || server_closed_before_welcome_;
    server_closed_before_welcome_ = false;
  }
  if (!server_ended) context.TryCancel();
  grpc::Status finish = stream->Finish();
  {
    absl::MutexLock lock(&mu_);
    connected_ = false;
    context_ = nullptr;
    cv_.SignalAll();
  }
  if (!finish.ok() && finish.error_code() != grpc::StatusCode::CANCELLED) {
    return FromGrpcStatus(finish);
  }
  return result.ok() ? absl::UnavailableError("stream ended") : result;
}

absl::Status SyncClient::SendSnapshot(Stream& stream) {
  UNGGUL_ASSIGN_OR_RETURN(RecordSnapshot snapshot, feed_.ReadSnapshot());
  std::vector<s1::NodeMessage> messages;
  {
    absl::MutexLock lock(&mu_);
    messages = session_->SnapshotMessages(std::move(snapshot));
  }
  for (const s1::NodeMessage& msg : messages) {
    if (stopping()) return absl::UnavailableError("stopping");
    if (!stream.Write(msg)) return absl::UnavailableError("stream broke during snapshot");
  }
  return absl::OkStatus();
}

absl::Status SyncClient::StreamChanges(Stream& stream) {
  const uint64_t last_seq = feed_.Info().last_seq;
  uint64_t resume_after = 0;
  {
    absl::MutexLock lock(&mu_);
    resume_after = session_->next_seq() - 1;
  }
  // The Kanwil's high-water mark is an ack; one beyond what this node wrote ends the session.
  if (absl::Status s = inbox_.AcceptAck(resume_after); absl::IsFailedPrecondition(s)) {
    log::Error("the Kanwil claims changes this node never wrote", {{"status", StatusText(s)}});
    return s;
  }  // other errors: best effort, the next ack persists again
  {
    absl::MutexLock lock(&mu_);
    connected_ = true;
    // The last error stays visible until sync makes progress (an ack) or nothing is pending: a
    // Kanwil that accepts the stream but fails every batch (e.g. its disk is full) must not look
    // healthy between two attempts.
    if (resume_after >= last_seq) last_error_.clear();
    aggregator_hwm_ = resume_after;
    if (resume_after > acked_seq_) acked_seq_ = resume_after;
  }
  std::thread reader([this, &stream] { ReadLoop(&stream); });
  absl::Status result;
  std::vector<ChangeEntry> pending;  // read from the changelog, not yet sent
  while (!stopping()) {
    // Flow control: wait for room in the window (or the end of the stream). A full window
    // sends nothing but heartbeats, so memory stays bounded by `window` batches.
    std::optional<s1::NodeMessage> heartbeat;
    uint64_t next = 0;
    bool full = false;
    {
      absl::MutexLock lock(&mu_);
      if (!stream_done_ && !stopping() && session_->window_full()) {
        clock_.WaitWithDeadline(cv_, mu_, clock_.Now() + options_.heartbeat);
      }
      if (stream_done_) break;
      full = session_->window_full();
      if (full) heartbeat = session_->HeartbeatIfDue(feed_.Info(), clock_.Now());
      next = session_->next_seq();
    }
    if (full) {  // never write under mu_: the reader needs it to take acks
      if (heartbeat && !stream.Write(*heartbeat)) break;
      continue;
    }
    if (pending.empty()) {
      absl::StatusOr<std::vector<ChangeEntry>> changes =
          feed_.ReadChanges(next - 1, options_.max_changes_per_batch);
      if (!changes.ok()) {
        result = changes.status();  // e.g. trimmed under us: the next Hello gets a snapshot
        break;
      }
      pending = *std::move(changes);
    }
    if (pending.empty()) {
      if (!feed_.WaitForChange(next - 1, clock_, clock_.Now() + options_.heartbeat)) {
        {
          absl::MutexLock lock(&mu_);
          heartbeat = session_->HeartbeatIfDue(feed_.Info(), clock_.Now());
        }
        if (heartbeat && !stream.Write(*heartbeat)) break;
      }
      MaybeTrim();
      continue;
    }
    s1::NodeMessage msg;
    {
      absl::MutexLock lock(&mu_);
      msg = session_->NextBatch(pending, clock_.Now());
      max_inflight_seen_ = std::max(max_inflight_seen_, static_cast<int>(session_->inflight()));
    }
    if (!stream.Write(msg)) break;
  }
  {
    absl::MutexLock lock(&mu_);
    if (context_ != nullptr && !stream_done_) context_->TryCancel();  // unblocks the reader
  }
  reader.join();
  absl::MutexLock lock(&mu_);
  if (result.ok() && !read_error_.ok()) result = read_error_;
  read_error_ = absl::OkStatus();
  return result;
}

void SyncClient::ReadLoop(Stream* stream) {
  s1::AggregatorMessage msg;
  while (stream->Read(&msg)) {
    if (msg.has_ack()) {
      if (absl::Status s = OnAck(msg.ack().upto_seq()); !s.ok()) {
        log::Error("the Kanwil acknowledged changes this node never wrote; reconnecting",
                   {{"status", StatusText(s)}});
        absl::MutexLock lock(&mu_);
        read_error_ = s;
        if (context_ != nullptr) context_->TryCancel();
        break;
      }
    } else if (msg.has_heartbeat()) {
      absl::MutexLock lock(&mu_);
      aggregator_hwm_ = msg.heartbeat().seq();
    } else if (msg.has_designation()) {
      const v1::DesignationNotice& n = msg.designation().notice();
      if (absl::Status s = inbox_.AcceptDesignation(n); !s.ok()) {
        // End the session: the next Hello carries the revision actually stored, so the Kanwil
        // sends this notice again. Carrying on would let a later revision skip it for good.
        // (A malformed notice is refused the same way, and stays visible in last_error.)
        log::Warn("cannot store designation; reconnecting",
                  {{"revision", absl::StrCat(n.revision())}, {"status", StatusText(s)}});
        absl::MutexLock lock(&mu_);
        read_error_ = absl::Status(s.code(), absl::StrCat("cannot store designation revision ",
                                                          n.revision(), ": ", s.message()));
        if (context_ != nullptr) context_->TryCancel();
        break;
      } else {
        {
          absl::MutexLock lock(&mu_);
          cv_.SignalAll();
        }
        NotifyListener();
        log::Info("designation received", {{"revision", absl::StrCat(n.revision())},
                                           {"product", n.product_id()},
                                           {"status", n.status()}});
      }
    }
  }
  absl::MutexLock lock(&mu_);
  stream_done_ = true;
  cv_.SignalAll();
  feed_.Wake();  // the writer may be waiting for new changes
}

absl::Status SyncClient::OnAck(uint64_t upto_seq) {
  // Persisted before waiters wake: whoever WaitForAck released may rely on the node's store
  // knowing the ack (the changelog trim does).
  if (absl::Status s = inbox_.AcceptAck(upto_seq); absl::IsFailedPrecondition(s)) {
    return s;  // an ack of changes never written: nothing is marked delivered
  } else if (!s.ok()) {
    log::Warn("cannot persist acked seq", {{"status", StatusText(s)}});
  }
  {
    absl::MutexLock lock(&mu_);
    if (session_) session_->OnAck(upto_seq);
    if (upto_seq > acked_seq_) {
      acked_seq_ = upto_seq;
      last_error_.clear();  // progress: whatever failed before works again
    }
    aggregator_hwm_ = std::max(aggregator_hwm_, upto_seq);
    last_ack_unix_ms_ = absl::ToUnixMillis(clock_.Now());
    cv_.SignalAll();
  }
  NotifyListener();
  return absl::OkStatus();
}

void SyncClient::SetChangeListener(std::function<void()> listener) {
  absl::MutexLock lock(&mu_);
  listener_ = std::move(listener);
}

void SyncClient::NotifyListener() {
  std::function<void()> listener;
  {
    absl::MutexLock lock(&mu_);
    listener = listener_;
  }
  if (listener) listener();
}

void SyncClient::MaybeTrim() {
  {
    absl::MutexLock lock(&mu_);
    if (!session_->TrimDue(clock_.Now())) return;
  }
  const int64_t cutoff = absl::ToUnixMillis(clock_.Now() - options_.retention);
  absl::StatusOr<uint64_t> oldest = feed_.TrimChangelog(UINT64_MAX, cutoff, 10'000);
  if (!oldest.ok()) log::Warn("changelog trim failed", {{"status", StatusText(oldest.status())}});
}

v1::SyncStatus SyncClient::Status() const {
  const StoreInfo info = feed_.Info();
  absl::MutexLock lock(&mu_);
  v1::SyncStatus s;
  s.set_aggregator_addr(options_.aggregator_addr);
  s.set_connected(connected_);
  s.set_acked_seq(acked_seq_);
  s.set_lag(info.last_seq > acked_seq_ ? info.last_seq - acked_seq_ : 0);
  s.set_last_ack_unix_ms(last_ack_unix_ms_);
  s.set_aggregator_hwm(aggregator_hwm_);
  s.set_oldest_seq(info.oldest_seq);
  s.set_last_error(last_error_);
  s.set_connects(connects_);
  s.set_snapshots_sent(snapshots_sent_);
  return s;
}

absl::Status SyncClient::WaitForAck(uint64_t seq, absl::Time deadline) const {
  absl::MutexLock lock(&mu_);
  while (acked_seq_ < seq) {
    if (stopping()) return absl::UnavailableError("sync client stopping");
    if (clock_.WaitWithDeadline(cv_, mu_, deadline) && acked_seq_ < seq) {
      return absl::DeadlineExceededError(
          absl::StrCat("the Kanwil has acknowledged up to ", acked_seq_, ", not yet ", seq));
    }
  }
  return absl::OkStatus();
}

absl::Status SyncClient::WaitForDesignation(uint64_t revision, absl::Time deadline) const {
  absl::MutexLock lock(&mu_);
  while (feed_.Info().designation_revision < revision) {
    if (stopping()) return absl::UnavailableError("sync client stopping");
    if (clock_.WaitWithDeadline(cv_, mu_, deadline) &&
        feed_.Info().designation_revision < revision) {
      return absl::DeadlineExceededError(absl::StrCat("designation revision ", revision,
                                                      " not received yet (have ",
                                                      feed_.Info().designation_revision, ")"));
    }
  }
  return absl::OkStatus();
}

int SyncClient::max_inflight_seen() const {
  absl::MutexLock lock(&mu_);
  return max_inflight_seen_;
}

}  // namespace unggul::node

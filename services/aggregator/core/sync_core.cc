#include "services/aggregator/core/sync_core.h"

#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/log/log.h"
#include "common/records/records.h"
#include "common/status/echo.h"
#include "common/status/status_macros.h"
#include "services/aggregator/core/designation_core.h"

namespace unggul::aggregator {
namespace {

namespace s1 = ::unggul::sync::v1;
namespace v1 = ::unggul::node::v1;

s1::AggregatorMessage AckMessage(uint64_t upto) {
  s1::AggregatorMessage m;
  m.mutable_ack()->set_upto_seq(upto);
  return m;
}

}  // namespace

SyncCore::SyncCore(KanwilStore& store, const Clock& clock, SyncLimits limits)
    : store_(store), clock_(clock), limits_(limits) {}

absl::StatusOr<uint64_t> SyncCore::LoadRegistry(const std::vector<RegistryEntry>& entries,
                                                const std::string& content_hash) {
  UNGGUL_ASSIGN_OR_RETURN(
      uint64_t version,
      store_.registry().SaveRegistry(entries, content_hash, absl::ToUnixMillis(clock_.Now())));
  absl::MutexLock lock(&mu_);
  registry_.clear();
  for (const RegistryEntry& e : entries) registry_[e.upt_code] = e;
  registry_version_ = version;
  return version;
}

std::vector<RegistryEntry> SyncCore::Registry() const {
  absl::MutexLock lock(&mu_);
  std::vector<RegistryEntry> out;
  for (const auto& [code, e] : registry_) out.push_back(e);
  return out;
}

uint64_t SyncCore::registry_version() const {
  absl::MutexLock lock(&mu_);
  return registry_version_;
}

bool SyncCore::InRegistry(const std::string& upt_code) const {
  absl::MutexLock lock(&mu_);
  return registry_.count(upt_code) > 0;
}

std::string SyncCore::OwnerOf(absl::string_view record_id) const {
  absl::MutexLock lock(&mu_);
  std::string best;
  for (const auto& [code, entry] : registry_) {
    if (code.size() > best.size() && absl::StartsWith(record_id, code) &&
        record_id.size() > code.size() && record_id[code.size()] == '-') {
      best = code;
    }
  }
  return best;
}

std::map<std::string, LiveState> SyncCore::Live() const {
  absl::MutexLock lock(&mu_);
  return live_;
}

void SyncCore::Touch(const std::string& upt_code, uint64_t node_last_seq) {
  absl::MutexLock lock(&mu_);
  LiveState& live = live_[upt_code];
  live.last_seen_unix_ms = absl::ToUnixMillis(clock_.Now());
  live.node_last_seq = std::max(live.node_last_seq, node_last_seq);
}

void SyncCore::Closed(SyncSession& session) {
  if (session.canceller) session.canceller->Disarm();  // the stream is going away
  if (!session.registered) return;
  absl::MutexLock lock(&mu_);
  LiveState& live = live_[session.upt_code];
  if (live.stream_id == session.stream_id) {  // not replaced by a newer stream meanwhile
    live.connections = 0;
    live.canceller.reset();
  }
  session.registered = false;
}

void SyncCore::Alarm(const std::string& upt_code, const std::string& text) {
  log::Error("sync alarm", {{"upt", upt_code}, {"alarm", text}});
  absl::MutexLock lock(&mu_);
  LiveState& live = live_[upt_code];
  ++live.alarms;
  live.last_alarm = text;
}

absl::Status SyncCore::Claim(SyncSession& session) {
  const int64_t now_ms = absl::ToUnixMillis(clock_.Now());
  std::shared_ptr<StreamCanceller> stale;
  std::string refused;
  {
    absl::MutexLock lock(&mu_);
    LiveState& live = live_[session.upt_code];
    const bool alive =
        live.connections > 0 &&
        now_ms - live.last_seen_unix_ms <= absl::ToInt64Milliseconds(limits_.silent_stream_timeout);
    if (alive && live.process_id != session.process_id) {
      refused = absl::StrCat(
          "UPT ", session.upt_code, " is already syncing from another node process (process ",
          live.process_id.empty() ? "unknown" : live.process_id, " at ", live.peer,
          ", connected since unix ms ", live.connected_since_unix_ms, "; this one is process ",
          session.process_id.empty() ? "unknown" : session.process_id, " at ", session.peer,
          "): two node processes share one database (a copied data directory?); stop one");
    } else {
      stale = std::move(live.canceller);
      session.stream_id = next_stream_id_++;
      live.connections = 1;
      live.stream_id = session.stream_id;
      live.process_id = session.process_id;
      live.peer = session.peer;
      live.connected_since_unix_ms = now_ms;
      live.canceller = session.canceller;
      session.registered = true;
    }
  }
  if (!refused.empty()) {
    Alarm(session.upt_code, refused);
    return absl::AlreadyExistsError(refused);
  }
  if (stale) stale->Cancel();  // the same process reconnected: its old stream is dead
  return absl::OkStatus();
}

absl::Status SyncCore::CheckDigest(const SyncSession& session, uint64_t seq,
                                   const v1::RecordDigest& node_digest, const UptSyncState& state) {
  if (state.hwm != seq || (node_digest.count() == state.digest.count() &&
                           node_digest.hash_sum() == state.digest.hash_sum())) {
    return absl::OkStatus();
  }
  const std::string text = absl::StrCat(
      "UPT ", session.upt_code, " at seq ", seq, ": the node's digest ", DigestString(node_digest),
      " differs from the Kanwil's ", DigestString(state.digest),
      ": the node's history diverged from the replica (two copies of its database?); the replica "
      "is replaced by a snapshot on the next connection");
  {
    absl::MutexLock lock(&mu_);
    diverged_.insert(session.upt_code);
  }
  Alarm(session.upt_code, text);
  return absl::FailedPreconditionError(text);
}

absl::StatusOr<std::vector<s1::AggregatorMessage>> SyncCore::Handle(SyncSession& session,
                                                                    s1::NodeMessage& message) {
  if (session.phase == SyncSession::Phase::kAwaitHello) {
    if (!message.has_hello()) {
      return absl::FailedPreconditionError("the first message of a sync stream must be Hello");
    }
    return OnHello(session, message.hello());
  }
  switch (message.kind_case()) {
    case s1::NodeMessage::kHello:
      return absl::FailedPreconditionError("Hello may only open a stream");
    case s1::NodeMessage::kBatch:
      return OnBatch(session, *message.mutable_batch());
    case s1::NodeMessage::kSnapshotChunk:
      UNGGUL_RETURN_IF_ERROR(OnChunk(session, *message.mutable_snapshot_chunk()));
      return std::vector<s1::AggregatorMessage>();
    case s1::NodeMessage::kSnapshotEnd:
      return OnSnapshotEnd(session, message.snapshot_end());
    case s1::NodeMessage::kHeartbeat: {
      Touch(session.upt_code, message.heartbeat().seq());
      UNGGUL_ASSIGN_OR_RETURN(std::optional<UptSyncState> state, store_.GetUpt(session.upt_code));
      if (state && message.heartbeat().has_digest() &&
          session.phase == SyncSession::Phase::kStreaming) {
        UNGGUL_RETURN_IF_ERROR(
            CheckDigest(session, message.heartbeat().seq(), message.heartbeat().digest(), *state));
      }
      s1::AggregatorMessage reply;
      reply.mutable_heartbeat()->set_seq(state ? state->hwm : 0);
      reply.mutable_heartbeat()->set_sent_at_unix_ms(absl::ToUnixMillis(clock_.Now()));
      return std::vector<s1::AggregatorMessage>{reply};
    }
    case s1::NodeMessage::KIND_NOT_SET:
      break;
  }
  return absl::InvalidArgumentError("empty sync message");
}

absl::StatusOr<std::vector<s1::AggregatorMessage>> SyncCore::OnHello(SyncSession& session,
                                                                     const s1::Hello& hello) {
  if (hello.protocol_version() != s1::PROTOCOL_VERSION_1) {
    return absl::FailedPreconditionError(
        absl::StrCat("protocol_version ", static_cast<int>(hello.protocol_version()),
                     " is not supported; this aggregator speaks version 1"));
  }
  if (session.require_identity) {
    std::string refused;
    if (!session.admission_error.empty()) {
      refused = absl::StrCat("sync refused for ", session.peer, ": ", session.admission_error);
    } else if (session.certified_upt != hello.upt_code()) {
      refused = absl::StrCat("sync refused for ", session.peer, ": its certificate identifies UPT ",
                             session.certified_upt, ", its Hello names ", Echo(hello.upt_code()));
    }
    if (!refused.empty()) {
      log::Warn("security event", {{"event", "hello_refused"},
                                   {"peer", session.peer},
                                   {"certified_upt", session.certified_upt},
                                   {"hello_upt", Echo(hello.upt_code())},
                                   {"reason", refused}});
      return absl::PermissionDeniedError(refused);
    }
  }
  if (!InRegistry(hello.upt_code())) {
    return absl::PermissionDeniedError(
        absl::StrCat("UPT \"", Echo(hello.upt_code()), "\" is not in this Kanwil's registry"));
  }
  if (hello.incarnation_id().size() != 32) {
    return absl::InvalidArgumentError("hello.incarnation_id: must be 32 hex characters");
  }
  if (hello.oldest_seq() == 0 || hello.oldest_seq() > hello.last_seq() + 1) {
    return absl::InvalidArgumentError(absl::StrCat("hello.oldest_seq: must be 1..last_seq+1 (",
                                                   hello.last_seq() + 1, "), got ",
                                                   hello.oldest_seq()));
  }
  if (!hello.process_id().empty() && hello.process_id().size() != 32) {
    return absl::InvalidArgumentError(absl::StrCat(
        "hello.process_id: must be 32 hex characters or empty, got ", hello.process_id().size()));
  }
  session.upt_code = hello.upt_code();
  session.incarnation_id = hello.incarnation_id();
  session.designation_revision = hello.designation_revision();
  session.process_id = hello.process_id();
  UNGGUL_RETURN_IF_ERROR(Claim(session));
  Touch(session.upt_code, hello.last_seq());
  UNGGUL_ASSIGN_OR_RETURN(std::optional<UptSyncState> state, store_.GetUpt(hello.upt_code()));
  s1::SnapshotReason reason = s1::SNAPSHOT_REASON_UNSPECIFIED;
  const uint64_t hwm = state ? state->hwm : 0;
  if (!state) {
    if (hello.oldest_seq() > 1) reason = s1::SNAPSHOT_REASON_NEW_UPT;
  } else if (state->incarnation_id != hello.incarnation_id()) {
    reason = s1::SNAPSHOT_REASON_INCARNATION_CHANGED;
  } else if (hwm > hello.last_seq()) {
    reason = s1::SNAPSHOT_REASON_HWM_AHEAD_OF_NODE;
  } else if (hello.oldest_seq() > hwm + 1) {
    reason = s1::SNAPSHOT_REASON_CHANGELOG_TRIMMED;
  } else if (hello.has_digest() &&
             !CheckDigest(session, hello.last_seq(), hello.digest(), *state).ok()) {
    reason = s1::SNAPSHOT_REASON_DIGEST_MISMATCH;
  } else {
    absl::MutexLock lock(&mu_);
    if (diverged_.count(session.upt_code) > 0) reason = s1::SNAPSHOT_REASON_DIGEST_MISMATCH;
  }
  s1::AggregatorMessage reply;
  if (reason == s1::SNAPSHOT_REASON_UNSPECIFIED) {
    session.phase = SyncSession::Phase::kStreaming;
    s1::Welcome* w = reply.mutable_welcome();
    w->set_resume_after_seq(hwm);
    w->set_max_batch_bytes(limits_.max_batch_bytes);
    w->set_max_inflight_batches(limits_.max_inflight_batches);
  } else {
    session.phase = SyncSession::Phase::kSnapshot;
    {
      absl::MutexLock lock(&mu_);
      session.snapshot_id = next_snapshot_id_++;
    }
    session.staged.clear();
    session.staged_bytes = 0;
    s1::SnapshotRequired* r = reply.mutable_snapshot_required();
    r->set_reason(reason);
    r->set_snapshot_id(session.snapshot_id);
    r->set_max_batch_bytes(limits_.max_batch_bytes);
    r->set_max_inflight_batches(limits_.max_inflight_batches);
  }
  return std::vector<s1::AggregatorMessage>{reply};
}

absl::Status SyncCore::CheckOwned(const SyncSession& session, const v1::Record& record) const {
  const std::string id = RecordId(record);
  if (!KindOf(record) || !absl::StartsWith(id, session.upt_code + "-")) {
    return absl::InvalidArgumentError(
        absl::StrCat("record \"", id, "\" does not belong to UPT ", session.upt_code));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<s1::AggregatorMessage>> SyncCore::OnBatch(SyncSession& session,
                                                                     s1::ChangeBatch& batch) {
  if (session.phase != SyncSession::Phase::kStreaming) {
    return absl::FailedPreconditionError("ChangeBatch during a snapshot");
  }
  if (batch.changes_size() == 0) return absl::InvalidArgumentError("batch: no changes");
  if (batch.changes_size() > static_cast<int>(limits_.max_changes_per_batch) ||
      batch.ByteSizeLong() > limits_.max_batch_bytes + 64 * 1024) {
    return absl::ResourceExhaustedError(absl::StrCat("batch of ", batch.changes_size(),
                                                     " changes, ", batch.ByteSizeLong(),
                                                     " bytes is over the limit"));
  }
  std::vector<IncomingChange> changes;
  changes.reserve(batch.changes_size());
  for (int i = 0; i < batch.changes_size(); ++i) {
    s1::Change& c = *batch.mutable_changes(i);
    if (c.seq() != batch.first_seq() + static_cast<uint64_t>(i)) {
      return absl::InvalidArgumentError(absl::StrCat("batch: change ", i, " has seq ", c.seq(),
                                                     ", expected ", batch.first_seq() + i));
    }
    UNGGUL_RETURN_IF_ERROR(CheckOwned(session, c.record()));
    changes.push_back({c.seq(), std::move(*c.mutable_record())});
    ProjectInPlace(changes.back().record);  // nodes project already; enforced here too
  }
  const uint64_t last = changes.back().seq;
  UNGGUL_ASSIGN_OR_RETURN(UptSyncState state,
                          ApplyChanges(store_, session.upt_code, session.incarnation_id, changes,
                                       last, absl::ToUnixMillis(clock_.Now())));
  Touch(session.upt_code, last);
  return std::vector<s1::AggregatorMessage>{AckMessage(state.hwm)};
}

absl::Status SyncCore::OnChunk(SyncSession& session, s1::SnapshotChunk& chunk) {
  if (session.phase != SyncSession::Phase::kSnapshot) {
    return absl::FailedPreconditionError("SnapshotChunk without SnapshotRequired");
  }
  if (chunk.snapshot_id() != session.snapshot_id) {
    return absl::InvalidArgumentError(absl::StrCat("snapshot_id ", chunk.snapshot_id(),
                                                   " is not the requested ", session.snapshot_id));
  }
  session.staged_bytes += chunk.ByteSizeLong();
  if (session.staged_bytes > limits_.max_snapshot_bytes) {
    return absl::ResourceExhaustedError(
        absl::StrCat("snapshot over ", limits_.max_snapshot_bytes, " bytes"));
  }
  for (v1::Record& record : *chunk.mutable_records()) {
    UNGGUL_RETURN_IF_ERROR(CheckOwned(session, record));
    session.staged.push_back(std::move(record));
    ProjectInPlace(session.staged.back());
  }
  Touch(session.upt_code, 0);
  return absl::OkStatus();
}

absl::StatusOr<std::vector<s1::AggregatorMessage>> SyncCore::OnSnapshotEnd(
    SyncSession& session, const s1::SnapshotEnd& end) {
  if (session.phase != SyncSession::Phase::kSnapshot || end.snapshot_id() != session.snapshot_id) {
    return absl::FailedPreconditionError("SnapshotEnd without a matching snapshot");
  }
  v1::RecordDigest digest;
  for (const v1::Record& r : session.staged) DigestAdd(digest, RecordHash(r));
  if (digest.count() != end.digest().count() || digest.hash_sum() != end.digest().hash_sum()) {
    return absl::DataLossError(absl::StrCat("snapshot of ", session.upt_code, " arrived as ",
                                            DigestString(digest), " but the node sent ",
                                            DigestString(end.digest()), "; nothing applied"));
  }
  UNGGUL_ASSIGN_OR_RETURN(
      UptSyncState state,
      ReplaceUpt(store_, session.upt_code, session.incarnation_id, end.as_of_seq(), session.staged,
                 absl::ToUnixMillis(clock_.Now())));
  session.staged.clear();
  session.staged.shrink_to_fit();
  session.staged_bytes = 0;
  session.phase = SyncSession::Phase::kStreaming;
  {
    absl::MutexLock lock(&mu_);
    diverged_.erase(session.upt_code);  // the replica is the node's again
  }
  Touch(session.upt_code, end.as_of_seq());
  return std::vector<s1::AggregatorMessage>{AckMessage(state.hwm)};
}

absl::StatusOr<std::vector<s1::AggregatorMessage>> SyncCore::DesignationsAfter(
    uint64_t revision) const {
  std::vector<s1::AggregatorMessage> out;
  if (designations_ == nullptr) return out;
  while (true) {
    UNGGUL_ASSIGN_OR_RETURN(std::vector<kanwil::v1::Publication> page,
                            designations_->ReadPublications(revision, 500));
    if (page.empty()) return out;
    for (const kanwil::v1::Publication& p : page) {
      s1::AggregatorMessage m;
      *m.mutable_designation()->mutable_notice() = ToNotice(p);
      out.push_back(std::move(m));
      revision = p.revision();
    }
  }
}

}  // namespace unggul::aggregator

#include "services/node/sync/sync_session.h"

#include <algorithm>
#include <utility>

#include "absl/random/random.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/records/records.h"

namespace unggul::node {

namespace s1 = ::unggul::sync::v1;

SyncSession::SyncSession(const SyncOptions& options, absl::Time now)
    : options_(options), max_bytes_(options.max_batch_bytes), last_sent_(now) {}

s1::NodeMessage SyncSession::Hello(const StoreInfo& info) const {
  s1::NodeMessage msg;
  s1::Hello* hello = msg.mutable_hello();
  hello->set_upt_code(info.upt_code);
  hello->set_incarnation_id(info.incarnation_id);
  hello->set_last_seq(info.last_seq);
  hello->set_oldest_seq(info.oldest_seq);
  hello->set_protocol_version(s1::PROTOCOL_VERSION_1);
  hello->set_software_version(options_.software_version);
  hello->set_designation_revision(info.designation_revision);
  hello->set_process_id(options_.process_id);
  *hello->mutable_digest() = info.digest;
  return msg;
}

absl::Status SyncSession::OnFirstAnswer(const s1::AggregatorMessage& answer) {
  uint32_t bytes = 0;
  uint32_t window = 0;
  if (answer.has_welcome()) {
    const s1::Welcome& w = answer.welcome();
    next_seq_ = w.resume_after_seq() + 1;
    bytes = w.max_batch_bytes();
    window = w.max_inflight_batches();
  } else if (answer.has_snapshot_required()) {
    const s1::SnapshotRequired& r = answer.snapshot_required();
    snapshot_id_ = r.snapshot_id();
    bytes = r.max_batch_bytes();
    window = r.max_inflight_batches();
  } else {
    return absl::FailedPreconditionError(
        "aggregator answered Hello with neither Welcome nor SnapshotRequired");
  }
  max_bytes_ = std::min(options_.max_batch_bytes, bytes);
  window_ = std::min(options_.window, std::max(1u, window));
  inflight_.clear();
  return absl::OkStatus();
}

std::vector<s1::NodeMessage> SyncSession::SnapshotMessages(RecordSnapshot snapshot) const {
  std::vector<s1::NodeMessage> out;
  const uint64_t id = snapshot_id_.value_or(0);
  s1::NodeMessage msg;
  s1::SnapshotChunk* chunk = msg.mutable_snapshot_chunk();
  chunk->set_snapshot_id(id);
  size_t bytes = 0;
  for (v1::Record& projected : snapshot.records) {
    ProjectInPlace(projected);
    const size_t size = projected.ByteSizeLong() + 8;
    if (chunk->records_size() > 0 && bytes + size > max_bytes_) {
      out.push_back(msg);
      chunk->clear_records();
      bytes = 0;
    }
    *chunk->add_records() = std::move(projected);
    bytes += size;
  }
  if (chunk->records_size() > 0) out.push_back(std::move(msg));
  s1::NodeMessage end;
  end.mutable_snapshot_end()->set_snapshot_id(id);
  end.mutable_snapshot_end()->set_as_of_seq(snapshot.as_of_seq);
  *end.mutable_snapshot_end()->mutable_digest() = snapshot.digest;
  out.push_back(std::move(end));
  return out;
}

void SyncSession::OnSnapshotAck(uint64_t upto_seq) {
  snapshot_id_.reset();
  inflight_.clear();
  next_seq_ = upto_seq + 1;
}

s1::NodeMessage SyncSession::NextBatch(std::vector<ChangeEntry>& changes, absl::Time now) {
  s1::NodeMessage msg;
  s1::ChangeBatch* batch = msg.mutable_batch();
  batch->set_first_seq(next_seq_);
  size_t bytes = 0;
  size_t used = 0;
  for (ChangeEntry& entry : changes) {
    s1::Change change;
    change.set_seq(entry.seq);
    change.set_written_at_unix_ms(entry.written_at_unix_ms);
    ProjectInPlace(entry.record);
    *change.mutable_record() = std::move(entry.record);
    const size_t size = change.ByteSizeLong() + 8;
    if (batch->changes_size() > 0 && bytes + size > max_bytes_) {
      entry.record = std::move(*change.mutable_record());  // left for the next batch
      break;
    }
    bytes += size;
    *batch->add_changes() = std::move(change);
    ++used;
  }
  changes.erase(changes.begin(), changes.begin() + static_cast<std::ptrdiff_t>(used));
  const uint64_t last = batch->changes(batch->changes_size() - 1).seq();
  inflight_.push_back(last);
  next_seq_ = last + 1;
  last_sent_ = now;
  return msg;
}

std::optional<s1::NodeMessage> SyncSession::HeartbeatIfDue(const StoreInfo& info, absl::Time now) {
  if (now - last_sent_ < options_.heartbeat) return std::nullopt;
  s1::NodeMessage hb;
  hb.mutable_heartbeat()->set_seq(info.last_seq);
  *hb.mutable_heartbeat()->mutable_digest() = info.digest;
  hb.mutable_heartbeat()->set_sent_at_unix_ms(absl::ToUnixMillis(now));
  last_sent_ = now;
  return hb;
}

void SyncSession::OnAck(uint64_t upto_seq) {
  while (!inflight_.empty() && inflight_.front() <= upto_seq) inflight_.pop_front();
}

bool SyncSession::TrimDue(absl::Time now) {
  if (now - last_trim_ < absl::Minutes(1)) return false;
  last_trim_ = now;
  return true;
}

std::string NewProcessId() {
  absl::BitGen gen;
  return absl::StrFormat("%016x%016x", absl::Uniform<uint64_t>(gen), absl::Uniform<uint64_t>(gen));
}

ReconnectBackoff::ReconnectBackoff(const SyncOptions& options, uint64_t seed)
    : options_(options), backoff_(options.initial_backoff), rng_(seed) {}

absl::Duration ReconnectBackoff::Next(absl::Duration lived) {
  if (lived > options_.max_backoff) backoff_ = options_.initial_backoff;
  const double factor = 0.5 + 0.5 * std::uniform_real_distribution<double>(0, 1)(rng_);
  const absl::Duration wait = backoff_ * factor;
  backoff_ = std::min(backoff_ * 2, options_.max_backoff);
  return wait;
}

}  // namespace unggul::node

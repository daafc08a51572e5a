#include "services/node/sync/sync_session.h"

#include <string>
#include <vector>

#include "absl/strings/str_format.h"
#include "common/testing/fake_clock.h"
#include "common/testing/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace unggul::node {
namespace {

namespace s1 = ::unggul::sync::v1;
using ::unggul::testing::FakeClock;
using ::unggul::testing::StatusIs;

ChangeEntry Change(uint64_t seq, int inmates = 8) {
  ChangeEntry e;
  e.seq = seq;
  e.written_at_unix_ms = 1795921200000 + static_cast<int64_t>(seq);
  v1::ProductionBatch* b = e.record.mutable_batch();
  b->set_batch_code(absl::StrFormat("SMS-LP-LAHAT-GSJM250-%06d", seq));
  b->set_product_id("SMS-LP-LAHAT-GSJM");
  b->set_start_date("2026-11-02");
  b->set_qty_produced(20);
  b->set_unit(v1::UNIT_KG);
  b->set_inmates_engaged_count(inmates);
  return e;
}

std::vector<ChangeEntry> Changes(uint64_t from, uint64_t to) {
  std::vector<ChangeEntry> out;
  for (uint64_t s = from; s <= to; ++s) out.push_back(Change(s));
  return out;
}

s1::AggregatorMessage Welcome(uint64_t resume_after, uint32_t bytes, uint32_t window) {
  s1::AggregatorMessage m;
  m.mutable_welcome()->set_resume_after_seq(resume_after);
  m.mutable_welcome()->set_max_batch_bytes(bytes);
  m.mutable_welcome()->set_max_inflight_batches(window);
  return m;
}

// A node at `last_seq` with a digest of that many records.
StoreInfo InfoAt(uint64_t last_seq) {
  StoreInfo info;
  info.last_seq = last_seq;
  info.digest.set_count(static_cast<int64_t>(last_seq));
  info.digest.set_hash_sum(0x5eed0000 + last_seq);
  return info;
}

class SyncSessionTest : public ::testing::Test {
 protected:
  SyncSessionTest() : clock_(absl::FromUnixSeconds(1795921200)) {
    options_.max_batch_bytes = 256 * 1024;
    options_.window = 8;
    options_.heartbeat = absl::Seconds(5);
    options_.process_id = "0f1e2d3c4b5a69788796a5b4c3d2e1f0";
  }
  SyncOptions options_;
  FakeClock clock_;
};

TEST_F(SyncSessionTest, HelloCarriesTheNodeState) {
  SyncSession session(options_, clock_.Now());
  StoreInfo info;
  info.upt_code = "SMS-LP-LAHAT";
  info.incarnation_id = "6a21ef848f2764599464b64687267a5e";
  info.last_seq = 39;
  info.oldest_seq = 12;
  info.designation_revision = 4;
  info.digest.set_count(39);
  info.digest.set_hash_sum(0x8f3a);
  const s1::Hello hello = session.Hello(info).hello();
  EXPECT_EQ(hello.upt_code(), "SMS-LP-LAHAT");
  EXPECT_EQ(hello.incarnation_id(), "6a21ef848f2764599464b64687267a5e");
  EXPECT_EQ(hello.last_seq(), 39u);
  EXPECT_EQ(hello.oldest_seq(), 12u);
  EXPECT_EQ(hello.designation_revision(), 4u);
  EXPECT_EQ(hello.protocol_version(), s1::PROTOCOL_VERSION_1);
  EXPECT_EQ(hello.process_id(), "0f1e2d3c4b5a69788796a5b4c3d2e1f0");
  EXPECT_EQ(hello.digest().count(), 39);
  EXPECT_EQ(hello.digest().hash_sum(), 0x8f3au);
}

TEST_F(SyncSessionTest, ProcessIdsAre32HexAndDifferPerCall) {
  const std::string a = NewProcessId();
  EXPECT_EQ(a.size(), 32u);
  EXPECT_EQ(a.find_first_not_of("0123456789abcdef"), std::string::npos) << a;
  EXPECT_NE(a, NewProcessId());
}

TEST_F(SyncSessionTest, LimitsAreTheSmallerOfOursAndTheKanwils) {
  SyncSession session(options_, clock_.Now());
  ASSERT_THAT(session.OnFirstAnswer(Welcome(41, 4096, 3)), unggul::testing::IsOk());
  EXPECT_FALSE(session.snapshot_required());
  EXPECT_EQ(session.next_seq(), 42u);
  EXPECT_EQ(session.max_bytes(), 4096u);
  EXPECT_EQ(session.window(), 3u);
  SyncSession generous(options_, clock_.Now());
  ASSERT_THAT(generous.OnFirstAnswer(Welcome(0, 1 << 30, 0)), unggul::testing::IsOk());
  EXPECT_EQ(generous.max_bytes(), 256u * 1024);
  EXPECT_EQ(generous.window(), 1u);  // a Kanwil window of 0 still lets one batch fly
}

TEST_F(SyncSessionTest, AnAnswerThatIsNeitherWelcomeNorSnapshotEndsTheSession) {
  SyncSession session(options_, clock_.Now());
  s1::AggregatorMessage ack;
  ack.mutable_ack()->set_upto_seq(3);
  EXPECT_THAT(session.OnFirstAnswer(ack),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       "aggregator answered Hello with neither Welcome nor SnapshotRequired"));
}

TEST_F(SyncSessionTest, BatchesAreConsecutiveWithinTheByteCapAndTheWindowBoundsThem) {
  SyncSession session(options_, clock_.Now());
  // Each change is ~110 bytes on the wire: a cap of 400 bytes fits three.
  ASSERT_THAT(session.OnFirstAnswer(Welcome(10, 400, 2)), unggul::testing::IsOk());
  std::vector<ChangeEntry> pending = Changes(11, 20);
  const s1::NodeMessage first = session.NextBatch(pending, clock_.Now());
  ASSERT_TRUE(first.has_batch());
  EXPECT_EQ(first.batch().first_seq(), 11u);
  size_t bytes = 0;
  for (const s1::Change& c : first.batch().changes()) bytes += c.ByteSizeLong() + 8;
  EXPECT_LE(bytes, 400u);
  const int n1 = first.batch().changes_size();
  EXPECT_GE(n1, 2);
  EXPECT_EQ(pending.size(), 10u - n1);  // the rest waits for the next batch
  EXPECT_EQ(pending.front().seq, 11u + n1);
  EXPECT_FALSE(session.window_full());
  const s1::NodeMessage second = session.NextBatch(pending, clock_.Now());
  EXPECT_EQ(second.batch().first_seq(), 11u + n1);
  EXPECT_TRUE(session.window_full());  // 2 of 2 in flight
  EXPECT_EQ(session.inflight(), 2u);
  // An ack up to the first batch's last seq frees one slot; a stale ack frees nothing.
  session.OnAck(10);
  EXPECT_TRUE(session.window_full());
  session.OnAck(10 + n1);
  EXPECT_FALSE(session.window_full());
  EXPECT_EQ(session.inflight(), 1u);
  EXPECT_EQ(session.next_seq(),
            second.batch().changes(second.batch().changes_size() - 1).seq() + 1);
}

TEST_F(SyncSessionTest, AChangeLargerThanTheCapStillGoesAloneAndCountsAreProjected) {
  SyncSession session(options_, clock_.Now());
  ASSERT_THAT(session.OnFirstAnswer(Welcome(0, 16, 8)), unggul::testing::IsOk());
  std::vector<ChangeEntry> pending = {Change(1, /*inmates=*/2), Change(2)};
  const s1::NodeMessage batch = session.NextBatch(pending, clock_.Now());
  ASSERT_EQ(batch.batch().changes_size(), 1);
  const v1::ProductionBatch& b = batch.batch().changes(0).record().batch();
  EXPECT_EQ(b.inmates_engaged_count(), 1);  // small cell: 2 leaves the node as 1
  EXPECT_TRUE(b.inmates_small_cell());
  EXPECT_EQ(pending.size(), 1u);
}

TEST_F(SyncSessionTest, HeartbeatOnlyAfterAnIntervalWithoutSending) {
  SyncSession session(options_, clock_.Now());
  ASSERT_THAT(session.OnFirstAnswer(Welcome(0, 4096, 8)), unggul::testing::IsOk());
  clock_.Advance(absl::Seconds(4));
  EXPECT_FALSE(session.HeartbeatIfDue(InfoAt(7), clock_.Now()).has_value());
  clock_.Advance(absl::Seconds(1));
  std::optional<s1::NodeMessage> hb = session.HeartbeatIfDue(InfoAt(7), clock_.Now());
  ASSERT_TRUE(hb.has_value());
  EXPECT_EQ(hb->heartbeat().seq(), 7u);
  EXPECT_EQ(hb->heartbeat().digest().count(), 7);  // the digest at that seq
  EXPECT_EQ(hb->heartbeat().sent_at_unix_ms(), absl::ToUnixMillis(clock_.Now()));
  EXPECT_FALSE(session.HeartbeatIfDue(InfoAt(7), clock_.Now()).has_value());  // just sent
  clock_.Advance(absl::Seconds(3));
  std::vector<ChangeEntry> pending = Changes(1, 1);
  session.NextBatch(pending, clock_.Now());  // a batch counts as traffic
  clock_.Advance(absl::Seconds(4));
  EXPECT_FALSE(session.HeartbeatIfDue(InfoAt(8), clock_.Now()).has_value());
  clock_.Advance(absl::Seconds(1));
  EXPECT_TRUE(session.HeartbeatIfDue(InfoAt(8), clock_.Now()).has_value());
}

TEST_F(SyncSessionTest, SnapshotIsChunkedByBytesAndEndsWithCountAndDigest) {
  SyncSession session(options_, clock_.Now());
  s1::AggregatorMessage required;
  required.mutable_snapshot_required()->set_snapshot_id(77);
  required.mutable_snapshot_required()->set_max_batch_bytes(500);
  required.mutable_snapshot_required()->set_max_inflight_batches(4);
  ASSERT_THAT(session.OnFirstAnswer(required), unggul::testing::IsOk());
  ASSERT_TRUE(session.snapshot_required());
  RecordSnapshot snapshot;
  snapshot.as_of_seq = 20;
  snapshot.digest.set_count(20);
  snapshot.digest.set_hash_sum(0x8f3a);
  for (uint64_t s = 1; s <= 20; ++s) snapshot.records.push_back(Change(s, s == 5 ? 1 : 8).record);
  const std::vector<s1::NodeMessage> messages = session.SnapshotMessages(std::move(snapshot));
  ASSERT_GE(messages.size(), 3u);
  int records = 0;
  for (size_t i = 0; i + 1 < messages.size(); ++i) {
    ASSERT_TRUE(messages[i].has_snapshot_chunk()) << i;
    EXPECT_EQ(messages[i].snapshot_chunk().snapshot_id(), 77u);
    size_t bytes = 0;
    for (const v1::Record& r : messages[i].snapshot_chunk().records()) {
      bytes += r.ByteSizeLong() + 8;
      if (r.batch().batch_code() == "SMS-LP-LAHAT-GSJM250-000005") {
        EXPECT_TRUE(r.batch().inmates_small_cell());
      }
    }
    EXPECT_LE(bytes, 500u);
    records += messages[i].snapshot_chunk().records_size();
  }
  EXPECT_EQ(records, 20);
  const s1::SnapshotEnd& end = messages.back().snapshot_end();
  EXPECT_EQ(end.snapshot_id(), 77u);
  EXPECT_EQ(end.as_of_seq(), 20u);
  EXPECT_EQ(end.digest().count(), 20u);
  EXPECT_EQ(end.digest().hash_sum(), 0x8f3au);
  // The ack of the snapshot resumes streaming after it, with nothing in flight.
  session.OnSnapshotAck(20);
  EXPECT_FALSE(session.snapshot_required());
  EXPECT_EQ(session.next_seq(), 21u);
  EXPECT_EQ(session.window(), 4u);
}

TEST_F(SyncSessionTest, TrimIsDueAtMostOncePerMinute) {
  SyncSession session(options_, clock_.Now());
  EXPECT_TRUE(session.TrimDue(clock_.Now()));
  clock_.Advance(absl::Seconds(59));
  EXPECT_FALSE(session.TrimDue(clock_.Now()));
  clock_.Advance(absl::Seconds(1));
  EXPECT_TRUE(session.TrimDue(clock_.Now()));
}

TEST(ReconnectBackoffTest, DoublesWithJitterUpToTheMaximumAndResetsAfterALongConnection) {
  SyncOptions options;
  options.initial_backoff = absl::Milliseconds(200);
  options.max_backoff = absl::Seconds(3);
  ReconnectBackoff backoff(options, /*seed=*/2026);
  absl::Duration base = absl::Milliseconds(200);
  for (int i = 0; i < 8; ++i) {
    const absl::Duration wait = backoff.Next(absl::Milliseconds(50));  // short-lived connections
    EXPECT_GE(wait, base / 2) << i;
    EXPECT_LE(wait, base) << i;
    base = std::min(base * 2, absl::Seconds(3));
  }
  // A connection that lived longer than max_backoff was healthy: start again from 200 ms.
  const absl::Duration wait = backoff.Next(absl::Seconds(4));
  EXPECT_GE(wait, absl::Milliseconds(100));
  EXPECT_LE(wait, absl::Milliseconds(200));
}

}  // namespace
}  // namespace unggul::node

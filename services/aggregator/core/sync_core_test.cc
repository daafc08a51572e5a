#include "services/aggregator/core/sync_core.h"

#include <utility>

#include "common/records/records.h"
#include "common/testing/fake_clock.h"
#include "common/testing/status_matchers.h"
#include "common/testing/temp_dir.h"
#include "gtest/gtest.h"
#include "services/aggregator/store/rocksdb_kanwil_store.h"

namespace unggul::aggregator {
namespace {

namespace s1 = ::unggul::sync::v1;
namespace v1 = ::unggul::node::v1;
using ::testing::HasSubstr;
using ::unggul::testing::StatusIs;

constexpr char kUpt[] = "SMS-LP-LAHAT";
constexpr char kInc[] = "0123456789abcdef0123456789abcdef";

s1::NodeMessage Hello(uint64_t last_seq, uint64_t oldest_seq, const std::string& upt = kUpt,
                      const std::string& inc = kInc, int version = 1) {
  s1::NodeMessage m;
  m.mutable_hello()->set_upt_code(upt);
  m.mutable_hello()->set_incarnation_id(inc);
  m.mutable_hello()->set_last_seq(last_seq);
  m.mutable_hello()->set_oldest_seq(oldest_seq);
  m.mutable_hello()->set_protocol_version(static_cast<s1::ProtocolVersion>(version));
  return m;
}

v1::Record Batch(const std::string& code) {
  v1::Record r;
  r.mutable_batch()->set_batch_code(code);
  r.mutable_batch()->set_product_id("SMS-LP-LAHAT-GSJM");
  r.mutable_batch()->set_start_date("2026-10-01");
  r.mutable_batch()->set_qty_produced(10);
  r.mutable_batch()->set_inmates_engaged_count(2);  // small cell: projected to 1
  return r;
}

s1::NodeMessage Changes(uint64_t first, int n) {
  s1::NodeMessage m;
  m.mutable_batch()->set_first_seq(first);
  for (int i = 0; i < n; ++i) {
    s1::Change* c = m.mutable_batch()->add_changes();
    c->set_seq(first + i);
    *c->mutable_record() = Batch("SMS-LP-LAHAT-B" + std::to_string(first + i));
  }
  return m;
}

constexpr char kProcessA[] = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
constexpr char kProcessB[] = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

s1::NodeMessage HelloFrom(const std::string& process, uint64_t last_seq) {
  s1::NodeMessage m = Hello(last_seq, 1);
  m.mutable_hello()->set_process_id(process);
  return m;
}

// A session whose transport counts the times it was cancelled.
struct CountedSession {
  CountedSession() {
    session.peer = "ipv4:127.0.0.1:40000";
    session.canceller = std::make_shared<StreamCanceller>([this] { ++cancels; });
  }
  SyncSession session;
  int cancels = 0;
};

class SyncCoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    RocksDbKanwilStore::Options o;
    o.path = dir_.path() + "/db";
    o.sync_writes = false;
    store_ = *RocksDbKanwilStore::Open(o);
    core_ = std::make_unique<SyncCore>(*store_, clock_, SyncLimits());
    ASSERT_TRUE(core_
                    ->LoadRegistry({{kUpt, "Lapas Kelas IIA Lahat", "LAPAS", "", "IIA", "16.04",
                                     "SUMSEL", false}},
                                   "h")
                    .ok());
  }
  s1::AggregatorMessage One(SyncSession& session, const s1::NodeMessage& m) {
    auto r = core_->Handle(session, m);
    EXPECT_TRUE(r.ok()) << r.status();
    EXPECT_EQ(r.ok() ? r->size() : 0u, 1u);
    return r.ok() && !r->empty() ? r->front() : s1::AggregatorMessage();
  }
  unggul::testing::ScopedTempDir dir_;
  unggul::testing::FakeClock clock_{absl::FromUnixSeconds(1795921200)};
  std::unique_ptr<RocksDbKanwilStore> store_;
  std::unique_ptr<SyncCore> core_;
};

TEST_F(SyncCoreTest, RefusesUnknownUptAndOtherProtocolVersions) {
  SyncSession a;
  EXPECT_THAT(core_->Handle(a, Hello(0, 1, "SMS-LP-NOWHERE")).status(),
              StatusIs(absl::StatusCode::kPermissionDenied, HasSubstr("SMS-LP-NOWHERE")));
  SyncSession b;
  EXPECT_THAT(core_->Handle(b, Hello(0, 1, kUpt, kInc, 7)).status(),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("protocol_version 7 is not supported; this aggregator speaks "
                                 "version 1")));
  SyncSession c;
  EXPECT_THAT(core_->Handle(c, Changes(1, 1)).status(),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("must be Hello")));
  EXPECT_EQ(store_->ListRecords(kUpt)->size(), 0u);
}

TEST_F(SyncCoreTest, WelcomeThenExactlyOnceApplyThenResume) {
  SyncSession s;
  s1::AggregatorMessage w = One(s, Hello(5, 1));
  ASSERT_TRUE(w.has_welcome());
  EXPECT_EQ(w.welcome().resume_after_seq(), 0u);
  EXPECT_EQ(One(s, Changes(1, 3)).ack().upto_seq(), 3u);
  EXPECT_EQ(One(s, Changes(2, 3)).ack().upto_seq(), 4u);  // overlap: only 4 applied
  EXPECT_THAT(core_->Handle(s, Changes(7, 1)).status(),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("gap")));
  EXPECT_EQ((*store_->GetUpt(kUpt))->hwm, 4u);
  // The small-cell rule holds in the replica.
  EXPECT_EQ(store_->GetRecord(RecordKind::kBatch, kUpt, "SMS-LP-LAHAT-B1")
                ->batch()
                .inmates_engaged_count(),
            1);
  core_->Closed(s);
  SyncSession again;
  s1::AggregatorMessage w2 = One(again, Hello(9, 1));
  ASSERT_TRUE(w2.has_welcome());
  EXPECT_EQ(w2.welcome().resume_after_seq(), 4u);
}

TEST_F(SyncCoreTest, RecordOfAnotherUptIsRefused) {
  SyncSession s;
  One(s, Hello(1, 1));
  s1::NodeMessage m = Changes(1, 1);
  m.mutable_batch()->mutable_changes(0)->mutable_record()->mutable_batch()->set_batch_code(
      "SMS-LP-SEKAYU-B1");
  EXPECT_THAT(core_->Handle(s, m).status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("does not belong")));
}

TEST_F(SyncCoreTest, SnapshotDecisionsAndApply) {
  {  // New UPT whose changelog no longer starts at 1.
    SyncSession s;
    EXPECT_EQ(One(s, Hello(10, 5)).snapshot_required().reason(), s1::SNAPSHOT_REASON_NEW_UPT);
    core_->Closed(s);
  }
  SyncSession s;
  One(s, Hello(3, 1));
  One(s, Changes(1, 3));
  core_->Closed(s);
  {  // Wiped node: new incarnation.
    SyncSession t;
    EXPECT_EQ(
        One(t, Hello(3, 1, kUpt, "ffffffffffffffffffffffffffffffff")).snapshot_required().reason(),
        s1::SNAPSHOT_REASON_INCARNATION_CHANGED);
    core_->Closed(t);
  }
  {  // Node restored from an old backup: HWM ahead.
    SyncSession t;
    EXPECT_EQ(One(t, Hello(2, 1)).snapshot_required().reason(),
              s1::SNAPSHOT_REASON_HWM_AHEAD_OF_NODE);
    core_->Closed(t);
  }
  SyncSession t;
  s1::AggregatorMessage req = One(t, Hello(20, 10));
  ASSERT_EQ(req.snapshot_required().reason(), s1::SNAPSHOT_REASON_CHANGELOG_TRIMMED);
  // A snapshot whose digest does not match is refused and changes nothing.
  s1::NodeMessage chunk;
  chunk.mutable_snapshot_chunk()->set_snapshot_id(req.snapshot_required().snapshot_id());
  *chunk.mutable_snapshot_chunk()->add_records() = Batch("SMS-LP-LAHAT-B100");
  *chunk.mutable_snapshot_chunk()->add_records() = Batch("SMS-LP-LAHAT-B101");
  ASSERT_TRUE(core_->Handle(t, std::as_const(chunk)).ok());
  s1::NodeMessage end;
  end.mutable_snapshot_end()->set_snapshot_id(req.snapshot_required().snapshot_id());
  end.mutable_snapshot_end()->set_as_of_seq(20);
  end.mutable_snapshot_end()->mutable_digest()->set_count(3);
  EXPECT_THAT(core_->Handle(t, end).status(), StatusIs(absl::StatusCode::kDataLoss));
  EXPECT_EQ((*store_->GetUpt(kUpt))->hwm, 3u);
  core_->Closed(t);
  // The same with the right digest replaces the UPT.
  SyncSession u;
  s1::AggregatorMessage req2 = One(u, Hello(20, 10));
  chunk.mutable_snapshot_chunk()->set_snapshot_id(req2.snapshot_required().snapshot_id());
  ASSERT_TRUE(core_->Handle(u, std::as_const(chunk)).ok());
  end.mutable_snapshot_end()->set_snapshot_id(req2.snapshot_required().snapshot_id());
  v1::RecordDigest d;
  DigestAdd(d, RecordHash(Batch("SMS-LP-LAHAT-B100")));
  DigestAdd(d, RecordHash(Batch("SMS-LP-LAHAT-B101")));
  *end.mutable_snapshot_end()->mutable_digest() = d;
  EXPECT_EQ(One(u, end).ack().upto_seq(), 20u);
  EXPECT_EQ(store_->ListRecords(kUpt)->size(), 2u);
  EXPECT_EQ((*store_->GetUpt(kUpt))->digest.hash_sum(), d.hash_sum());
  // Streaming continues on the same stream after the snapshot.
  EXPECT_EQ(One(u, Changes(21, 2)).ack().upto_seq(), 22u);
  EXPECT_EQ(core_->Live().at(kUpt).connections, 1);
}

}  // namespace
}  // namespace unggul::aggregator

namespace unggul::aggregator {
namespace {

TEST_F(SyncCoreTest, ASecondNodeProcessIsRefusedWhileTheFirstIsLive) {
  CountedSession a;
  ASSERT_TRUE(One(a.session, HelloFrom(kProcessA, 0)).has_welcome());
  EXPECT_EQ(One(a.session, Changes(1, 2)).ack().upto_seq(), 2u);
  // A copy of the same database (same incarnation) started as another process.
  CountedSession b;
  EXPECT_THAT(core_->Handle(b.session, HelloFrom(kProcessB, 2)).status(),
              StatusIs(absl::StatusCode::kAlreadyExists,
                       HasSubstr("already syncing from another node process")));
  EXPECT_EQ(a.cancels, 0);
  const LiveState live = core_->Live().at(kUpt);
  EXPECT_EQ(live.connections, 1);
  EXPECT_EQ(live.process_id, kProcessA);
  EXPECT_EQ(live.alarms, 1);
  EXPECT_THAT(live.last_alarm, HasSubstr(kProcessB));
  // The first stream goes on; closing the refused one changes nothing.
  core_->Closed(b.session);
  EXPECT_EQ(One(a.session, Changes(3, 1)).ack().upto_seq(), 3u);
  EXPECT_EQ(core_->Live().at(kUpt).connections, 1);
}

TEST_F(SyncCoreTest, TheSameProcessReconnectingReplacesItsStaleStream) {
  CountedSession old_stream;
  ASSERT_TRUE(One(old_stream.session, HelloFrom(kProcessA, 0)).has_welcome());
  CountedSession fresh;
  ASSERT_TRUE(One(fresh.session, HelloFrom(kProcessA, 0)).has_welcome());
  EXPECT_EQ(old_stream.cancels, 1);
  // The old stream's end does not count the new one out.
  core_->Closed(old_stream.session);
  EXPECT_EQ(core_->Live().at(kUpt).connections, 1);
  EXPECT_EQ(core_->Live().at(kUpt).alarms, 0);
  core_->Closed(fresh.session);
  EXPECT_EQ(core_->Live().at(kUpt).connections, 0);
  old_stream.session.canceller->Cancel();  // disarmed once closed
  EXPECT_EQ(old_stream.cancels, 1);
}

TEST_F(SyncCoreTest, ASilentStreamIsReplacedByAnotherProcess) {
  CountedSession dead;  // e.g. a half-open connection after the node process was restarted
  ASSERT_TRUE(One(dead.session, HelloFrom(kProcessA, 0)).has_welcome());
  clock_.Advance(SyncLimits().silent_stream_timeout + absl::Seconds(1));
  CountedSession restarted;
  ASSERT_TRUE(One(restarted.session, HelloFrom(kProcessB, 0)).has_welcome());
  EXPECT_EQ(dead.cancels, 1);
  EXPECT_EQ(core_->Live().at(kUpt).process_id, kProcessB);
  EXPECT_EQ(core_->Live().at(kUpt).alarms, 0);
}

TEST_F(SyncCoreTest, ADivergedDigestAtTheSameSeqRequiresASnapshot) {
  CountedSession a;
  ASSERT_TRUE(One(a.session, HelloFrom(kProcessA, 0)).has_welcome());
  ASSERT_EQ(One(a.session, Changes(1, 2)).ack().upto_seq(), 2u);
  const v1::RecordDigest replica = (*store_->GetUpt(kUpt))->digest;
  // A heartbeat with the matching digest at the HWM is answered.
  s1::NodeMessage hb;
  hb.mutable_heartbeat()->set_seq(2);
  *hb.mutable_heartbeat()->mutable_digest() = replica;
  EXPECT_EQ(One(a.session, hb).heartbeat().seq(), 2u);
  // The same seq with other records: the node's history diverged (a second copy wrote seq 2).
  hb.mutable_heartbeat()->mutable_digest()->set_hash_sum(replica.hash_sum() ^ 1);
  EXPECT_THAT(core_->Handle(a.session, hb).status(),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("diverged")));
  core_->Closed(a.session);
  EXPECT_EQ(core_->Live().at(kUpt).alarms, 1);
  // Its next Hello must send a snapshot, whatever digest it brings.
  CountedSession again;
  s1::AggregatorMessage answer = One(again.session, HelloFrom(kProcessA, 2));
  ASSERT_TRUE(answer.has_snapshot_required());
  EXPECT_EQ(answer.snapshot_required().reason(), s1::SNAPSHOT_REASON_DIGEST_MISMATCH);
  core_->Closed(again.session);
  // A Hello at the HWM with a different digest is caught directly.
  CountedSession other;
  s1::NodeMessage hello = HelloFrom(kProcessB, 2);
  hello.mutable_hello()->mutable_digest()->set_count(2);
  hello.mutable_hello()->mutable_digest()->set_hash_sum(7);
  EXPECT_EQ(One(other.session, hello).snapshot_required().reason(),
            s1::SNAPSHOT_REASON_DIGEST_MISMATCH);
}

}  // namespace
}  // namespace unggul::aggregator

// The sync protocol end to end inside one process: the node's SyncClient against the
// aggregator's callback reactor over a unix socket (restartable at the same address).
// Every wait is on an event with a deadline (WaitForAck, Notification), never a sleep.

#include <memory>
#include <set>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/notification.h"
#include "common/executor/executor.h"
#include "common/records/records.h"
#include "common/testing/fake_clock.h"
#include "common/testing/status_matchers.h"
#include "common/testing/temp_dir.h"
#include "common/time/clock.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server.h"
#include "grpcpp/server_builder.h"
#include "gtest/gtest.h"
#include "services/aggregator/core/sync_core.h"
#include "services/aggregator/grpc/kanwil_sync_service.h"
#include "services/aggregator/store/rocksdb_kanwil_store.h"
#include "services/node/store/rocksdb_catalog_store.h"
#include "services/node/sync/sync_client.h"

namespace unggul {
namespace {

namespace v1 = ::unggul::node::v1;
namespace s1 = ::unggul::sync::v1;
using ::testing::HasSubstr;
using ::unggul::testing::ScopedTempDir;
using ::unggul::testing::StatusIs;

constexpr char kUpt[] = "SMS-LP-LAHAT";
const absl::Duration kDeadline = absl::Seconds(60);

v1::Record Batch(int i) {
  v1::Record r;
  v1::ProductionBatch* b = r.mutable_batch();
  b->set_batch_code(absl::StrFormat("SMS-LP-LAHAT-GSJM250-%06d", i));
  b->set_product_id("SMS-LP-LAHAT-GSJM");
  b->set_start_date(absl::StrFormat("2026-%02d-%02d", 1 + i % 10, 1 + i % 28));
  b->set_qty_produced(20 + i % 7);
  b->set_unit(v1::UNIT_KG);
  b->set_inmates_engaged_count(1 + i % 9);
  return r;
}

// One aggregator process, restartable on the same socket and data dir.
class Aggregator {
 public:
  Aggregator(std::string dir, std::string socket) : dir_(std::move(dir)), socket_(socket) {}
  ~Aggregator() { Stop(); }
  void Start() {
    RocksDbKanwilStore_Open();
    core_ = std::make_unique<aggregator::SyncCore>(*store_, clock_, limits);
    ASSERT_TRUE(core_
                    ->LoadRegistry({{kUpt, "Lapas Kelas IIA Lahat", "LAPAS", "", "IIA", "16.04",
                                     "SUMSEL", false}},
                                   "h")
                    .ok());
    executor_ = std::make_unique<ThreadPoolExecutor>(2);
    service_ = std::make_unique<aggregator::KanwilSyncServiceImpl>(*core_, *executor_);
    grpc::ServerBuilder builder;
    builder.AddListeningPort(socket_, grpc::InsecureServerCredentials());
    builder.RegisterService(service_.get());
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
  }
  void Stop() {
    if (server_ == nullptr) return;
    server_->Shutdown(absl::ToChronoTime(unggul::RealClock().Now()));  // cancel streams now
    server_->Wait();
    server_.reset();
    executor_.reset();
    service_.reset();
    core_.reset();
    store_.reset();
  }
  aggregator::KanwilStore& store() { return *store_; }
  aggregator::SyncLimits limits;

 private:
  void RocksDbKanwilStore_Open() {
    aggregator::RocksDbKanwilStore::Options o;
    o.path = dir_;
    o.sync_writes = false;
    auto s = aggregator::RocksDbKanwilStore::Open(o);
    ASSERT_TRUE(s.ok()) << s.status();
    store_ = *std::move(s);
  }
  std::string dir_;
  std::string socket_;
  SystemClock clock_ = testing::WallClockForTest();
  std::unique_ptr<aggregator::RocksDbKanwilStore> store_;
  std::unique_ptr<aggregator::SyncCore> core_;
  std::unique_ptr<ThreadPoolExecutor> executor_;
  std::unique_ptr<aggregator::KanwilSyncServiceImpl> service_;
  std::unique_ptr<grpc::Server> server_;
};

class SyncProtocolTest : public ::testing::Test {
 protected:
  void SetUp() override {
    socket_ = "unix:" + dir_.path() + "/kanwil.sock";
    agg_ = std::make_unique<Aggregator>(dir_.path() + "/kanwil", socket_);
    agg_->Start();
  }

  std::unique_ptr<node::RocksDbCatalogStore> OpenNode(const std::string& name,
                                                      const std::string& upt = kUpt) {
    node::RocksDbCatalogStore::Options o;
    o.path = dir_.path() + "/" + name;
    o.upt_code = upt;
    o.sync_writes = false;
    auto s = node::RocksDbCatalogStore::Open(o);
    EXPECT_TRUE(s.ok()) << s.status();
    return s.ok() ? *std::move(s) : nullptr;
  }

  std::unique_ptr<node::SyncClient> Client(node::ChangeFeed& feed, uint32_t window = 8) {
    node::SyncOptions o;
    o.aggregator_addr = socket_;
    o.heartbeat = absl::Milliseconds(50);
    o.initial_backoff = absl::Milliseconds(10);
    o.max_backoff = absl::Milliseconds(200);
    o.max_batch_bytes = 16 * 1024;  // many batches
    o.window = window;
    return std::make_unique<node::SyncClient>(
        feed, clock_,
        grpc::CreateCustomChannel(socket_, grpc::InsecureChannelCredentials(),
                                  node::SyncChannelArguments()),
        o);
  }

  static void Write(node::RocksDbCatalogStore& store, int from, int to) {
    for (int i = from; i < to; ++i) ASSERT_TRUE(store.Put(Batch(i), "", "", i).ok());
  }

  // The replica equals the node's records (projected), by digest and record by record.
  void ExpectReplicaEqualsNode(node::RocksDbCatalogStore& node) {
    UNGGUL_ASSERT_OK_AND_ASSIGN(node::RecordSnapshot snap, node.ReadSnapshot());
    UNGGUL_ASSERT_OK_AND_ASSIGN(std::optional<aggregator::UptSyncState> state,
                                agg_->store().GetUpt(kUpt));
    ASSERT_TRUE(state.has_value());
    EXPECT_EQ(state->hwm, snap.as_of_seq);
    EXPECT_EQ(state->digest.count(), snap.digest.count());
    EXPECT_EQ(state->digest.hash_sum(), snap.digest.hash_sum());
    UNGGUL_ASSERT_OK_AND_ASSIGN(std::vector<v1::Record> replica, agg_->store().ListRecords(kUpt));
    std::set<std::string> want;
    std::set<std::string> got;
    for (const v1::Record& r : snap.records) want.insert(DeterministicBytes(ExportProjection(r)));
    for (const v1::Record& r : replica) got.insert(DeterministicBytes(r));
    EXPECT_EQ(got.size(), replica.size()) << "duplicate records in the replica";
    EXPECT_TRUE(got == want) << "replica differs: " << got.size() << " vs " << want.size();
  }

  ScopedTempDir dir_;
  std::string socket_;
  std::unique_ptr<Aggregator> agg_;
  SystemClock clock_ = testing::WallClockForTest();
};

// Exhibitions (the newest kind) replicate like every other kind: stored under their kind tag,
// counted in the digest, equal record by record.
TEST_F(SyncProtocolTest, TheNewestRecordKindReachesTheReplicaLikeTheOthers) {
  auto node = OpenNode("node");
  Write(*node, 0, 5);
  v1::Record exhibition;
  v1::Exhibition* e = exhibition.mutable_exhibition();
  e->set_exhibition_id("SMS-LP-LAHAT-GSJM-PMR-251115");
  e->set_product_id("SMS-LP-LAHAT-GSJM");
  e->set_event_name("Bazar UMKM Pemasyarakatan OPI Mall");
  e->set_start_date("2025-11-15");
  e->set_sales_idr(4250000);
  ASSERT_TRUE(node->Put(exhibition, "", "", 5).ok());
  auto client = Client(*node);
  client->Start();
  ASSERT_THAT(client->WaitForAck(6, clock_.Now() + kDeadline), unggul::testing::IsOk());
  ExpectReplicaEqualsNode(*node);
  UNGGUL_ASSERT_OK_AND_ASSIGN(std::vector<v1::Record> replica, agg_->store().ListRecords(kUpt));
  int exhibitions = 0;
  for (const v1::Record& r : replica) exhibitions += r.has_exhibition() ? 1 : 0;
  EXPECT_EQ(exhibitions, 1);
  EXPECT_EQ(node->Info().counts.exhibitions(), 1);
}

TEST_F(SyncProtocolTest, BacklogCatchUpThenLiveTail) {
  auto node = OpenNode("node");
  Write(*node, 0, 3000);
  auto client = Client(*node);
  client->Start();
  ASSERT_THAT(client->WaitForAck(3000, clock_.Now() + kDeadline), unggul::testing::IsOk());
  ExpectReplicaEqualsNode(*node);
  Write(*node, 3000, 3100);  // live changes while connected
  ASSERT_THAT(client->WaitForAck(3100, clock_.Now() + kDeadline), unggul::testing::IsOk());
  ExpectReplicaEqualsNode(*node);
  const v1::SyncStatus status = client->Status();
  EXPECT_TRUE(status.connected());
  EXPECT_EQ(status.snapshots_sent(), 0);
  EXPECT_EQ(status.lag(), 0u);
  EXPECT_LE(client->max_inflight_seen(), 8);
  EXPECT_EQ(node->Info().acked_seq, 3100u);  // persisted
}

TEST_F(SyncProtocolTest, ReconnectAfterAggregatorRestartResumesWithoutSnapshot) {
  auto node = OpenNode("node");
  Write(*node, 0, 500);
  auto client = Client(*node);
  client->Start();
  ASSERT_THAT(client->WaitForAck(500, clock_.Now() + kDeadline), unggul::testing::IsOk());
  agg_->Stop();  // the link drops
  Write(*node, 500, 800);
  agg_->Start();
  ASSERT_THAT(client->WaitForAck(800, clock_.Now() + kDeadline), unggul::testing::IsOk());
  ExpectReplicaEqualsNode(*node);
  EXPECT_EQ(client->Status().snapshots_sent(), 0);
  EXPECT_GE(client->Status().connects(), 2);
  // A node restart resumes from the persisted ack too.
  client.reset();
  Write(*node, 800, 850);
  auto client2 = Client(*node);
  client2->Start();
  ASSERT_THAT(client2->WaitForAck(850, clock_.Now() + kDeadline), unggul::testing::IsOk());
  ExpectReplicaEqualsNode(*node);
  EXPECT_EQ(client2->Status().snapshots_sent(), 0);
}

TEST_F(SyncProtocolTest, WipedNodeIsReplacedBySnapshot) {
  {
    auto old_node = OpenNode("old");
    Write(*old_node, 0, 400);
    auto client = Client(*old_node);
    client->Start();
    ASSERT_THAT(client->WaitForAck(400, clock_.Now() + kDeadline), unggul::testing::IsOk());
  }
  auto node = OpenNode("new");  // a new incarnation with other records
  Write(*node, 1000, 1150);
  auto client = Client(*node);
  client->Start();
  ASSERT_THAT(client->WaitForAck(150, clock_.Now() + kDeadline), unggul::testing::IsOk());
  ExpectReplicaEqualsNode(*node);  // the 400 old records are gone
  EXPECT_EQ(client->Status().snapshots_sent(), 1);
  Write(*node, 1150, 1200);  // streaming continues after the snapshot
  ASSERT_THAT(client->WaitForAck(200, clock_.Now() + kDeadline), unggul::testing::IsOk());
  ExpectReplicaEqualsNode(*node);
}

TEST_F(SyncProtocolTest, TrimmedChangelogIsServedBySnapshot) {
  auto node = OpenNode("node");
  Write(*node, 0, 300);
  {
    auto client = Client(*node);
    client->Start();
    ASSERT_THAT(client->WaitForAck(300, clock_.Now() + kDeadline), unggul::testing::IsOk());
  }
  UNGGUL_ASSERT_OK_AND_ASSIGN(uint64_t oldest,
                              node->TrimChangelog(UINT64_MAX, INT64_MAX, 1'000'000));
  EXPECT_EQ(oldest, 301u);
  EXPECT_THAT(node->ReadChanges(0, 10).status(),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("trimmed")));
  // A new Kanwil database (e.g. restored elsewhere) needs entries the node no longer has.
  agg_->Stop();
  agg_ = std::make_unique<Aggregator>(dir_.path() + "/kanwil2", socket_);
  agg_->Start();
  Write(*node, 300, 320);
  auto client = Client(*node);
  client->Start();
  ASSERT_THAT(client->WaitForAck(320, clock_.Now() + kDeadline), unggul::testing::IsOk());
  ExpectReplicaEqualsNode(*node);
  EXPECT_EQ(client->Status().snapshots_sent(), 1);
}

TEST_F(SyncProtocolTest, UnknownUptIsRefusedAndNothingApplied) {
  auto node = OpenNode("node", "SMS-LP-NOWHERE");
  ASSERT_TRUE(node->Put(
                      [] {
                        v1::Record r;
                        r.mutable_product()->set_product_id("SMS-LP-NOWHERE-X");
                        return r;
                      }(),
                      "", "", 1)
                  .ok());
  auto client = Client(*node);
  EXPECT_THAT(client->RunOnce(),
              StatusIs(absl::StatusCode::kPermissionDenied, HasSubstr("not in this Kanwil")));
  UNGGUL_ASSERT_OK_AND_ASSIGN(std::optional<aggregator::UptSyncState> state,
                              agg_->store().GetUpt("SMS-LP-NOWHERE"));
  EXPECT_FALSE(state.has_value());
}

TEST_F(SyncProtocolTest, OtherProtocolVersionGetsAClearError) {
  auto stub =
      s1::KanwilSync::NewStub(grpc::CreateChannel(socket_, grpc::InsecureChannelCredentials()));
  grpc::ClientContext ctx;
  auto stream = stub->Sync(&ctx);
  s1::NodeMessage hello;
  hello.mutable_hello()->set_upt_code(kUpt);
  hello.mutable_hello()->set_incarnation_id("0123456789abcdef0123456789abcdef");
  hello.mutable_hello()->set_oldest_seq(1);
  hello.mutable_hello()->set_protocol_version(static_cast<s1::ProtocolVersion>(2));
  ASSERT_TRUE(stream->Write(hello));
  s1::AggregatorMessage reply;
  EXPECT_FALSE(stream->Read(&reply));
  grpc::Status status = stream->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(status.error_message(), HasSubstr("protocol_version 2 is not supported"));
}

// A Kanwil that welcomes, then stops acknowledging: the node sends exactly `window` batches,
// then only heartbeats; after the acks it continues and delivers everything.
class StallingKanwil final : public s1::KanwilSync::Service {
 public:
  grpc::Status Sync(
      grpc::ServerContext*,
      grpc::ServerReaderWriter<s1::AggregatorMessage, s1::NodeMessage>* stream) override {
    s1::NodeMessage in;
    if (!stream->Read(&in) || !in.has_hello()) return grpc::Status::CANCELLED;
    s1::AggregatorMessage welcome;
    welcome.mutable_welcome()->set_resume_after_seq(0);
    welcome.mutable_welcome()->set_max_batch_bytes(4096);
    welcome.mutable_welcome()->set_max_inflight_batches(3);
    stream->Write(welcome);
    uint64_t last = 0;
    while (stream->Read(&in)) {
      if (in.has_batch()) {
        ++batches_;
        last = in.batch().changes(in.batch().changes_size() - 1).seq();
        if (released_.HasBeenNotified()) {
          s1::AggregatorMessage ack;
          ack.mutable_ack()->set_upto_seq(last);
          stream->Write(ack);
        }
      } else if (in.has_heartbeat() && batches_ > 0 && !stalled_.HasBeenNotified()) {
        batches_at_stall_ = batches_;
        stalled_.Notify();
        released_.WaitForNotificationWithTimeout(kDeadline);
        s1::AggregatorMessage ack;
        ack.mutable_ack()->set_upto_seq(last);
        stream->Write(ack);
      }
    }
    return grpc::Status::OK;
  }
  int batches_ = 0;
  int batches_at_stall_ = 0;
  absl::Notification stalled_;
  absl::Notification released_;
};

TEST_F(SyncProtocolTest, SlowKanwilBoundsInflightBatchesAndLosesNothing) {
  agg_->Stop();
  StallingKanwil kanwil;
  grpc::ServerBuilder builder;
  builder.AddListeningPort(socket_, grpc::InsecureServerCredentials());
  builder.RegisterService(&kanwil);
  auto server = builder.BuildAndStart();
  auto node = OpenNode("node");
  Write(*node, 0, 400);  // ~40 batches of 4 KiB
  auto client = Client(*node, /*window=*/8);
  client->Start();
  ASSERT_TRUE(kanwil.stalled_.WaitForNotificationWithTimeout(kDeadline));
  EXPECT_EQ(kanwil.batches_at_stall_, 3);  // the Kanwil's window, not more
  EXPECT_EQ(client->max_inflight_seen(), 3);
  EXPECT_EQ(client->Status().acked_seq(), 0u);
  kanwil.released_.Notify();
  ASSERT_THAT(client->WaitForAck(400, clock_.Now() + kDeadline), unggul::testing::IsOk());
  EXPECT_LE(client->max_inflight_seen(), 3);
  client->Stop();
  server->Shutdown(absl::ToChronoTime(unggul::RealClock().Now()));
}

}  // namespace
}  // namespace unggul

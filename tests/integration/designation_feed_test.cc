// Publications reach dashboards and nodes exactly: WatchDesignations from a revision after an
// aggregator restart delivers exactly the missed publications, and a node that was offline
// receives the ones it missed when it reconnects. Real gRPC over unix sockets; waits are
// event-driven (stream reads, WaitForDesignation with a deadline).

#include <algorithm>
#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/executor/executor.h"
#include "common/testing/fake_clock.h"
#include "common/testing/status_matchers.h"
#include "common/testing/temp_dir.h"
#include "common/time/clock.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/resource_quota.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server.h"
#include "grpcpp/server_builder.h"
#include "gtest/gtest.h"
#include "services/aggregator/core/designation_core.h"
#include "services/aggregator/core/publication_hub.h"
#include "services/aggregator/core/sync_core.h"
#include "services/aggregator/grpc/kanwil_designation_service.h"
#include "services/aggregator/grpc/kanwil_sync_service.h"
#include "services/aggregator/grpc/roles.h"
#include "services/aggregator/store/rocksdb_kanwil_store.h"
#include "services/node/store/rocksdb_catalog_store.h"
#include "services/node/sync/sync_client.h"

namespace unggul {
namespace {

namespace kv1 = ::unggul::kanwil::v1;
namespace v1 = ::unggul::node::v1;
using aggregator::ScoreProvider;

constexpr char kUpt[] = "SMS-LP-LAHAT";
constexpr char kGula[] = "SMS-LP-LAHAT-GSJM";
// The products Publish() designates, one each (a product has one open designation a period).
constexpr const char* kProducts[] = {kGula,
                                     "SMS-LP-LAHAT-KOPI",
                                     "SMS-LP-LAHAT-ROTI",
                                     "SMS-LP-LAHAT-TAS",
                                     "SMS-LP-LAHAT-PAVING",
                                     "SMS-LP-LAHAT-KRS"};

class EligibleScores : public ScoreProvider {
 public:
  absl::StatusOr<Frozen> ScoreFor(absl::string_view product_id, absl::string_view,
                                  absl::string_view) const override {
    Frozen f;
    f.score.set_product_id(std::string(product_id));
    f.score.set_upt_code(kUpt);
    f.score.set_eligible(true);
    f.score.set_standing(kv1::STANDING_RANKED);
    f.score.set_total(74.7);
    f.model_version = "SPUP-1.0";
    f.period_start = "2025-11-01";
    f.period_end = "2026-10-31";
    f.period_label = "2025-11..2026-10";
    return f;
  }
};

// An aggregator with sync, designations and the hub, restartable on the same socket and data.
class Kanwil {
 public:
  Kanwil(std::string dir, std::string socket) : dir_(std::move(dir)), socket_(std::move(socket)) {}
  // Caps the server's threads (as upt-node and kanwil-aggregator do with a ResourceQuota).
  void set_max_threads(int n) { max_threads_ = n; }
  ~Kanwil() { Stop(); }
  void Start() {
    aggregator::RocksDbKanwilStore::Options o;
    o.path = dir_;
    o.sync_writes = false;
    store_ = *aggregator::RocksDbKanwilStore::Open(o);
    sync_ = std::make_unique<aggregator::SyncCore>(*store_, clock_, aggregator::SyncLimits());
    ASSERT_TRUE(sync_
                    ->LoadRegistry({{kUpt, "Lapas Kelas IIA Lahat", "LAPAS", "", "IIA", "16.04",
                                     "SUMSEL", false}},
                                   "h")
                    .ok());
    sync_->SetDesignationStore(&store_->designations());
    designations_ = std::make_unique<aggregator::DesignationCore>(
        *store_, store_->designations(), scores_, hub_, clock_, "SUMSEL",
        "Kanwil Ditjenpas Sumatera Selatan");
    executor_ = std::make_unique<ThreadPoolExecutor>(2);
    sync_service_ = std::make_unique<aggregator::KanwilSyncServiceImpl>(*sync_, *executor_, &hub_);
    designation_service_ = std::make_unique<aggregator::KanwilDesignationServiceImpl>(
        *designations_, store_->designations(), hub_, *executor_, open_auth_);
    grpc::ServerBuilder builder;
    grpc::ResourceQuota quota("kanwil-test");
    if (max_threads_ > 0) {
      quota.SetMaxThreads(max_threads_);
      builder.SetResourceQuota(quota);
    }
    builder.AddListeningPort(socket_, grpc::InsecureServerCredentials());
    builder.RegisterService(sync_service_.get());
    builder.RegisterService(designation_service_.get());
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
  }
  void Stop() {
    if (server_ == nullptr) return;
    server_->Shutdown(absl::ToChronoTime(unggul::RealClock().Now()));
    server_->Wait();
    server_.reset();
    executor_.reset();
    designation_service_.reset();
    sync_service_.reset();
    designations_.reset();
    sync_.reset();
    store_.reset();
  }
  // A product replicated directly (as if synced) so designations can be drafted.
  void AddProduct() {
    std::vector<aggregator::IncomingChange> changes;
    for (const char* id : kProducts) {
      aggregator::IncomingChange c;
      c.seq = changes.size() + 1;
      c.record.mutable_product()->set_product_id(id);
      c.record.mutable_product()->set_name(id == std::string(kGula) ? "Gula Semut Jahe Merah" : id);
      changes.push_back(std::move(c));
    }
    ASSERT_TRUE(
        ApplyChanges(*store_, kUpt, "0123456789abcdef0123456789abcdef", changes, changes.size(), 1)
            .ok());
  }
  // Drafts and publishes a designation; returns its publication revision.
  uint64_t Publish() {
    absl::StatusOr<std::vector<kv1::Designation>> existing =
        store_->designations().ListDesignations();
    EXPECT_TRUE(existing.ok());
    if (!existing.ok()) return 0;
    const char* product = nullptr;
    for (const char* id : kProducts) {
      if (std::none_of(existing->begin(), existing->end(),
                       [&](const kv1::Designation& d) { return d.product_id() == id; })) {
        product = id;
        break;
      }
    }
    EXPECT_NE(product, nullptr) << "every test product is designated already";
    if (product == nullptr) return 0;
    kv1::CreateDesignationRequest create;
    create.set_product_id(product);
    create.set_level(kv1::DESIGNATION_LEVEL_KANWIL);
    create.mutable_actor()->set_user("kalapas.lahat");
    create.mutable_actor()->set_role("KEPALA_UPT");
    absl::StatusOr<kv1::Designation> created = designations_->Create(create);
    EXPECT_TRUE(created.ok()) << created.status();
    if (!created.ok()) return 0;
    kv1::Designation d = *std::move(created);
    for (auto [action, user] : std::vector<std::pair<kv1::DesignationAction, std::string>>{
             {kv1::DESIGNATION_ACTION_SUBMIT, "kalapas.lahat"},
             {kv1::DESIGNATION_ACTION_VERIFY, "kabid.yanbin"},
             {kv1::DESIGNATION_ACTION_APPROVE, "kakanwil"},
             {kv1::DESIGNATION_ACTION_PUBLISH, "humas"}}) {
      kv1::TransitionDesignationRequest t;
      t.set_designation_id(d.designation_id());
      t.set_action(action);
      t.mutable_actor()->set_user(user);
      t.mutable_actor()->set_role("ADMIN");
      t.set_decree_number("W6-PAS.04/2026");
      auto next = designations_->Transition(t);
      EXPECT_TRUE(next.ok()) << next.status();
      if (!next.ok()) return 0;
      d = *next;
    }
    return d.publication_revision();
  }

 private:
  std::string dir_;
  std::string socket_;
  int max_threads_ = 0;
  SystemClock clock_ = testing::WallClockForTest();
  EligibleScores scores_;
  aggregator::PublicationHub hub_;
  std::unique_ptr<aggregator::RocksDbKanwilStore> store_;
  std::unique_ptr<aggregator::SyncCore> sync_;
  std::unique_ptr<aggregator::DesignationCore> designations_;
  std::unique_ptr<ThreadPoolExecutor> executor_;
  auth::AuthProcessor open_auth_{
      auth::Authorizer(aggregator::KanwilRoleTable(), "ADMIN", /*plaintext=*/true), nullptr,
      nullptr};
  std::unique_ptr<aggregator::KanwilSyncServiceImpl> sync_service_;
  std::unique_ptr<aggregator::KanwilDesignationServiceImpl> designation_service_;
  std::unique_ptr<grpc::Server> server_;
};

class DesignationFeedTest : public ::testing::Test {
 protected:
  void SetUp() override {
    socket_ = "unix:" + dir_.path() + "/kanwil.sock";
    kanwil_ = std::make_unique<Kanwil>(dir_.path() + "/kanwil", socket_);
    kanwil_->Start();
  }
  // The Lahat node's store holding its products (they reach the Kanwil by sync).
  std::unique_ptr<node::RocksDbCatalogStore> NodeWithGula() {
    node::RocksDbCatalogStore::Options o;
    o.path = dir_.path() + "/node";
    o.upt_code = kUpt;
    o.sync_writes = false;
    auto node = node::RocksDbCatalogStore::Open(o);
    EXPECT_TRUE(node.ok()) << node.status();
    for (const char* id : kProducts) {
      v1::Record product;
      product.mutable_product()->set_product_id(id);
      product.mutable_product()->set_name(id == std::string(kGula) ? "Gula Semut Jahe Merah" : id);
      EXPECT_TRUE((*node)->Put(product, "", "", 1).ok());
    }
    return *std::move(node);
  }
  // Sync options with short intervals, so reconnects happen within the test's deadlines.
  node::SyncOptions FastSync() const {
    node::SyncOptions so;
    so.aggregator_addr = socket_;
    so.heartbeat = absl::Milliseconds(50);
    so.initial_backoff = absl::Milliseconds(10);
    so.max_backoff = absl::Milliseconds(100);
    return so;
  }

  unggul::testing::ScopedTempDir dir_;
  std::string socket_;
  std::unique_ptr<Kanwil> kanwil_;
};

TEST_F(DesignationFeedTest, WatchFromARevisionAfterRestartDeliversExactlyTheMissedOnes) {
  kanwil_->AddProduct();
  EXPECT_EQ(kanwil_->Publish(), 1u);
  EXPECT_EQ(kanwil_->Publish(), 2u);  // supersedes nothing: same period
  kanwil_->Stop();
  kanwil_->Start();
  EXPECT_EQ(kanwil_->Publish(), 3u);  // revisions continue after the restart
  auto stub = kv1::KanwilDesignations::NewStub(
      grpc::CreateChannel(socket_, grpc::InsecureChannelCredentials()));
  grpc::ClientContext ctx;
  ctx.set_deadline(absl::ToChronoTime(unggul::RealClock().Now() + absl::Seconds(60)));
  kv1::WatchDesignationsRequest req;
  req.set_from_revision(1);
  auto reader = stub->WatchDesignations(&ctx, req);
  std::vector<uint64_t> got;
  kv1::Publication p;
  while (got.size() < 2 && reader->Read(&p)) got.push_back(p.revision());
  EXPECT_EQ(got, (std::vector<uint64_t>{2, 3}));
  // A live publication arrives on the open watch.
  EXPECT_EQ(kanwil_->Publish(), 4u);
  ASSERT_TRUE(reader->Read(&p));
  EXPECT_EQ(p.revision(), 4u);
  EXPECT_EQ(p.designation().status(), kv1::DESIGNATION_STATUS_PUBLISHED);
  ctx.TryCancel();
}

TEST_F(DesignationFeedTest, NodeOfflineDuringPublicationReceivesItOnReconnect) {
  std::unique_ptr<node::RocksDbCatalogStore> node = NodeWithGula();
  SystemClock clock = testing::WallClockForTest();
  const node::SyncOptions so = FastSync();
  auto client = [&] {
    return std::make_unique<node::SyncClient>(
        *node, clock,
        grpc::CreateCustomChannel(socket_, grpc::InsecureChannelCredentials(),
                                  node::SyncChannelArguments()),
        so);
  };
  // Online: a live publication is pushed down the stream.
  auto online = client();
  online->Start();
  ASSERT_THAT(online->WaitForAck(1, clock.Now() + absl::Seconds(60)), unggul::testing::IsOk());
  const uint64_t first = kanwil_->Publish();
  ASSERT_THAT(online->WaitForDesignation(first, clock.Now() + absl::Seconds(60)),
              unggul::testing::IsOk());
  online.reset();  // the node goes offline
  const uint64_t second = kanwil_->Publish();
  const uint64_t third = kanwil_->Publish();
  auto back = client();
  back->Start();
  ASSERT_THAT(back->WaitForDesignation(third, clock.Now() + absl::Seconds(60)),
              unggul::testing::IsOk());
  EXPECT_EQ(node->Info().designation_revision, third);
  UNGGUL_ASSERT_OK_AND_ASSIGN(std::vector<v1::DesignationNotice> notices, node->ListDesignations());
  ASSERT_EQ(notices.size(), 3u);  // three designations, each at its newest revision
  std::vector<uint64_t> revisions;
  for (const v1::DesignationNotice& n : notices) {
    revisions.push_back(n.revision());
    EXPECT_EQ(n.status(), "PUBLISHED");
    EXPECT_EQ(n.product_id().rfind("SMS-LP-LAHAT-", 0), 0u) << n.product_id();
  }
  std::sort(revisions.begin(), revisions.end());
  EXPECT_EQ(revisions, (std::vector<uint64_t>{first, second, third}));
}

// The node's change feed with one designation store failure injected (e.g. its disk was full).
class FailOnceFeed final : public node::ChangeFeed {
 public:
  explicit FailOnceFeed(node::RocksDbCatalogStore& store) : store_(store) {}
  node::StoreInfo Info() const override { return store_.Info(); }
  absl::StatusOr<std::vector<node::ChangeEntry>> ReadChanges(uint64_t after_seq,
                                                             size_t max) const override {
    return store_.ReadChanges(after_seq, max);
  }
  bool WaitForChange(uint64_t after_seq, const Clock& clock, absl::Time deadline) const override {
    return store_.WaitForChange(after_seq, clock, deadline);
  }
  void Wake() override { store_.Wake(); }
  absl::StatusOr<node::RecordSnapshot> ReadSnapshot() const override {
    return store_.ReadSnapshot();
  }
  absl::Status SetAckedSeq(uint64_t seq) override { return store_.SetAckedSeq(seq); }
  absl::Status PutDesignation(const v1::DesignationNotice& notice) override {
    if (fail_next_.exchange(false)) {
      return absl::ResourceExhaustedError("store designation: disk full (injected)");
    }
    return store_.PutDesignation(notice);
  }
  absl::StatusOr<uint64_t> TrimChangelog(uint64_t upto_seq, int64_t written_before_unix_ms,
                                         size_t max_entries) override {
    return store_.TrimChangelog(upto_seq, written_before_unix_ms, max_entries);
  }
  void FailNextPutDesignation() { fail_next_ = true; }

 private:
  node::RocksDbCatalogStore& store_;
  std::atomic<bool> fail_next_{false};
};

TEST_F(DesignationFeedTest, ANoticeTheNodeCouldNotStoreIsSentAgain) {
  std::unique_ptr<node::RocksDbCatalogStore> node = NodeWithGula();
  FailOnceFeed feed(*node);
  SystemClock clock = testing::WallClockForTest();
  const node::SyncOptions so = FastSync();
  node::SyncClient client(feed, clock,
                          grpc::CreateCustomChannel(socket_, grpc::InsecureChannelCredentials(),
                                                    node::SyncChannelArguments()),
                          so);
  client.Start();
  ASSERT_THAT(client.WaitForAck(1, clock.Now() + absl::Seconds(60)), unggul::testing::IsOk());
  feed.FailNextPutDesignation();
  const uint64_t first = kanwil_->Publish();   // the node cannot store it
  const uint64_t second = kanwil_->Publish();  // a later one must not skip it
  ASSERT_THAT(client.WaitForDesignation(second, clock.Now() + absl::Seconds(60)),
              unggul::testing::IsOk());
  UNGGUL_ASSERT_OK_AND_ASSIGN(std::vector<v1::DesignationNotice> notices, node->ListDesignations());
  std::vector<uint64_t> revisions;
  for (const v1::DesignationNotice& n : notices) revisions.push_back(n.revision());
  std::sort(revisions.begin(), revisions.end());
  EXPECT_EQ(revisions, (std::vector<uint64_t>{first, second}));
  client.Stop();
}

// Watchers hold no server thread: with the server capped at 4 threads, 24 open watches still
// leave room for unary calls, every watcher gets a live publication, and cancelling them all
// ends each at once.
TEST_F(DesignationFeedTest, ManyWatchersHoldNoThreadsAndAllGetTheLivePublication) {
  kanwil_->Stop();
  kanwil_->set_max_threads(4);
  kanwil_->Start();
  kanwil_->AddProduct();
  auto stub = kv1::KanwilDesignations::NewStub(
      grpc::CreateChannel(socket_, grpc::InsecureChannelCredentials()));
  constexpr int kWatchers = 24;
  std::vector<std::unique_ptr<grpc::ClientContext>> contexts;
  std::vector<std::unique_ptr<grpc::ClientReader<kv1::Publication>>> readers;
  kv1::WatchDesignationsRequest req;
  req.set_from_revision(0);
  for (int i = 0; i < kWatchers; ++i) {
    contexts.push_back(std::make_unique<grpc::ClientContext>());
    contexts.back()->set_deadline(
        absl::ToChronoTime(unggul::RealClock().Now() + absl::Seconds(60)));
    readers.push_back(stub->WatchDesignations(contexts.back().get(), req));
  }
  // A unary call is served while every watch is open.
  grpc::ClientContext list_ctx;
  list_ctx.set_deadline(absl::ToChronoTime(unggul::RealClock().Now() + absl::Seconds(30)));
  kv1::ListDesignationsResponse listed;
  ASSERT_TRUE(stub->ListDesignations(&list_ctx, kv1::ListDesignationsRequest(), &listed).ok());
  const uint64_t revision = kanwil_->Publish();
  for (auto& reader : readers) {
    kv1::Publication p;
    ASSERT_TRUE(reader->Read(&p));
    EXPECT_EQ(p.revision(), revision);
  }
  for (auto& ctx : contexts) ctx->TryCancel();
  for (auto& reader : readers) {
    EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::CANCELLED);
  }
}

}  // namespace
}  // namespace unggul

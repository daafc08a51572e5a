// End to end with the real binaries: attacks on and mistakes around the sync stream. Waits are
// event-driven (port FIFOs, WaitForSync with a deadline).

#include <signal.h>

#include <filesystem>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "common/testing/status_matchers.h"
#include "common/testing/temp_dir.h"
#include "common/time/clock.h"
#include "gmock/gmock.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "tests/e2e/process.h"
#include "unggul/node/v1/node_service.grpc.pb.h"

namespace unggul::testing {
namespace {

using ::testing::HasSubstr;

constexpr char kLahat[] = "SMS-LP-LAHAT";

class SyncSecurityE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fixture_ = dir_.path() + "/fixture";
    ASSERT_EQ(::unggul::testing::Run(
                  {UNGGULCTL_BIN, "fixture", "--out", fixture_, "--end-month", "2026-10"})
                  ->exit_code,
              0);
  }

  int Start(Process& process, const std::vector<std::string>& argv, const std::string& name) {
    absl::StatusOr<StartedServer> server =
        StartServer(argv, dir_.path() + "/port-" + name + "-" + std::to_string(starts_++),
                    dir_.path() + "/" + name + ".log");
    EXPECT_TRUE(server.ok()) << server.status();
    if (!server.ok()) return 0;
    process = std::move(server->process);
    return server->port;
  }
  int StartKanwil() {
    return Start(kanwil_,
                 {KANWIL_AGGREGATOR_BIN, "--insecure", "--data_dir=" + dir_.path() + "/kanwil",
                  "--registry_file=" + fixture_ + "/registry.csv"},
                 "kanwil");
  }
  int StartNode(Process& process, const std::string& data_dir, int kanwil_port,
                const std::string& name) {
    return Start(
        process,
        {UPT_NODE_BIN, "--insecure", absl::StrCat("--upt_code=", kLahat), "--data_dir=" + data_dir,
         absl::StrCat("--aggregator_addr=127.0.0.1:", kanwil_port), "--sync_max_backoff=1s"},
        name);
  }
  RunResult Ctl(int port, const std::vector<std::string>& args) {
    return RunCtl(UNGGULCTL_BIN, port, args);
  }
  std::string Product(const std::string& id, const std::string& name) {
    return absl::StrCat(R"({"product_id": ")", id, R"(", "name": ")", name,
                        R"(", "category": "CATEGORY_PANGAN_OLAHAN"})");
  }

  ScopedTempDir dir_;
  std::string fixture_;
  int starts_ = 0;
  Process kanwil_ = Process::Start({"/bin/true"}, "/dev/null").value();
  Process node_a_ = Process::Start({"/bin/true"}, "/dev/null").value();
  Process node_b_ = Process::Start({"/bin/true"}, "/dev/null").value();
};

// The restore mistake: the Lahat data directory copied and both copies started. One UPT syncs
// over one stream: the second process is refused loudly on both sides, never merged.
TEST_F(SyncSecurityE2eTest, TwoLiveCopiesOfOneNodeDatabaseAreNeverMerged) {
  const int k = StartKanwil();
  const std::string db_a = dir_.path() + "/lahat-a";
  int a = StartNode(node_a_, db_a, k, "lahat-a");
  ASSERT_EQ(
      Ctl(a, {"product", "create", "--json", Product("SMS-LP-LAHAT-GSJM", "Gula Semut")}).exit_code,
      0);
  ASSERT_EQ(Ctl(a, {"sync", "wait", "--wait", "60"}).exit_code, 0);
  node_a_.Signal(SIGTERM);
  ASSERT_EQ(node_a_.Wait(), 0);
  const std::string db_b = dir_.path() + "/lahat-b";
  std::filesystem::copy(db_a, db_b, std::filesystem::copy_options::recursive);

  a = StartNode(node_a_, db_a, k, "lahat-a");
  ASSERT_EQ(Ctl(a, {"product", "create", "--json", Product("SMS-LP-LAHAT-KOPI", "Kopi")}).exit_code,
            0);
  ASSERT_EQ(Ctl(a, {"sync", "wait", "--wait", "60"}).exit_code, 0);  // A holds the stream
  const int b = StartNode(node_b_, db_b, k, "lahat-b");
  ASSERT_EQ(Ctl(b, {"product", "create", "--json", Product("SMS-LP-LAHAT-ROTI", "Roti")}).exit_code,
            0);
  // B's write is never acknowledged while A is live (bounded wait: it must time out).
  RunResult r = Ctl(b, {"sync", "wait", "--wait", "8"});
  EXPECT_NE(r.exit_code, 0);
  r = Ctl(b, {"info"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("already syncing from another node process"));
  // The Kanwil raised the alarm and holds exactly A's records.
  r = Ctl(k, {"kanwil", "upts"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("two node processes share one database"));
  r = Ctl(k, {"kanwil", "products"});
  EXPECT_THAT(r.out, HasSubstr("SMS-LP-LAHAT-KOPI"));
  EXPECT_THAT(r.out, ::testing::Not(HasSubstr("SMS-LP-LAHAT-ROTI")));
  // A goes on syncing.
  ASSERT_EQ(
      Ctl(a, {"product", "create", "--json", Product("SMS-LP-LAHAT-SAMBAL", "Sambal")}).exit_code,
      0);
  EXPECT_EQ(Ctl(a, {"sync", "wait", "--wait", "60"}).exit_code, 0);
}

// Bytes that are no NodeMessage end the stream with INVALID_ARGUMENT (not OK), and nothing
// is applied.
TEST_F(SyncSecurityE2eTest, GarbageOnTheSyncStreamIsInvalidArgument) {
  const int k = StartKanwil();
  grpc::GenericStub stub(
      grpc::CreateChannel(absl::StrCat("127.0.0.1:", k), grpc::InsecureChannelCredentials()));
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(RealClock().Now() + absl::Seconds(30)));
  grpc::CompletionQueue cq;
  std::unique_ptr<grpc::GenericClientAsyncReaderWriter> call =
      stub.PrepareCall(&context, "/unggul.sync.v1.KanwilSync/Sync", &cq);
  void* tag = nullptr;
  bool ok = false;
  call->StartCall(reinterpret_cast<void*>(1));
  ASSERT_TRUE(cq.Next(&tag, &ok) && ok);
  const std::string garbage = "\xff\xff\xff\xff\x0f garbage, not a NodeMessage";
  grpc::Slice slice(garbage);
  grpc::ByteBuffer buffer(&slice, 1);
  call->Write(buffer, reinterpret_cast<void*>(2));
  ASSERT_TRUE(cq.Next(&tag, &ok));
  grpc::Status status;
  call->Finish(&status, reinterpret_cast<void*>(3));
  ASSERT_TRUE(cq.Next(&tag, &ok));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << status.error_message();
  EXPECT_THAT(status.error_message(), HasSubstr("could not be parsed"));
  RunResult r = Ctl(k, {"kanwil", "products"});
  EXPECT_THAT(r.out, ::testing::Not(HasSubstr("SMS-")));
}

// grpc.health.v1.Health/Check for `service`, by hand (HealthCheckRequest{service = 1},
// HealthCheckResponse{status = 1}); returns the status number (1 = SERVING) or -code on error.
int HealthOf(int port, const std::string& service) {
  grpc::GenericStub stub(
      grpc::CreateChannel(absl::StrCat("127.0.0.1:", port), grpc::InsecureChannelCredentials()));
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(RealClock().Now() + absl::Seconds(30)));
  std::string request;
  if (!service.empty()) {
    request = std::string(1, '\x0a') + static_cast<char>(service.size()) + service;
  }
  grpc::Slice slice(request);
  grpc::ByteBuffer in(&slice, 1);
  grpc::ByteBuffer out;
  absl::Mutex mu;
  bool done = false;
  grpc::Status status;
  stub.UnaryCall(&context, "/grpc.health.v1.Health/Check", grpc::StubOptions(), &in, &out,
                 [&](grpc::Status s) {
                   absl::MutexLock lock(&mu);
                   status = std::move(s);
                   done = true;
                 });
  absl::MutexLock lock(&mu);
  mu.Await(absl::Condition(&done));
  if (!status.ok()) return -static_cast<int>(status.error_code());
  std::vector<grpc::Slice> slices;
  if (!out.Dump(&slices).ok()) return -100;
  std::string bytes;
  for (const grpc::Slice& s : slices)
    bytes.append(reinterpret_cast<const char*>(s.begin()), s.size());
  return bytes.size() == 2 && bytes[0] == '\x08' ? bytes[1] : 0;
}

TEST_F(SyncSecurityE2eTest, HealthKnowsEveryServiceByName) {
  const int k = StartKanwil();
  const int n = StartNode(node_a_, dir_.path() + "/lahat", k, "lahat");
  EXPECT_EQ(HealthOf(k, ""), 1);
  for (const char* service : {"unggul.sync.v1.KanwilSync", "unggul.kanwil.v1.KanwilDashboard",
                              "unggul.kanwil.v1.KanwilDesignations"}) {
    EXPECT_EQ(HealthOf(k, service), 1) << service;
  }
  EXPECT_EQ(HealthOf(n, ""), 1);
  EXPECT_EQ(HealthOf(n, "unggul.node.v1.UptNode"), 1);
  EXPECT_EQ(HealthOf(n, "unggul.node.v1.NoSuchService"),
            -static_cast<int>(grpc::StatusCode::NOT_FOUND));
}

// A busy port is never shared (gRPC enables SO_REUSEPORT by default): a second server on a live
// server's port refuses to start with one line naming the address, and the first keeps serving.
TEST_F(SyncSecurityE2eTest, ASecondServerOnABusyPortRefusesToStart) {
  const int k = StartKanwil();
  const int n = StartNode(node_a_, dir_.path() + "/lahat", k, "lahat");
  const std::string node_addr = absl::StrCat("127.0.0.1:", n);
  absl::StatusOr<RunResult> second =
      ::unggul::testing::Run({UPT_NODE_BIN, "--insecure", "--upt_code=SMS-LP-SEKAYU",
                              "--data_dir=" + dir_.path() + "/sekayu", "--listen=" + node_addr},
                             absl::Seconds(60));
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_NE(second->exit_code, 0);
  EXPECT_THAT(second->err, HasSubstr(absl::StrCat("cannot listen on ", node_addr)));
  const std::string kanwil_addr = absl::StrCat("127.0.0.1:", k);
  second = ::unggul::testing::Run(
      {KANWIL_AGGREGATOR_BIN, "--insecure", "--data_dir=" + dir_.path() + "/kanwil2",
       "--registry_file=" + fixture_ + "/registry.csv", "--listen=" + kanwil_addr},
      absl::Seconds(60));
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_NE(second->exit_code, 0);
  EXPECT_THAT(second->err, HasSubstr(absl::StrCat("cannot listen on ", kanwil_addr)));
  // Every call reaches the first servers.
  for (int i = 0; i < 10; ++i) {
    RunResult r = Ctl(n, {"info"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_THAT(r.out, HasSubstr(kLahat));
  }
  EXPECT_EQ(Ctl(k, {"kanwil", "upts"}).exit_code, 0);
}

// A handful of clients must not disable a node: pending WaitForSync calls hold no thread, are
// limited per caller, and cancelling frees them at once.
TEST_F(SyncSecurityE2eTest, PendingWaitsDoNotBlockTheNodeAndCancellingFreesThem) {
  // The Kanwil is unreachable (nothing listens there), so every wait stays pending.
  const int n = Start(
      node_a_,
      {UPT_NODE_BIN, "--insecure", absl::StrCat("--upt_code=", kLahat),
       "--data_dir=" + dir_.path() + "/lahat", "--aggregator_addr=127.0.0.1:1", "--max_threads=4"},
      "lahat");
  ASSERT_EQ(
      Ctl(n, {"product", "create", "--json", Product("SMS-LP-LAHAT-GSJM", "Gula Semut")}).exit_code,
      0);
  auto channel =
      grpc::CreateChannel(absl::StrCat("127.0.0.1:", n), grpc::InsecureChannelCredentials());
  auto stub = node::v1::UptNode::NewStub(channel);
  constexpr int kCalls = 32;
  std::vector<std::unique_ptr<grpc::ClientContext>> contexts;
  std::vector<node::v1::NodeInfo> replies(kCalls);
  const node::v1::WaitForSyncRequest request;  // wait for the node's last seq
  absl::Mutex mu;
  std::vector<grpc::Status> ended;
  for (int i = 0; i < kCalls; ++i) {
    auto& context = contexts.emplace_back(std::make_unique<grpc::ClientContext>());
    context->set_deadline(absl::ToChronoTime(RealClock().Now() + absl::Minutes(5)));
    stub->async()->WaitForSync(context.get(), &request, &replies[i], [&mu, &ended](grpc::Status s) {
      absl::MutexLock lock(&mu);
      ended.push_back(std::move(s));
    });
  }
  // Beyond 16 per caller the node refuses at once, naming the limit.
  auto count_ended = [&](size_t n_ended) {
    absl::MutexLock lock(&mu);
    auto done = [&]() ABSL_SHARED_LOCKS_REQUIRED(mu) { return ended.size() >= n_ended; };
    return mu.AwaitWithTimeout(absl::Condition(&done), absl::Seconds(30));
  };
  ASSERT_TRUE(count_ended(16));
  {
    absl::MutexLock lock(&mu);
    ASSERT_EQ(ended.size(), 16u);
    for (const grpc::Status& s : ended) {
      EXPECT_EQ(s.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
      EXPECT_THAT(s.error_message(), HasSubstr("max_pending_waits_per_peer: 16"));
    }
  }
  // With 16 waits pending on a node of 4 threads, every other call is still answered.
  for (int i = 0; i < 8; ++i) {
    ASSERT_EQ(Ctl(n, {"product", "create", "--json",
                      Product(absl::StrCat("SMS-LP-LAHAT-P", i), "Produk")})
                  .exit_code,
              0);
  }
  EXPECT_EQ(Ctl(n, {"info"}).exit_code, 0);
  // Cancelling frees them at once (long before their 5-minute deadline).
  for (auto& context : contexts) context->TryCancel();
  ASSERT_TRUE(count_ended(kCalls));
  {
    absl::MutexLock lock(&mu);
    for (size_t i = 16; i < ended.size(); ++i) {
      EXPECT_EQ(ended[i].error_code(), grpc::StatusCode::CANCELLED) << ended[i].error_message();
    }
  }
  // The slots are free again: a new wait is accepted and runs to its own deadline.
  RunResult r = Ctl(n, {"sync", "wait", "--wait", "1"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("DEADLINE_EXCEEDED"));
}

}  // namespace
}  // namespace unggul::testing

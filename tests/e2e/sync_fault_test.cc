// Crash suite with the real binaries. One kanwil-aggregator and four upt-nodes
// of Kanwil Sumsel; each node reaches the aggregator through its own fault-injecting TCP proxy.
//
// 1. Writes under fire: two writer threads per node (Lahat, Pagar Alam, Sekayu) record production
//    batches without pause while a seeded schedule SIGKILLs nodes and the aggregator (one kill per
//    round) and cuts, cuts mid-batch, partitions and throttles (1 Mbit/s) the links. A write that
//    fails is retried with the same request_id and payload until acknowledged, so writes are in
//    flight at the kills. Between faults the schedule waits for events: the restarted node's
//    writers get writes acknowledged again, or a node's changes are acknowledged by the
//    restarted aggregator.
// 2. Snapshot kills: the Muara Enim node is wiped (a new incarnation; its acknowledged writes are
//    dropped on purpose), fills up behind a partition, and the aggregator is SIGKILLed once the
//    throttled link has carried part of the snapshot. The Kanwil must then still hold the old
//    replica, untouched, and after the retransfer exactly the new one.
// 3. Publication kills: with the Lahat fixture ranked, a designation goes to APPROVED and PUBLISH
//    (later REVOKE) races a SIGKILL of the aggregator; a transition acknowledged before the kill
//    must survive it, one lost with it is retried.
// At the end every node holds exactly its acknowledged writes (none lost, none doubled: last_seq
// grew by exactly one per write), and for every UPT the Kanwil's digest and HWM equal the node's;
// every node holds every publication revision; the audit log verifies. One summary line is
// printed, with the seed.
//
// UNGGUL_FAULT_SEED replays a schedule; UNGGUL_FAULT_ROUNDS sets the number of fault rounds
// (default 200) for a longer soak. No fixed ports or paths; every wait is on an event with a
// deadline.

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/records/records.h"
#include "common/status/grpc_status.h"
#include "common/status/status_macros.h"
#include "common/testing/status_matchers.h"
#include "common/testing/temp_dir.h"
#include "common/time/clock.h"
#include "gmock/gmock.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/support/channel_arguments.h"
#include "gtest/gtest.h"
#include "services/cli/kanwil_client.h"
#include "services/cli/node_client.h"
#include "tests/e2e/fault_proxy.h"
#include "tests/e2e/process.h"

namespace unggul::testing {
namespace {

namespace v1 = ::unggul::node::v1;
namespace kv1 = ::unggul::kanwil::v1;

// Real Sumsel UPT codes (DOMAIN.md §1.4). The first three write under fire; the fourth is wiped
// and re-snapshotted.
constexpr std::array<const char*, 3> kWriterUpts = {"SMS-LP-LAHAT", "SMS-LP-PAGARALAM",
                                                    "SMS-LP-SEKAYU"};
constexpr char kLahat[] = "SMS-LP-LAHAT";
constexpr char kSnapshotUpt[] = "SMS-LP-MUARAENIM";
// The fixture's ranked Lahat product and its pinned assessment period.
constexpr char kFixtureProduct[] = "SMS-LP-LAHAT-GSJM";
constexpr char kStartMonth[] = "2025-11";
constexpr char kEndMonth[] = "2026-10";

constexpr int kWritersPerUpt = 2;
constexpr int kDefaultRounds = 200;
constexpr int kMinKills = 200;       // in a default run
constexpr int kSnapshotRepeats = 3;  // + 1 per 500 rounds
constexpr int kSnapshotRecords = 3000;
constexpr int kSnapshotWriters = 4;
constexpr int kPublicationRounds = 4;  // + 1 per 250 rounds
// Writes each writer may make per kill: the volume follows the faults, and the victim's writers
// are still busy when the kill lands.
constexpr int kWritesPerKill = 40;
// Writes a node's writers must get acknowledged before it is killed, and again after its restart
// before the next fault.
constexpr int kAcksBeforeKill = 2;
constexpr int kAcksAfterNodeRestart = 4;
constexpr int64_t kLinkRate = 125'000;  // 1 Mbit/s, a prison link
constexpr absl::Duration kStartTimeout = absl::Seconds(60);
constexpr absl::Duration kEventTimeout = absl::Seconds(90);
constexpr absl::Duration kFinalSyncTimeout = absl::Seconds(240);

// The writers' product on each node.
std::string WriterProduct(const std::string& upt) { return upt + "-UJI1"; }

std::string Thousands(int64_t n) {
  std::string digits = absl::StrCat(n < 0 ? -n : n);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return n < 0 ? "-" + out : out;
}

std::string LogTail(const std::string& path) {
  std::ifstream in(path);
  std::stringstream all;
  all << in.rdbuf();
  const std::string text = all.str();
  return text.size() > 3000 ? text.substr(text.size() - 3000) : text;
}

// A channel to a server that gets killed and restarted on the same port: its own subchannel (no
// sharing between channels) and reconnect backoff capped at 250 ms.
std::shared_ptr<grpc::Channel> Dial(int port) {
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 50);
  args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 50);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 250);
  return grpc::CreateCustomChannel(absl::StrCat("127.0.0.1:", port),
                                   grpc::InsecureChannelCredentials(), args);
}

// Statuses a kill, cut or overload produces; anything else is an answer and is not retried.
bool Retryable(grpc::StatusCode code) {
  return code == grpc::StatusCode::UNAVAILABLE || code == grpc::StatusCode::DEADLINE_EXCEEDED ||
         code == grpc::StatusCode::UNKNOWN || code == grpc::StatusCode::CANCELLED ||
         code == grpc::StatusCode::ABORTED;
}

// A batch of the writers' product, dated before the fixture's ranking period so that the writes
// cannot move the ranking the designation rounds rely on.
v1::RecordBatchRequest BatchRequest(const std::string& upt, const std::string& code,
                                    std::mt19937_64& rng) {
  v1::RecordBatchRequest req;
  req.set_request_id("req:" + code);
  v1::ProductionBatch& b = *req.mutable_batch();
  b.set_batch_code(code);
  b.set_product_id(WriterProduct(upt));
  b.set_start_date(absl::StrFormat("2025-%02d-%02d", 1 + rng() % 9, 1 + rng() % 28));
  b.set_qty_produced(1 + static_cast<double>(rng() % 500) / 10);
  b.set_unit(v1::UNIT_PCS);
  b.set_inmates_engaged_count(static_cast<int>(rng() % 10));  // 1..2 exercise the projection
  b.set_workshop_id("bengkel-" + absl::StrCat(rng() % 4));
  return req;
}

struct WriteOutcome {
  int failures = 0;       // attempts that failed before the acknowledgement
  bool replayed = false;  // the acknowledgement said an earlier attempt had landed
};

// Sends `req` until the node acknowledges it, with the same request_id and payload every time.
// wait_for_ready: while the node is down the attempt waits for it (deadline) instead of failing.
// Fails on an answer that no fault explains (e.g. ALREADY_EXISTS), or when `abandon` is set.
absl::StatusOr<WriteOutcome> WriteUntilAcked(v1::UptNode::Stub& stub,
                                             const v1::RecordBatchRequest& req,
                                             const std::atomic<bool>& abandon) {
  WriteOutcome out;
  const absl::Time give_up = unggul::RealClock().Now() + absl::Minutes(4);
  while (true) {
    grpc::ClientContext context;
    context.set_wait_for_ready(true);
    context.set_deadline(absl::ToChronoTime(unggul::RealClock().Now() + absl::Seconds(15)));
    v1::BatchResponse response;
    const grpc::Status s = stub.RecordBatch(&context, req, &response);
    if (s.ok()) {
      if (response.batch().batch_code() != req.batch().batch_code()) {
        return absl::InternalError(absl::StrCat("write ", req.request_id(), " acknowledged as ",
                                                response.batch().batch_code()));
      }
      out.replayed = response.replayed();
      return out;
    }
    if (!Retryable(s.error_code())) {
      return absl::Status(FromGrpcStatus(s).code(),
                          absl::StrCat("write ", req.request_id(), " after ", out.failures,
                                       " failed attempts: ", s.error_message()));
    }
    ++out.failures;
    if (abandon.load() || unggul::RealClock().Now() > give_up) {
      return absl::DeadlineExceededError(absl::StrCat("write ", req.request_id(),
                                                      " not acknowledged after ", out.failures,
                                                      " attempts: ", s.error_message()));
    }
  }
}

// Acknowledged writes and the writers' allowance, shared by the writer threads and the schedule.
// Thread-safe.
class Ledger {
 public:
  // Lets every writer make `writes` more writes.
  void Grant(int64_t writes) {
    absl::MutexLock lock(&mu_);
    granted_ += writes;
  }
  // Blocks until a writer may make its write number `n` (0-based); false once Stop()ped.
  bool AwaitTurn(int64_t n) const {
    absl::MutexLock lock(&mu_);
    auto ready = [&] { return stopping_ || n < granted_; };
    mu_.Await(absl::Condition(&ready));
    return !stopping_;
  }
  void Stop() {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }

  void Ack(const std::string& upt, const std::string& code, const WriteOutcome& outcome) {
    absl::MutexLock lock(&mu_);
    Upt& u = upts_[upt];
    if (!u.codes.insert(code).second) {
      errors_.push_back(absl::StrCat("batch ", code, " acknowledged twice by the test"));
    }
    ++u.acked;
    ++total_;
    if (outcome.failures > 0) ++in_flight_at_fault_;
    if (outcome.failures > 0 && outcome.replayed) ++landed_before_fault_;
    if (outcome.failures == 0 && outcome.replayed) {
      errors_.push_back(absl::StrCat("the first attempt of ", code, " was answered as a replay"));
    }
  }
  void Error(std::string message) {
    absl::MutexLock lock(&mu_);
    errors_.push_back(std::move(message));
  }
  // A node was wiped on purpose: its acknowledged writes are gone with it.
  void Forget(const std::string& upt) {
    absl::MutexLock lock(&mu_);
    upts_[upt].codes.clear();
  }
  // Writes acknowledged by `upt` since the start (wipes included).
  int64_t Acked(const std::string& upt) const {
    absl::MutexLock lock(&mu_);
    auto it = upts_.find(upt);
    return it == upts_.end() ? 0 : it->second.acked;
  }
  // Blocks until `upt` has Acked() >= n; false at the timeout.
  bool AwaitAcked(const std::string& upt, int64_t n, absl::Duration timeout) const {
    absl::MutexLock lock(&mu_);
    auto reached = [&] {
      auto it = upts_.find(upt);
      return it != upts_.end() && it->second.acked >= n;
    };
    return mu_.AwaitWithTimeout(absl::Condition(&reached), timeout);
  }
  std::set<std::string> Codes(const std::string& upt) const {
    absl::MutexLock lock(&mu_);
    auto it = upts_.find(upt);
    return it == upts_.end() ? std::set<std::string>() : it->second.codes;
  }
  int64_t total() const {
    absl::MutexLock lock(&mu_);
    return total_;
  }
  int64_t in_flight_at_fault() const {
    absl::MutexLock lock(&mu_);
    return in_flight_at_fault_;
  }
  int64_t landed_before_fault() const {
    absl::MutexLock lock(&mu_);
    return landed_before_fault_;
  }
  std::vector<std::string> errors() const {
    absl::MutexLock lock(&mu_);
    return errors_;
  }

 private:
  struct Upt {
    std::set<std::string> codes;  // acknowledged and expected on the node
    int64_t acked = 0;
  };
  mutable absl::Mutex mu_;
  int64_t granted_ ABSL_GUARDED_BY(mu_) = 0;  // writes allowed per writer so far
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::map<std::string, Upt> upts_ ABSL_GUARDED_BY(mu_);
  int64_t total_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t in_flight_at_fault_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t landed_before_fault_ ABSL_GUARDED_BY(mu_) = 0;
  std::vector<std::string> errors_ ABSL_GUARDED_BY(mu_);
};

// A server binary restarted on the port it got the first time.
struct Server {
  std::vector<std::string> argv;  // without --listen and --port_file
  std::string log;
  int port = 0;  // 0 until the first start
  std::optional<Process> process;
  int starts = 0;
  absl::Duration start_time;  // spawn to port reported, summed over starts
};

struct Totals {
  int node_kills = 0;
  int aggregator_kills = 0;
  int snapshot_kills = 0;
  int publication_kills = 0;
  int cuts = 0;  // CutAll and mid-batch cut actions
  int partitions = 0;
  int throttles = 0;
  int snapshots = 0;  // wiped incarnations re-snapshotted
  int publications_applied_before_kill = 0;
  int publications_retried = 0;
};

class SyncFaultTest : public ::testing::Test {
 protected:
  void TearDown() override {
    abandon_ = true;
    StopWriters();
    if (HasFailure()) {
      for (auto& [upt, node] : nodes_) Kill(node);
      Kill(kanwil_);
      const std::string keep =
          absl::StrCat(::testing::TempDir(), "/sync_fault_test-seed", seed_, "-pid", getpid());
      ::unggul::testing::Run({"/bin/cp", "-a", dir_.path(), keep}).status().IgnoreError();
      std::printf("seed %llu failed; data dirs and server logs kept in %s\n",
                  static_cast<unsigned long long>(seed_), keep.c_str());
    }
  }

  // Starts `server` (on its old port when it had one) and waits for the port it reports.
  absl::Status Start(Server& server) {
    const std::string fifo = absl::StrCat(dir_.path(), "/port-", fifos_++);
    UNGGUL_ASSIGN_OR_RETURN(FifoReader reader, FifoReader::Create(fifo));
    std::vector<std::string> argv = server.argv;
    argv.push_back(absl::StrCat("--listen=127.0.0.1:", server.port));
    argv.push_back("--port_file=" + fifo);
    const absl::Time spawned = unggul::RealClock().Now();
    UNGGUL_ASSIGN_OR_RETURN(Process process, Process::Start(argv, server.log));
    absl::StatusOr<std::string> line = reader.ReadLine(kStartTimeout);
    int port = 0;
    if (!line.ok() || !absl::SimpleAtoi(*line, &port) ||
        (server.port != 0 && port != server.port)) {
      return absl::InternalError(absl::StrCat(argv[0], " did not start on port ", server.port,
                                              "; its log ends:\n", LogTail(server.log)));
    }
    server.port = port;
    server.process.emplace(std::move(process));
    server.starts += 1;
    server.start_time += unggul::RealClock().Now() - spawned;
    std::remove(fifo.c_str());
    return absl::OkStatus();
  }

  static void Kill(Server& server) {
    if (!server.process) return;
    server.process->Signal(SIGKILL);
    server.process->Wait();
    server.process.reset();
  }

  std::unique_ptr<cli::NodeClient> Node(const std::string& upt) {
    return std::make_unique<cli::NodeClient>(Dial(nodes_.at(upt).port), absl::Seconds(30));
  }
  std::unique_ptr<cli::KanwilClient> Kanwil() {
    return std::make_unique<cli::KanwilClient>(Dial(kanwil_.port), absl::Seconds(30));
  }

  RunResult Ctl(int port, std::vector<std::string> args) {
    std::vector<std::string> argv = {UNGGULCTL_BIN, absl::StrCat("--addr=127.0.0.1:", port),
                                     "--insecure"};
    argv.insert(argv.end(), args.begin(), args.end());
    absl::StatusOr<RunResult> r = ::unggul::testing::Run(argv, absl::Seconds(300));
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? *r : RunResult{};
  }

  // ---- Set-up --------------------------------------------------------------------------------

  void StartCluster() {
    const std::string fx = dir_.path() + "/fixture";
    absl::StatusOr<RunResult> gen =
        ::unggul::testing::Run({UNGGULCTL_BIN, "fixture", "--out", fx, "--end-month", kEndMonth});
    ASSERT_TRUE(gen.ok()) << gen.status();
    ASSERT_EQ(gen->exit_code, 0) << gen->err;

    kanwil_.argv = {KANWIL_AGGREGATOR_BIN, "--insecure", "--data_dir=" + dir_.path() + "/kanwil",
                    "--registry_file=" + fx + "/registry.csv"};
    kanwil_.log = dir_.path() + "/kanwil.log";
    UNGGUL_ASSERT_OK(Start(kanwil_));

    std::vector<std::string> upts(kWriterUpts.begin(), kWriterUpts.end());
    upts.push_back(kSnapshotUpt);
    for (const std::string& upt : upts) {
      UNGGUL_ASSERT_OK_AND_ASSIGN(links_[upt], FaultProxy::Start("127.0.0.1", kanwil_.port));
      Server& node = nodes_[upt];
      node.argv = {UPT_NODE_BIN,
                   "--insecure",
                   "--upt_code=" + upt,
                   "--data_dir=" + DataDir(upt),
                   absl::StrCat("--aggregator_addr=127.0.0.1:", links_[upt]->port()),
                   "--sync_heartbeat=200ms",
                   "--sync_max_backoff=500ms",
                   "--sync_max_batch_bytes=4096"};
      node.log = dir_.path() + "/" + upt + ".log";
      UNGGUL_ASSERT_OK(Start(node));
    }
    UNGGUL_ASSERT_OK_AND_ASSIGN(designation_link_, FaultProxy::Start("127.0.0.1", kanwil_.port));

    // The Lahat fixture, replicated, verified and assessed: SMS-LP-LAHAT-GSJM is RANKED.
    RunResult r = Ctl(nodes_[kLahat].port, {"import", "dir", fx + "/" + kLahat});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    for (const std::string& upt : upts) ASSERT_NO_FATAL_FAILURE(CreateWriterProduct(upt));
    UNGGUL_ASSERT_OK(Node(kLahat)->WaitForSync(0, kEventTimeout).status());
    std::unique_ptr<cli::KanwilClient> kanwil = Kanwil();
    kv1::VerifyMonthlyReportsRequest verify;
    verify.set_upt_code(kLahat);
    verify.set_start_month(kStartMonth);
    verify.set_end_month(kEndMonth);
    verify.set_verified_by("kasi.bimker");
    UNGGUL_ASSERT_OK_AND_ASSIGN(kv1::VerifyMonthlyReportsResponse verified,
                                kanwil->VerifyMonthlyReports(verify));
    ASSERT_GT(verified.product_months_verified(), 0);
    for (const char* indicator : {"C3", "C4", "D2", "D4"}) {
      for (const char* assessor : {"asesor.1", "asesor.2", "asesor.3"}) {
        kv1::Assessment a;
        a.set_product_id(kFixtureProduct);
        a.set_indicator(indicator);
        a.set_assessor_id(assessor);
        a.set_score(3);
        a.set_start_month(kStartMonth);
        a.set_end_month(kEndMonth);
        UNGGUL_ASSERT_OK(kanwil->SubmitAssessment(a).status());
      }
    }
    kv1::GetProductScoreRequest score_req;
    score_req.set_product_id(kFixtureProduct);
    score_req.set_start_month(kStartMonth);
    score_req.set_end_month(kEndMonth);
    UNGGUL_ASSERT_OK_AND_ASSIGN(kv1::ProductScore score, kanwil->GetProductScore(score_req));
    ASSERT_TRUE(score.eligible() && score.rank() > 0) << score.DebugString();

    // Every write from here on adds exactly one changelog entry.
    for (const std::string& upt : upts) {
      UNGGUL_ASSERT_OK_AND_ASSIGN(v1::NodeInfo info, Node(upt)->GetNodeInfo());
      baseline_seq_[upt] = info.last_seq();
      baseline_batches_[upt] = info.counts().batches();
    }
    // The snapshot UPT's first incarnation, replicated.
    ASSERT_NO_FATAL_FAILURE(FillSnapshotUpt("I0", 300));
    UNGGUL_ASSERT_OK(Node(kSnapshotUpt)->WaitForSync(0, kEventTimeout).status());
  }

  std::string DataDir(const std::string& upt) const { return dir_.path() + "/" + upt; }

  void CreateWriterProduct(const std::string& upt) {
    v1::CreateProductRequest req;
    req.set_request_id("create-" + WriterProduct(upt));
    req.mutable_product()->set_product_id(WriterProduct(upt));
    req.mutable_product()->set_name("Keset sabut kelapa uji " + upt);
    req.mutable_product()->set_category(v1::CATEGORY_KERAJINAN);
    UNGGUL_ASSERT_OK(Node(upt)->CreateProduct(req).status());
  }

  // ---- Writers -------------------------------------------------------------------------------

  void StartWriters() {
    for (const char* upt : kWriterUpts) {
      for (int w = 0; w < kWritersPerUpt; ++w) {
        writers_.emplace_back([this, upt, w, port = nodes_[upt].port] {
          std::unique_ptr<v1::UptNode::Stub> stub = v1::UptNode::NewStub(Dial(port));
          std::mt19937_64 rng(seed_ ^ std::hash<std::string>()(upt) ^ (w + 1));
          for (int n = 0; ledger_.AwaitTurn(n); ++n) {
            const std::string code = absl::StrFormat("%s-W%d-%06d", upt, w, n);
            const v1::RecordBatchRequest req = BatchRequest(upt, code, rng);
            absl::StatusOr<WriteOutcome> outcome = WriteUntilAcked(*stub, req, abandon_);
            if (!outcome.ok()) return ledger_.Error(outcome.status().ToString());
            ledger_.Ack(upt, code, *outcome);
          }
        });
      }
    }
  }

  // Each writer finishes its write in flight (retrying until acknowledged), then returns.
  void StopWriters() {
    ledger_.Stop();
    for (std::thread& t : writers_) t.join();
    writers_.clear();
  }

  // Writes `n` batches to the snapshot UPT's node from several threads; all acknowledged.
  void FillSnapshotUpt(const std::string& tag, int n) {
    const int port = nodes_[kSnapshotUpt].port;
    std::atomic<int64_t> bytes{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < kSnapshotWriters; ++t) {
      threads.emplace_back([&, t] {
        std::unique_ptr<v1::UptNode::Stub> stub = v1::UptNode::NewStub(Dial(port));
        std::mt19937_64 rng(seed_ ^ (t + 101));
        for (int i = t; i < n; i += kSnapshotWriters) {
          const std::string code = absl::StrFormat("%s-%s-%05d", kSnapshotUpt, tag, i);
          const v1::RecordBatchRequest req = BatchRequest(kSnapshotUpt, code, rng);
          absl::StatusOr<WriteOutcome> outcome = WriteUntilAcked(*stub, req, abandon_);
          if (!outcome.ok()) return ledger_.Error(outcome.status().ToString());
          ledger_.Ack(kSnapshotUpt, code, *outcome);
          bytes += static_cast<int64_t>(req.batch().ByteSizeLong());
        }
      });
    }
    for (std::thread& t : threads) t.join();
    snapshot_payload_bytes_ = bytes.load();
    const std::vector<std::string> errors = ledger_.errors();
    ASSERT_TRUE(errors.empty()) << absl::StrJoin(errors, "\n");
  }

  // ---- Faults --------------------------------------------------------------------------------

  // Lets the writers write, and returns once `upt`'s writers are busy.
  void GrantAndAwaitWriting(const std::string& upt) {
    const int64_t acked = ledger_.Acked(upt);
    ledger_.Grant(kWritesPerKill);
    ASSERT_TRUE(ledger_.AwaitAcked(upt, acked + kAcksBeforeKill, kEventTimeout))
        << upt
        << " acknowledges no writes; writer errors: " << absl::StrJoin(ledger_.errors(), "\n")
        << "\nlog:\n"
        << LogTail(nodes_[upt].log);
  }

  void KillNode(const std::string& upt) {
    ASSERT_NO_FATAL_FAILURE(GrantAndAwaitWriting(upt));
    const int64_t acked = ledger_.Acked(upt);
    Kill(nodes_[upt]);
    ++totals_.node_kills;
    UNGGUL_ASSERT_OK(Start(nodes_[upt]));
    // Back in service once its writers get writes acknowledged again.
    ASSERT_TRUE(ledger_.AwaitAcked(upt, acked + kAcksAfterNodeRestart, kEventTimeout))
        << upt << " acknowledged no writes after its restart; writer errors: "
        << absl::StrJoin(ledger_.errors(), "\n") << "\nlog:\n"
        << LogTail(nodes_[upt].log);
  }

  void RestartAggregator() {
    ASSERT_NO_FATAL_FAILURE(GrantAndAwaitWriting(kWriterUpts[rng_() % kWriterUpts.size()]));
    Kill(kanwil_);
    ++totals_.aggregator_kills;
    UNGGUL_ASSERT_OK(Start(kanwil_));
  }

  // After an aggregator restart: waits until a writer node with an open link has its changes
  // (up to its last_seq now) acknowledged by the new aggregator process.
  void AwaitAggregatorApplying() {
    const size_t first = rng_() % kWriterUpts.size();
    for (size_t i = 0; i < kWriterUpts.size(); ++i) {
      const std::string& upt = kWriterUpts[(first + i) % kWriterUpts.size()];
      if (partitioned_[upt]) continue;
      absl::StatusOr<v1::NodeInfo> info = Node(upt)->WaitForSync(0, kEventTimeout);
      ASSERT_TRUE(info.ok()) << upt
                             << " did not sync with the restarted aggregator: " << info.status()
                             << "\nkanwil log:\n"
                             << LogTail(kanwil_.log) << "\nnode log:\n"
                             << LogTail(nodes_[upt].log);
      return;
    }
  }

  // A link fault on one writer UPT's link (about every other round), then one kill.
  void FaultRound() {
    if (rng_() % 2 == 0) {
      const std::string& upt = kWriterUpts[rng_() % kWriterUpts.size()];
      FaultProxy& link = *links_[upt];
      switch (rng_() % 4) {
        case 0:
          link.CutAll();
          ++totals_.cuts;
          break;
        case 1: {  // cut mid-batch: the next few KiB towards the Kanwil, then the connection
          const int64_t cuts = link.cuts();
          link.SetCutAfterBytes(200 + static_cast<int64_t>(rng_() % 6000));
          ++totals_.cuts;
          // An idle link carries only heartbeats: writes make the node stream change batches.
          const absl::Time deadline = unggul::RealClock().Now() + kEventTimeout;
          do {
            ASSERT_LT(unggul::RealClock().Now(), deadline) << upt << "'s link was never cut";
            ledger_.Grant(kWritesPerKill);
          } while (!link.WaitForCuts(cuts + 1, absl::Seconds(1)));
          link.SetCutAfterBytes(0);
          break;
        }
        case 2:
          partitioned_[upt] = !partitioned_[upt];
          link.SetPartitioned(partitioned_[upt]);
          if (partitioned_[upt]) ++totals_.partitions;
          break;
        default:
          throttled_[upt] = !throttled_[upt];
          link.SetRateLimit(throttled_[upt] ? kLinkRate : 0);
          if (throttled_[upt]) ++totals_.throttles;
          break;
      }
    }
    if (rng_() % 5 == 0) {
      ASSERT_NO_FATAL_FAILURE(RestartAggregator());
      ASSERT_NO_FATAL_FAILURE(AwaitAggregatorApplying());
    } else {
      ASSERT_NO_FATAL_FAILURE(KillNode(kWriterUpts[rng_() % kWriterUpts.size()]));
    }
  }

  // Wipes the snapshot UPT's node (a new incarnation), fills it behind a partition, then lets the
  // snapshot through at 1 Mbit/s and SIGKILLs the aggregator part-way through it, once or twice.
  void SnapshotRound(int repeat) {
    const std::string upt = kSnapshotUpt;
    FaultProxy& link = *links_[upt];
    UNGGUL_ASSERT_OK_AND_ASSIGN(v1::NodeInfo before, Node(upt)->WaitForSync(0, kEventTimeout));
    UNGGUL_ASSERT_OK_AND_ASSIGN(kv1::UptDigest old_replica, Kanwil()->GetUptDigest(upt));
    ASSERT_EQ(old_replica.incarnation_id(), before.incarnation_id());
    ASSERT_EQ(DigestString(old_replica.digest()), DigestString(before.digest()));

    link.SetPartitioned(true);
    Kill(nodes_[upt]);
    ++totals_.node_kills;
    std::filesystem::remove_all(DataDir(upt));
    ledger_.Forget(upt);
    UNGGUL_ASSERT_OK(Start(nodes_[upt]));
    ASSERT_NO_FATAL_FAILURE(CreateWriterProduct(upt));
    UNGGUL_ASSERT_OK_AND_ASSIGN(v1::NodeInfo empty, Node(upt)->GetNodeInfo());
    baseline_seq_[upt] = empty.last_seq();  // then one changelog entry per acknowledged write
    baseline_batches_[upt] = empty.counts().batches();
    ASSERT_NO_FATAL_FAILURE(FillSnapshotUpt(absl::StrCat("I", repeat + 1), kSnapshotRecords));
    UNGGUL_ASSERT_OK_AND_ASSIGN(v1::NodeInfo fresh, Node(upt)->GetNodeInfo());
    ASSERT_NE(fresh.incarnation_id(), before.incarnation_id());

    link.SetRateLimit(kLinkRate);
    const int kills = 1 + static_cast<int>(rng_() % 2);
    for (int k = 0; k < kills; ++k) {
      // The snapshot carries at least the batches' own bytes: kill within 20..70% of them.
      const int64_t at = link.bytes_client_to_server() +
                         snapshot_payload_bytes_ * (20 + static_cast<int64_t>(rng_() % 51)) / 100;
      link.SetPartitioned(false);
      ASSERT_TRUE(link.WaitForBytes(at, 0, kEventTimeout))
          << "the snapshot did not flow; node log:\n"
          << LogTail(nodes_[upt].log);
      ledger_.Grant(kWritesPerKill);  // the other nodes stream changes meanwhile
      Kill(kanwil_);
      ++totals_.aggregator_kills;
      ++totals_.snapshot_kills;
      link.SetPartitioned(true);  // hold the retransfer until the replica is checked
      UNGGUL_ASSERT_OK(Start(kanwil_));
      // All or nothing: the part-way snapshot left the old replica exactly as it was.
      UNGGUL_ASSERT_OK_AND_ASSIGN(kv1::UptDigest mid, Kanwil()->GetUptDigest(upt));
      EXPECT_EQ(mid.incarnation_id(), old_replica.incarnation_id()) << "repeat " << repeat;
      EXPECT_EQ(mid.hwm(), old_replica.hwm()) << "repeat " << repeat;
      EXPECT_EQ(DigestString(mid.digest()), DigestString(old_replica.digest()))
          << "a partial snapshot changed the replica (repeat " << repeat << ")";
    }
    link.SetPartitioned(false);
    absl::StatusOr<v1::NodeInfo> synced =
        Node(upt)->WaitForSync(fresh.last_seq(), kFinalSyncTimeout);
    ASSERT_TRUE(synced.ok()) << synced.status() << "\nnode log:\n"
                             << LogTail(nodes_[upt].log) << "\nkanwil log:\n"
                             << LogTail(kanwil_.log);
    UNGGUL_ASSERT_OK_AND_ASSIGN(kv1::UptDigest replaced, Kanwil()->GetUptDigest(upt));
    EXPECT_EQ(replaced.incarnation_id(), fresh.incarnation_id());
    EXPECT_EQ(replaced.hwm(), synced->last_seq());
    EXPECT_EQ(DigestString(replaced.digest()), DigestString(synced->digest()));
    EXPECT_GE(synced->sync().snapshots_sent(), 1);
    link.SetRateLimit(0);
    ++totals_.snapshots;
  }

  // ---- Designations --------------------------------------------------------------------------

  static kv1::Actor Actor(const std::string& user, const std::string& role) {
    kv1::Actor a;
    a.set_user(user);
    a.set_role(role);
    return a;
  }

  // The designation as the Kanwil holds it now.
  absl::StatusOr<kv1::Designation> ReadDesignation(const std::string& id) {
    UNGGUL_ASSIGN_OR_RETURN(kv1::ListDesignationsResponse all,
                            Kanwil()->ListDesignations(kv1::ListDesignationsRequest()));
    for (const kv1::Designation& d : all.designations()) {
      if (d.designation_id() == id) return d;
    }
    return absl::NotFoundError(id);
  }

  // Sends `req` from a thread while the aggregator is SIGKILLed: at once, once the request has
  // reached it, or once bytes flow back (mostly the reply: the transition committed). After the
  // restart the transition either happened (and must have, if it was acknowledged) or is
  // retried. Sets *after to the designation as the Kanwil then holds it. A publication whose
  // validity the domain clock has already passed (UNGGUL_NOW far ahead) shows as EXPIRED.
  void RaceTransitionWithKill(const kv1::TransitionDesignationRequest& req,
                              kv1::DesignationStatus from, kv1::DesignationStatus to,
                              kv1::Designation* after) {
    auto reached = [to](kv1::DesignationStatus status) {
      return status == to ||
             (to == kv1::DESIGNATION_STATUS_PUBLISHED && status == kv1::DESIGNATION_STATUS_EXPIRED);
    };
    std::shared_ptr<grpc::Channel> channel = Dial(designation_link_->port());
    ASSERT_TRUE(
        channel->WaitForConnected(absl::ToChronoTime(unggul::RealClock().Now() + kEventTimeout)));
    cli::KanwilClient client(channel, absl::Seconds(30));
    const int64_t up = designation_link_->bytes_client_to_server();
    const int64_t down = designation_link_->bytes_server_to_client();
    absl::StatusOr<kv1::Designation> result = absl::UnknownError("not sent");
    ledger_.Grant(kWritesPerKill);  // the nodes stream changes meanwhile
    std::thread caller([&] { result = client.TransitionDesignation(req); });
    switch (rng_() % 3) {
      case 0:  // at once: the request may not even be out
        break;
      case 1:  // the request reached the Kanwil
        EXPECT_TRUE(designation_link_->WaitForBytes(up + 100, 0, kEventTimeout));
        break;
      default:  // bytes flow back: mostly the reply
        EXPECT_TRUE(designation_link_->WaitForBytes(0, down + 30, kEventTimeout));
        break;
    }
    Kill(kanwil_);
    ++totals_.aggregator_kills;
    ++totals_.publication_kills;
    caller.join();
    UNGGUL_ASSERT_OK(Start(kanwil_));
    UNGGUL_ASSERT_OK_AND_ASSIGN(*after, ReadDesignation(req.designation_id()));
    if (result.ok()) {
      EXPECT_TRUE(reached(after->status()))
          << "an acknowledged " << req.action() << " was lost: " << after->DebugString();
    }
    if (reached(after->status())) {
      ++totals_.publications_applied_before_kill;
      return;
    }
    ASSERT_EQ(after->status(), from) << after->DebugString();
    ++totals_.publications_retried;
    UNGGUL_ASSERT_OK_AND_ASSIGN(kv1::Designation retried, Kanwil()->TransitionDesignation(req));
    ASSERT_EQ(retried.status(), to);
    UNGGUL_ASSERT_OK_AND_ASSIGN(*after, ReadDesignation(req.designation_id()));
    ASSERT_TRUE(reached(after->status())) << after->DebugString();
  }

  void PublicationRound(int round, bool revoke) {
    std::unique_ptr<cli::KanwilClient> kanwil = Kanwil();
    kv1::CreateDesignationRequest create;
    create.set_product_id(kFixtureProduct);
    create.set_level(kv1::DESIGNATION_LEVEL_KANWIL);
    create.set_start_month(kStartMonth);
    create.set_end_month(kEndMonth);
    *create.mutable_actor() = Actor("kalapas.lahat", "KEPALA_UPT");
    UNGGUL_ASSERT_OK_AND_ASSIGN(kv1::Designation d, kanwil->CreateDesignation(create));
    const std::string id = d.designation_id();
    std::vector<std::string>& actions = expected_actions_[id];
    actions.push_back("CREATE");

    auto step = [&](kv1::DesignationAction action, kv1::Actor actor) {
      kv1::TransitionDesignationRequest req;
      req.set_designation_id(id);
      req.set_action(action);
      *req.mutable_actor() = std::move(actor);
      return req;
    };
    UNGGUL_ASSERT_OK(kanwil
                         ->TransitionDesignation(step(kv1::DESIGNATION_ACTION_SUBMIT,
                                                      Actor("kalapas.lahat", "KEPALA_UPT")))
                         .status());
    actions.push_back("SUBMIT");
    UNGGUL_ASSERT_OK(kanwil
                         ->TransitionDesignation(step(kv1::DESIGNATION_ACTION_VERIFY,
                                                      Actor("kabid.yanbin", "KABID_YANBIN_KANWIL")))
                         .status());
    actions.push_back("VERIFY");
    kv1::TransitionDesignationRequest approve =
        step(kv1::DESIGNATION_ACTION_APPROVE, Actor("kakanwil", "KAKANWIL"));
    approve.set_decree_number(absl::StrCat("W6-PAS.04/2026-", round + 1));
    approve.set_decree_date("2026-11-02");
    UNGGUL_ASSERT_OK(kanwil->TransitionDesignation(approve).status());
    actions.push_back("APPROVE");

    kv1::TransitionDesignationRequest publish =
        step(kv1::DESIGNATION_ACTION_PUBLISH, Actor("humas", "HUMAS"));
    publish.set_valid_from("2026-11-01");
    publish.set_valid_until("2027-10-31");
    kv1::Designation published;
    ASSERT_NO_FATAL_FAILURE(RaceTransitionWithKill(publish, kv1::DESIGNATION_STATUS_APPROVED,
                                                   kv1::DESIGNATION_STATUS_PUBLISHED, &published));
    actions.push_back("PUBLISH");
    ++publications_;
    // Nodes restarted in between must still get every notice.
    ASSERT_NO_FATAL_FAILURE(KillNode(kWriterUpts[rng_() % kWriterUpts.size()]));
    if (!revoke || published.status() != kv1::DESIGNATION_STATUS_PUBLISHED) return;
    kv1::TransitionDesignationRequest revocation =
        step(kv1::DESIGNATION_ACTION_REVOKE, Actor("kakanwil", "KAKANWIL"));
    revocation.set_revocation_reason(kv1::REVOCATION_REASON_OTHER);
    revocation.set_note("crash suite round " + absl::StrCat(round + 1));
    kv1::Designation revoked;
    ASSERT_NO_FATAL_FAILURE(RaceTransitionWithKill(revocation, kv1::DESIGNATION_STATUS_PUBLISHED,
                                                   kv1::DESIGNATION_STATUS_REVOKED, &revoked));
    actions.push_back("REVOKE");
    ++publications_;
  }

  // ---- Final checks --------------------------------------------------------------------------

  // Every acknowledged write is on the node and nothing else (set equality of the writers'
  // product's batches; last_seq grew by exactly one per write), and the Kanwil's replica equals
  // the node. Adds to lost_ and extra_.
  void VerifyUpt(const std::string& upt) {
    std::unique_ptr<cli::NodeClient> node = Node(upt);
    absl::StatusOr<v1::NodeInfo> info = node->WaitForSync(0, kFinalSyncTimeout);
    ASSERT_TRUE(info.ok()) << upt << ": " << info.status() << "\nlog:\n"
                           << LogTail(nodes_[upt].log);
    std::set<std::string> on_node;
    v1::ListRecordsOfKindRequest list;
    list.set_kind("batches");
    list.mutable_filter()->set_product_id(WriterProduct(upt));
    list.mutable_filter()->set_page_size(1000);
    while (true) {
      UNGGUL_ASSERT_OK_AND_ASSIGN(v1::ListRecordsOfKindResponse page,
                                  node->ListRecordsOfKind(list));
      for (const v1::Record& r : page.records()) {
        EXPECT_TRUE(on_node.insert(r.batch().batch_code()).second)
            << "listed twice: " << r.batch().batch_code();
      }
      if (page.next_page_token().empty()) break;
      list.mutable_filter()->set_page_token(page.next_page_token());
    }
    const std::set<std::string> acked = ledger_.Codes(upt);
    int64_t lost = 0;
    int64_t extra = 0;
    for (const std::string& code : acked) {
      if (on_node.count(code) == 0) {
        ++lost;
        ADD_FAILURE() << "acknowledged write lost: " << code;
      }
    }
    for (const std::string& code : on_node) {
      if (acked.count(code) == 0) {
        ++extra;
        ADD_FAILURE() << "batch on the node that no writer had acknowledged: " << code;
      }
    }
    // A write applied twice (a retry that was not recognised as one) shows as an extra seq.
    const int64_t seq_growth =
        static_cast<int64_t>(info->last_seq()) - static_cast<int64_t>(baseline_seq_[upt]);
    const int64_t doubled = seq_growth - static_cast<int64_t>(acked.size());
    EXPECT_EQ(doubled, 0) << upt << ": last_seq grew by " << seq_growth << " for " << acked.size()
                          << " acknowledged writes";
    if (doubled > 0) extra += doubled;
    EXPECT_EQ(info->counts().batches(),
              baseline_batches_[upt] + static_cast<int64_t>(on_node.size()))
        << upt;
    lost_ += lost;
    extra_ += extra;

    UNGGUL_ASSERT_OK_AND_ASSIGN(kv1::UptDigest replica, Kanwil()->GetUptDigest(upt));
    EXPECT_EQ(replica.incarnation_id(), info->incarnation_id()) << upt;
    EXPECT_EQ(replica.hwm(), info->last_seq()) << upt;
    EXPECT_EQ(DigestString(replica.digest()), DigestString(info->digest())) << upt;
    std::printf("%s: %s acknowledged writes on the node; node digest %s, Kanwil %s, HWM %llu\n",
                upt.c_str(), Thousands(static_cast<int64_t>(acked.size())).c_str(),
                DigestString(info->digest()).c_str(), DigestString(replica.digest()).c_str(),
                static_cast<unsigned long long>(replica.hwm()));
  }

  // Every node holds every publication revision the Kanwil published; the audit log verifies and
  // holds each transition exactly once.
  void VerifyDesignations() {
    std::unique_ptr<cli::KanwilClient> kanwil = Kanwil();
    UNGGUL_ASSERT_OK_AND_ASSIGN(kv1::ListDesignationsResponse all,
                                kanwil->ListDesignations(kv1::ListDesignationsRequest()));
    int expired = 0;
    for (const kv1::Designation& d : all.designations()) {
      if (d.status() == kv1::DESIGNATION_STATUS_EXPIRED) {  // only once the calendar passes it
        expected_actions_[d.designation_id()].push_back("EXPIRE");
        ++expired;
      }
    }
    EXPECT_EQ(all.publication_revision(), static_cast<uint64_t>(publications_ + expired))
        << "publication revisions other than one per PUBLISH and REVOKE";
    std::vector<std::string> upts(kWriterUpts.begin(), kWriterUpts.end());
    upts.push_back(kSnapshotUpt);
    for (const std::string& upt : upts) {
      std::unique_ptr<cli::NodeClient> node = Node(upt);
      absl::StatusOr<v1::NodeInfo> info =
          node->WaitForSync(0, kFinalSyncTimeout, all.publication_revision());
      ASSERT_TRUE(info.ok()) << upt << ": " << info.status();
      UNGGUL_ASSERT_OK_AND_ASSIGN(v1::ListDesignationsResponse held,
                                  node->ListDesignations(v1::ListDesignationsRequest()));
      EXPECT_EQ(held.revision(), all.publication_revision()) << upt;
      std::map<std::string, v1::DesignationNotice> by_id;
      for (const v1::DesignationNotice& n : held.designations()) by_id[n.designation_id()] = n;
      for (const kv1::Designation& d : all.designations()) {
        if (d.publication_revision() == 0) continue;
        auto it = by_id.find(d.designation_id());
        ASSERT_NE(it, by_id.end()) << upt << " never received " << d.designation_id();
        EXPECT_EQ(it->second.revision(), d.publication_revision()) << upt;
        EXPECT_EQ("DESIGNATION_STATUS_" + it->second.status(),
                  kv1::DesignationStatus_Name(d.status()))
            << upt;
      }
    }
    UNGGUL_ASSERT_OK_AND_ASSIGN(kv1::VerifyAuditLogResponse verified, kanwil->VerifyAuditLog());
    EXPECT_TRUE(verified.ok()) << verified.DebugString();
    kv1::GetAuditLogRequest audit_req;
    audit_req.set_from_seq(1);
    audit_req.set_max_entries(10000);
    UNGGUL_ASSERT_OK_AND_ASSIGN(kv1::GetAuditLogResponse audit, kanwil->GetAuditLog(audit_req));
    std::map<std::string, std::vector<std::string>> logged;
    for (const kv1::AuditEntry& e : audit.entries())
      logged[e.designation_id()].push_back(e.action());
    EXPECT_EQ(logged, expected_actions_);
    size_t entries = 0;
    for (const auto& [id, actions] : expected_actions_) entries += actions.size();
    EXPECT_EQ(verified.entries_checked(), entries);
  }

  ScopedTempDir dir_;
  int fifos_ = 0;
  uint64_t seed_ = 20261129;
  std::mt19937_64 rng_;
  Server kanwil_;
  std::map<std::string, Server> nodes_;
  std::map<std::string, std::unique_ptr<FaultProxy>> links_;  // node -> aggregator, per UPT
  std::unique_ptr<FaultProxy> designation_link_;  // the test's designation calls -> aggregator
  std::map<std::string, bool> partitioned_;
  std::map<std::string, bool> throttled_;
  std::map<std::string, uint64_t> baseline_seq_;
  std::map<std::string, int64_t> baseline_batches_;
  int64_t snapshot_payload_bytes_ = 0;
  std::map<std::string, std::vector<std::string>> expected_actions_;  // audit, per designation
  int publications_ = 0;
  Ledger ledger_;
  Totals totals_;
  int64_t lost_ = 0;
  int64_t extra_ = 0;
  std::atomic<bool> abandon_{false};  // give up retrying (tear-down after a failure)
  std::vector<std::thread> writers_;
};

TEST_F(SyncFaultTest, KillsCutsPartitionsSnapshotsAndPublicationsLoseAndDoubleNothing) {
  if (const char* env = std::getenv("UNGGUL_FAULT_SEED")) {
    ASSERT_TRUE(absl::SimpleAtoi(env, &seed_)) << "UNGGUL_FAULT_SEED=" << env;
  }
  int rounds = kDefaultRounds;
  const char* rounds_env = std::getenv("UNGGUL_FAULT_ROUNDS");
  if (rounds_env != nullptr) {
    ASSERT_TRUE(absl::SimpleAtoi(rounds_env, &rounds) && rounds >= 0)
        << "UNGGUL_FAULT_ROUNDS=" << rounds_env;
  }
  std::printf("crash suite seed %llu, %d fault rounds (replay: UNGGUL_FAULT_SEED=%llu)\n",
              static_cast<unsigned long long>(seed_), rounds,
              static_cast<unsigned long long>(seed_));
  std::fflush(stdout);
  SCOPED_TRACE(absl::StrCat("UNGGUL_FAULT_SEED=", seed_));
  rng_.seed(seed_);
  const absl::Time started = unggul::RealClock().Now();

  absl::Time phase_start = started;
  auto phase_done = [&](const char* phase) {
    const absl::Time now = unggul::RealClock().Now();
    std::printf("%s: %.1f s, %s acknowledged writes so far\n", phase,
                absl::ToDoubleSeconds(now - phase_start), Thousands(ledger_.total()).c_str());
    std::fflush(stdout);
    phase_start = now;
  };

  ASSERT_NO_FATAL_FAILURE(StartCluster());
  phase_done("set-up (fixture ranked, four nodes)");
  StartWriters();

  for (int round = 0; round < rounds; ++round) {
    ASSERT_NO_FATAL_FAILURE(FaultRound()) << "round " << round;
    if (!ledger_.errors().empty()) break;
  }
  phase_done("fault rounds");
  absl::Duration node_start_time;
  int node_starts = 0;
  for (const auto& [upt, node] : nodes_) {
    node_start_time += node.start_time;
    node_starts += node.starts;
  }
  std::printf(
      "mean start to serving: upt-node %.0f ms (%d starts), kanwil-aggregator %.0f ms (%d)\n",
      absl::ToDoubleMilliseconds(node_start_time / std::max(node_starts, 1)), node_starts,
      absl::ToDoubleMilliseconds(kanwil_.start_time / std::max(kanwil_.starts, 1)), kanwil_.starts);
  // Links of the writer UPTs healed: the snapshot and publication phases kill the aggregator.
  for (const char* upt : kWriterUpts) {
    links_[upt]->SetPartitioned(false);
    links_[upt]->SetRateLimit(0);
    partitioned_[upt] = throttled_[upt] = false;
  }
  const int snapshot_repeats = kSnapshotRepeats + rounds / 500;
  const int publication_rounds = kPublicationRounds + rounds / 250;
  for (int repeat = 0; repeat < snapshot_repeats && ledger_.errors().empty(); ++repeat) {
    ASSERT_NO_FATAL_FAILURE(SnapshotRound(repeat)) << "snapshot repeat " << repeat;
  }
  phase_done("snapshot kills");
  for (int round = 0; round < publication_rounds && ledger_.errors().empty(); ++round) {
    ASSERT_NO_FATAL_FAILURE(PublicationRound(round, /*revoke=*/round + 1 < publication_rounds))
        << "publication round " << round;
  }
  phase_done("publication kills");

  StopWriters();
  const std::vector<std::string> errors = ledger_.errors();
  ASSERT_TRUE(errors.empty()) << absl::StrJoin(errors, "\n");
  for (const char* upt : kWriterUpts) ASSERT_NO_FATAL_FAILURE(VerifyUpt(upt));
  ASSERT_NO_FATAL_FAILURE(VerifyUpt(kSnapshotUpt));
  ASSERT_NO_FATAL_FAILURE(VerifyDesignations());
  phase_done("verification");

  int64_t connection_cuts = designation_link_->cuts();
  for (const auto& [upt, link] : links_) connection_cuts += link->cuts();
  const int kills = totals_.node_kills + totals_.aggregator_kills;
  std::printf(
      "crash suite: seed %llu, %d kills (%d node, %d aggregator: %d during snapshot, %d during "
      "publication), %d cuts (%s connections reset), %d partitions, %d throttles, %s "
      "acknowledged writes, %s in flight at a kill (%s had landed), %lld lost, %lld extra; "
      "%d snapshots, %d publication events (%d landed before the kill, %d retried); %.0f s\n",
      static_cast<unsigned long long>(seed_), kills, totals_.node_kills, totals_.aggregator_kills,
      totals_.snapshot_kills, totals_.publication_kills, totals_.cuts,
      Thousands(connection_cuts).c_str(), totals_.partitions, totals_.throttles,
      Thousands(ledger_.total()).c_str(), Thousands(ledger_.in_flight_at_fault()).c_str(),
      Thousands(ledger_.landed_before_fault()).c_str(), static_cast<long long>(lost_),
      static_cast<long long>(extra_), totals_.snapshots, publications_,
      totals_.publications_applied_before_kill, totals_.publications_retried,
      absl::ToDoubleSeconds(unggul::RealClock().Now() - started));
  std::fflush(stdout);
  EXPECT_EQ(lost_, 0);
  EXPECT_EQ(extra_, 0);
  if (rounds_env == nullptr) {
    ASSERT_GE(kills, kMinKills);
  }
}

}  // namespace
}  // namespace unggul::testing

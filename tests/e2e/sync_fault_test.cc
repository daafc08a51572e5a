// Crash and fault suite with the real binaries: one kanwil-aggregator behind a fault-injecting
// TCP proxy, three upt-nodes writing. A bounded random schedule (seed printed; set
// UNGGUL_FAULT_SEED to replay) kills nodes and the aggregator with SIGKILL, cuts connections,
// partitions and throttles the link to 1 Mbit/s. Afterwards every node syncs and, for every
// UPT, the node's digest equals the Kanwil's, with no acknowledged write lost.

#include <signal.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/records/records.h"
#include "common/testing/status_matchers.h"
#include "common/testing/temp_dir.h"
#include "gtest/gtest.h"
#include "services/cli/kanwil_client.h"
#include "services/cli/node_client.h"
#include "tests/e2e/fault_proxy.h"
#include "tests/e2e/process.h"

namespace unggul::testing {
namespace {

namespace v1 = ::unggul::node::v1;

const std::vector<std::string> kUpts = {"SMS-LP-LAHAT", "SMS-LP-PAGARALAM", "SMS-LP-SEKAYU"};

struct Server {
  Process process = Process::Start({"/bin/true"}, "/dev/null").value();
  int port = 0;
};

class SyncFaultTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::ofstream reg(dir_.path() + "/registry.csv");
    reg << "upt_code,official_name,type,subtype,class,regency_code,kanwil_code,"
           "needs_verification\n"
           "SMS-LP-LAHAT,Lapas Kelas IIA Lahat,LAPAS,,IIA,16.04,SUMSEL,false\n"
           "SMS-LP-PAGARALAM,Lapas Kelas III Pagar Alam,LAPAS,,III,16.73,SUMSEL,false\n"
           "SMS-LP-SEKAYU,Lapas Kelas IIB Sekayu,LAPAS,,IIB,16.06,SUMSEL,false\n";
  }

  // Starts a server binary and waits (deadline) for the port it reports on a FIFO.
  absl::StatusOr<Server> StartServer(std::vector<std::string> argv, const std::string& log) {
    const std::string fifo = absl::StrCat(dir_.path(), "/port-", fifos_++);
    auto reader = FifoReader::Create(fifo);
    if (!reader.ok()) return reader.status();
    argv.push_back("--port_file=" + fifo);
    auto process = Process::Start(argv, log);
    if (!process.ok()) return process.status();
    auto line = reader->ReadLine(absl::Seconds(60));
    if (!line.ok()) return line.status();
    Server s;
    s.process = *std::move(process);
    if (!absl::SimpleAtoi(*line, &s.port)) return absl::InternalError("bad port " + *line);
    return s;
  }

  void StartAggregator(int port) {
    auto s = StartServer({KANWIL_AGGREGATOR_BIN, "--data_dir=" + dir_.path() + "/kanwil",
                          "--registry_file=" + dir_.path() + "/registry.csv",
                          absl::StrCat("--listen=127.0.0.1:", port)},
                         dir_.path() + "/kanwil.log");
    ASSERT_TRUE(s.ok()) << s.status();
    aggregator_ = *std::move(s);
  }

  void StartNode(const std::string& upt) {
    auto s = StartServer(
        {UPT_NODE_BIN, "--upt_code=" + upt, "--data_dir=" + dir_.path() + "/" + upt,
         "--listen=127.0.0.1:0", absl::StrCat("--aggregator_addr=127.0.0.1:", proxy_->port()),
         "--sync_heartbeat=200ms", "--sync_max_backoff=500ms", "--sync_max_batch_bytes=4096"},
        dir_.path() + "/" + upt + ".log");
    ASSERT_TRUE(s.ok()) << s.status();
    nodes_[upt] = *std::move(s);
  }

  std::unique_ptr<cli::NodeClient> Node(const std::string& upt) {
    return cli::NodeClient::Connect(absl::StrCat("127.0.0.1:", nodes_[upt].port),
                                    absl::Seconds(10));
  }

  ScopedTempDir dir_;
  int fifos_ = 0;
  Server aggregator_;
  std::unique_ptr<FaultProxy> proxy_;
  std::map<std::string, Server> nodes_;
};

TEST_F(SyncFaultTest, RandomKillsCutsAndPartitionsLoseNothingAndDuplicateNothing) {
  uint64_t seed = 20261129;
  if (const char* env = std::getenv("UNGGUL_FAULT_SEED")) {
    ASSERT_TRUE(absl::SimpleAtoi(env, &seed));
  }
  std::printf("fault schedule seed: %llu (replay with UNGGUL_FAULT_SEED=%llu)\n",
              static_cast<unsigned long long>(seed), static_cast<unsigned long long>(seed));
  SCOPED_TRACE(absl::StrCat("UNGGUL_FAULT_SEED=", seed));
  std::mt19937_64 rng(seed);

  StartAggregator(0);
  const int kanwil_port = aggregator_.port;
  auto proxy = FaultProxy::Start("127.0.0.1", kanwil_port);
  ASSERT_TRUE(proxy.ok()) << proxy.status();
  proxy_ = *std::move(proxy);
  for (const std::string& upt : kUpts) {
    StartNode(upt);
    v1::CreateProductRequest req;
    req.set_request_id("create-product");
    req.mutable_product()->set_product_id(upt + "-P1");
    req.mutable_product()->set_name("Produk uji " + upt);
    req.mutable_product()->set_category(v1::CATEGORY_KERAJINAN);
    ASSERT_THAT(Node(upt)->CreateProduct(req), IsOk());
  }

  std::map<std::string, std::set<std::string>> acked;  // acknowledged batch codes per UPT
  int next_id = 0;
  int kills = 0;
  int cuts = 0;
  for (int step = 0; step < 60; ++step) {
    const int action = static_cast<int>(rng() % 100);
    const std::string upt = kUpts[rng() % kUpts.size()];
    if (action < 55) {  // a burst of writes to one node
      auto client = Node(upt);
      const int n = 1 + static_cast<int>(rng() % 25);
      for (int i = 0; i < n; ++i) {
        const std::string code = absl::StrFormat("%s-B%06d", upt, next_id++);
        v1::RecordBatchRequest req;
        req.set_request_id(code);
        req.mutable_batch()->set_batch_code(code);
        req.mutable_batch()->set_product_id(upt + "-P1");
        req.mutable_batch()->set_start_date(
            absl::StrFormat("2026-%02d-%02d", 1 + i % 10, 1 + i % 28));
        req.mutable_batch()->set_qty_produced(1 + static_cast<double>(rng() % 500) / 10);
        req.mutable_batch()->set_unit(v1::UNIT_PCS);
        req.mutable_batch()->set_inmates_engaged_count(static_cast<int>(rng() % 10));
        if (client->RecordBatch(req).ok()) acked[upt].insert(code);
      }
    } else if (action < 67) {  // SIGKILL a node mid-stream, restart it
      nodes_[upt].process.Signal(SIGKILL);
      nodes_[upt].process.Wait();
      StartNode(upt);
      ++kills;
    } else if (action < 77) {  // SIGKILL the aggregator, restart it on the same port
      aggregator_.process.Signal(SIGKILL);
      aggregator_.process.Wait();
      StartAggregator(kanwil_port);
      ++kills;
    } else if (action < 85) {  // cut every connection now
      proxy_->CutAll();
      ++cuts;
    } else if (action < 91) {  // cut connections mid-batch for a while
      proxy_->SetCutAfterBytes(200 + static_cast<int64_t>(rng() % 6000));
      ++cuts;
    } else if (action < 96) {  // partition on / off
      proxy_->SetPartitioned(rng() % 2 == 0);
    } else {  // prison link speed
      proxy_->SetRateLimit(rng() % 2 == 0 ? 125'000 : 0);
    }
  }
  std::printf(
      "schedule: %d kills, %d cut actions, %d acknowledged writes\n", kills, cuts,
      static_cast<int>(acked[kUpts[0]].size() + acked[kUpts[1]].size() + acked[kUpts[2]].size()));
  // Heal the link and let every node catch up.
  proxy_->SetPartitioned(false);
  proxy_->SetCutAfterBytes(0);
  proxy_->SetRateLimit(0);
  auto kanwil =
      cli::KanwilClient::Connect(absl::StrCat("127.0.0.1:", kanwil_port), absl::Seconds(10));
  for (const std::string& upt : kUpts) {
    auto client = Node(upt);
    UNGGUL_ASSERT_OK_AND_ASSIGN(v1::NodeInfo info, client->WaitForSync(0, absl::Seconds(120)));
    // 0 lost: every acknowledged write is on the node.
    for (const std::string& code : acked[upt]) {
      v1::GetBatchRequest get;
      get.set_batch_code(code);
      ASSERT_THAT(client->GetBatch(get), IsOk()) << code;
    }
    EXPECT_EQ(info.counts().batches(), static_cast<int64_t>(acked[upt].size()))
        << "every acknowledged write and nothing else (writes are retried with request ids)";
    // The Kanwil's replica equals the node: same count and hash sum, same HWM.
    UNGGUL_ASSERT_OK_AND_ASSIGN(kanwil::v1::UptDigest digest, kanwil->GetUptDigest(upt));
    EXPECT_EQ(digest.hwm(), info.last_seq()) << upt;
    EXPECT_EQ(digest.digest().count(), info.digest().count()) << upt;
    EXPECT_EQ(digest.digest().hash_sum(), info.digest().hash_sum()) << upt;
    std::printf("%s: %lld records, digest %s, node %s\n", upt.c_str(),
                static_cast<long long>(info.digest().count()),
                DigestString(digest.digest()).c_str(), DigestString(info.digest()).c_str());
  }
}

}  // namespace
}  // namespace unggul::testing

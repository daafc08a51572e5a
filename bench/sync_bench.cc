// Sync benchmark (issue "Automatic sync"): prints one table measured in one run on the same
// records. Not a test: numbers are reported, never asserted.
//
//   raw RocksDB      WriteBatch ingest of the records (500 per batch, fsync per batch)
//   end-to-end       records durably applied at the aggregator per second from 1, 10, 50 nodes
//                    (node RocksDB -> SyncClient -> gRPC -> reactor -> aggregator RocksDB)
//   catch-up         one node with a 10,000-record backlog until fully acknowledged
//   idle streams     aggregator RSS per connected idle node stream (real binary, 100 and 600)
//
// Usage: sync_bench [--records=200000] [--aggregator_bin=PATH] [--quick]

#include <signal.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "bench/bench_util.h"
#include "common/executor/executor.h"
#include "common/records/records.h"
#include "common/rocksdb/owned_rocks_db.h"
#include "common/time/clock.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server.h"
#include "grpcpp/server_builder.h"
#include "rocksdb/write_batch.h"
#include "services/aggregator/core/sync_core.h"
#include "services/aggregator/grpc/kanwil_sync_service.h"
#include "services/aggregator/store/rocksdb_kanwil_store.h"
#include "services/node/store/rocksdb_catalog_store.h"
#include "services/node/sync/sync_client.h"
#include "tests/e2e/process.h"
#include "unggul/sync/v1/sync.grpc.pb.h"

namespace unggul {
namespace {

namespace v1 = ::unggul::node::v1;
namespace s1 = ::unggul::sync::v1;

std::string UptCode(int i) { return absl::StrFormat("SMS-BENCH-%03d", i); }

v1::Record Batch(const std::string& upt, int i) {
  v1::Record r;
  v1::ProductionBatch* b = r.mutable_batch();
  b->set_batch_code(absl::StrFormat("%s-GSJM250-%07d", upt, i));
  b->set_product_id(upt + "-GSJM");
  b->set_sku_code("GSJM250");
  b->set_start_date(absl::StrFormat("2026-%02d-%02d", 1 + i % 10, 1 + i % 28));
  b->set_qty_produced(20 + i % 7);
  b->set_qty_rejected(0.5);
  b->set_unit(v1::UNIT_KG);
  b->set_inmates_engaged_count(6 + i % 5);
  b->set_inmate_person_days(18);
  b->set_direct_cost_idr(350000);
  v1::MaterialInput* in = b->add_inputs();
  in->set_material("gula aren");
  in->set_origin_type(v1::ORIGIN_TYPE_LOCAL_FARMER);
  in->set_origin_regency_code("16.04");
  in->set_qty(18);
  in->set_unit(v1::UNIT_KG);
  in->set_cost_idr(270000);
  return r;
}

std::vector<aggregator::RegistryEntry> Registry(int n) {
  std::vector<aggregator::RegistryEntry> out;
  for (int i = 0; i < n; ++i) {
    out.push_back({UptCode(i), "Lapas bench " + std::to_string(i), "LAPAS", "", "IIA", "16.04",
                   "SUMSEL", false});
  }
  return out;
}

// Raw RocksDB: the same records, 500 per WriteBatch, fsync per batch.
double RawRocksDbRate(int records) {
  const std::string dir = bench::MakeTempDir("unggul-bench");
  auto db = OwnedRocksDb::Open(dir + "/raw", {"replica"}, /*sync_writes=*/true);
  if (!db.ok()) return 0;
  std::vector<std::string> values;
  for (int i = 0; i < records; ++i) values.push_back(Batch(UptCode(0), i).SerializeAsString());
  const absl::Time start = unggul::RealClock().Now();
  for (int i = 0; i < records; i += 500) {
    rocksdb::WriteBatch wb;
    for (int j = i; j < std::min(records, i + 500); ++j) {
      wb.Put((*db)->cf("replica"), absl::StrFormat("k%09d", j), values[j]).PermitUncheckedError();
    }
    if (!(*db)->db().Write((*db)->write_options(), &wb).ok()) return 0;
  }
  const double secs = bench::SecondsSince(start);
  std::filesystem::remove_all(dir);
  return records / secs;
}

// The aggregator's apply path alone (SyncCore + store, no network), 1000 changes per batch.
double ApplyOnlyRate(int records) {
  const std::string dir = bench::MakeTempDir("unggul-bench");
  SystemClock clock;
  aggregator::RocksDbKanwilStore::Options ao;
  ao.path = dir + "/kanwil";
  ao.sync_writes = true;
  auto store = *aggregator::RocksDbKanwilStore::Open(ao);
  aggregator::SyncCore core(*store, clock, aggregator::SyncLimits());
  if (!core.LoadRegistry(Registry(1), "bench").ok()) return 0;
  aggregator::SyncSession session;
  s1::NodeMessage hello;
  hello.mutable_hello()->set_upt_code(UptCode(0));
  hello.mutable_hello()->set_incarnation_id("0123456789abcdef0123456789abcdef");
  hello.mutable_hello()->set_last_seq(records);
  hello.mutable_hello()->set_oldest_seq(1);
  hello.mutable_hello()->set_protocol_version(s1::PROTOCOL_VERSION_1);
  if (!core.Handle(session, hello).ok()) return 0;
  std::vector<s1::NodeMessage> batches;
  for (int i = 0; i < records; i += 1000) {
    s1::NodeMessage m;
    m.mutable_batch()->set_first_seq(i + 1);
    for (int j = i; j < std::min(records, i + 1000); ++j) {
      s1::Change* c = m.mutable_batch()->add_changes();
      c->set_seq(j + 1);
      *c->mutable_record() = Batch(UptCode(0), j);
    }
    batches.push_back(std::move(m));
  }
  const absl::Time start = unggul::RealClock().Now();
  for (s1::NodeMessage& m : batches) {
    if (!core.Handle(session, m).ok()) return 0;
  }
  const double secs = bench::SecondsSince(start);
  store.reset();
  std::filesystem::remove_all(dir);
  return records / secs;
}

struct E2eResult {
  double records_per_second = 0;
  double seconds = 0;
};

// N node stores prefilled (not timed), then N sync clients at once until all acknowledged.
E2eResult EndToEnd(int nodes, int records_per_node) {
  const std::string dir = bench::MakeTempDir("unggul-bench");
  SystemClock clock;
  aggregator::RocksDbKanwilStore::Options ao;
  ao.path = dir + "/kanwil";
  ao.sync_writes = true;
  auto store = *aggregator::RocksDbKanwilStore::Open(ao);
  aggregator::SyncCore core(*store, clock, aggregator::SyncLimits());
  if (!core.LoadRegistry(Registry(nodes), "bench").ok()) return {};
  ThreadPoolExecutor executor(2);
  aggregator::KanwilSyncServiceImpl service(core, executor);
  const std::string socket = "unix:" + dir + "/kanwil.sock";
  grpc::ServerBuilder builder;
  builder.AddListeningPort(socket, grpc::InsecureServerCredentials());
  builder.RegisterService(&service);
  auto server = builder.BuildAndStart();

  std::vector<std::unique_ptr<node::RocksDbCatalogStore>> stores;
  for (int n = 0; n < nodes; ++n) {
    node::RocksDbCatalogStore::Options o;
    o.path = absl::StrCat(dir, "/node", n);
    o.upt_code = UptCode(n);
    o.sync_writes = false;
    stores.push_back(*node::RocksDbCatalogStore::Open(o));
    for (int i = 0; i < records_per_node; ++i) {
      (void)stores.back()->Put(Batch(UptCode(n), i), "", "", i);
    }
  }
  std::vector<std::unique_ptr<node::SyncClient>> clients;
  node::SyncOptions so;
  so.aggregator_addr = socket;
  so.max_batch_bytes = 512 * 1024;
  const absl::Time start = unggul::RealClock().Now();
  for (int n = 0; n < nodes; ++n) {
    grpc::ChannelArguments args = node::SyncChannelArguments();
    args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);  // one connection per node
    clients.push_back(std::make_unique<node::SyncClient>(
        *stores[n], clock,
        grpc::CreateCustomChannel(socket, grpc::InsecureChannelCredentials(), args), so));
    clients.back()->Start();
  }
  for (int n = 0; n < nodes; ++n) {
    (void)clients[n]->WaitForAck(static_cast<uint64_t>(records_per_node),
                                 unggul::RealClock().Now() + absl::Minutes(10));
  }
  const double secs = bench::SecondsSince(start);
  clients.clear();
  server->Shutdown(absl::ToChronoTime(unggul::RealClock().Now()));
  server->Wait();
  stores.clear();
  std::filesystem::remove_all(dir);
  return {static_cast<double>(nodes) * records_per_node / secs, secs};
}

// The real aggregator binary; `streams` idle node streams (Hello, Welcome, then nothing), each
// on its own connection. Returns KB of RSS per stream.
double IdleStreamKb(const std::string& aggregator_bin, int streams) {
  const std::string dir = bench::MakeTempDir("unggul-bench");
  {
    std::ofstream reg(dir + "/registry.csv");
    reg << "upt_code,official_name,type,subtype,class,regency_code,kanwil_code,"
           "needs_verification\n";
    for (const auto& e : Registry(streams)) {
      reg << e.upt_code << "," << e.official_name << ",LAPAS,,IIA,16.04,SUMSEL,false\n";
    }
  }
  auto fifo = testing::FifoReader::Create(dir + "/port");
  auto proc = testing::Process::Start(
      {aggregator_bin, "--data_dir=" + dir + "/kanwil", "--registry_file=" + dir + "/registry.csv",
       "--listen=127.0.0.1:0", "--port_file=" + dir + "/port"},
      dir + "/kanwil.log");
  if (!fifo.ok() || !proc.ok()) return -1;
  auto port = fifo->ReadLine(absl::Seconds(30));
  if (!port.ok()) return -1;
  const std::string addr = "127.0.0.1:" + *port;
  // Warm up: one stream, so the RSS baseline includes the server's fixed costs.
  struct Stream {
    std::shared_ptr<grpc::Channel> channel;
    std::unique_ptr<s1::KanwilSync::Stub> stub;
    std::unique_ptr<grpc::ClientContext> context;
    std::unique_ptr<grpc::ClientReaderWriter<s1::NodeMessage, s1::AggregatorMessage>> rw;
  };
  auto open = [&](int i) {
    Stream s;
    grpc::ChannelArguments args;
    args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    s.channel = grpc::CreateCustomChannel(addr, grpc::InsecureChannelCredentials(), args);
    s.stub = s1::KanwilSync::NewStub(s.channel);
    s.context = std::make_unique<grpc::ClientContext>();
    s.rw = s.stub->Sync(s.context.get());
    s1::NodeMessage hello;
    hello.mutable_hello()->set_upt_code(UptCode(i));
    hello.mutable_hello()->set_incarnation_id("0123456789abcdef0123456789abcdef");
    hello.mutable_hello()->set_oldest_seq(1);
    hello.mutable_hello()->set_protocol_version(s1::PROTOCOL_VERSION_1);
    s.rw->Write(hello);
    s1::AggregatorMessage welcome;
    s.rw->Read(&welcome);
    return s;
  };
  std::vector<Stream> all;
  all.push_back(open(0));
  const int64_t before = bench::RssKb(proc->pid());
  for (int i = 1; i <= streams - 1; ++i) all.push_back(open(i));
  const int64_t after = bench::RssKb(proc->pid());
  for (Stream& s : all) s.context->TryCancel();
  all.clear();
  proc->Signal(SIGTERM);
  proc->Wait();
  std::filesystem::remove_all(dir);
  return static_cast<double>(after - before) / (streams - 1);
}

}  // namespace
}  // namespace unggul

int main(int argc, char** argv) {
  int records = 200000;
  std::string aggregator_bin;
  bool quick = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (absl::StartsWith(a, "--records=")) (void)absl::SimpleAtoi(a.substr(10), &records);
    if (absl::StartsWith(a, "--aggregator_bin=")) aggregator_bin = a.substr(17);
    if (a == "--quick") quick = true;
    if (a == "--apply_only") {  // for profiling the aggregator's apply path
      std::printf("apply only: %.0f r/s\n", unggul::ApplyOnlyRate(records));
      return 0;
    }
  }
  if (std::string(argv[0]).find('/') != std::string::npos && aggregator_bin.empty()) {
    std::string self = argv[0];
    aggregator_bin = self.substr(0, self.rfind('/')) + "/../services/aggregator/kanwil-aggregator";
  }
  if (quick) records = 20000;
  std::printf("Unggul sync benchmark: %d records (ProductionBatch, ~%zu bytes each), %u cores\n\n",
              records, unggul::Batch("SMS-BENCH-000", 1).ByteSizeLong(),
              std::thread::hardware_concurrency());
  const double raw = unggul::RawRocksDbRate(records);
  std::printf("%-52s %14s %10s\n", "measurement", "value", "vs raw");
  std::printf("%-52s %11.0f r/s %10s\n", "raw RocksDB WriteBatch ingest (500/batch, fsync)", raw,
              "1.00");
  const double apply = unggul::ApplyOnlyRate(records);
  std::printf("%-52s %11.0f r/s %10.2f\n", "aggregator apply only (no network, 1000/batch)", apply,
              apply / raw);
  for (int nodes : {1, 10, 50}) {
    const unggul::E2eResult r = unggul::EndToEnd(nodes, records / nodes);
    std::printf(
        "%-52s %11.0f r/s %10.2f\n",
        absl::StrFormat("end-to-end replication, %d node%s", nodes, nodes > 1 ? "s" : "").c_str(),
        r.records_per_second, r.records_per_second / raw);
  }
  const unggul::E2eResult catchup = unggul::EndToEnd(1, 10000);
  std::printf("%-52s %12.3f s %10s\n", "catch-up of a 10,000-record backlog", catchup.seconds, "");
  for (int streams : {100, 600}) {
    const double kb = unggul::IdleStreamKb(aggregator_bin, streams);
    std::printf(
        "%-52s %11.1f KB %10s\n",
        absl::StrFormat("aggregator RSS per idle node stream (%d streams)", streams).c_str(), kb,
        "");
  }
  return 0;
}

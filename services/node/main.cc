// upt-node: the UPT's system of record. Composition root: flags -> store -> core -> gRPC server.
// Exits non-zero on bad configuration. SIGTERM/SIGINT drain in-flight RPCs (up to
// --drain_timeout) before RocksDB closes.

#include <signal.h>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <string>
#include <thread>

#include "absl/flags/flag.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/executor/executor.h"
#include "common/log/log.h"
#include "common/server/certificate_watch.h"
#include "common/server/port_file.h"
#include "common/server/security_flags.h"
#include "common/server/server_main.h"
#include "common/time/clock.h"
#include "common/time/periodic_task.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/health_check_service_interface.h"
#include "grpcpp/resource_quota.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server.h"
#include "grpcpp/server_builder.h"
#include "services/node/core/node_core.h"
#include "services/node/grpc/roles.h"
#include "services/node/grpc/upt_node_service.h"
#include "services/node/store/rocksdb_catalog_store.h"
#include "services/node/sync/sync_client.h"

ABSL_FLAG(std::string, upt_code, "",
          "Required. This node's UPT code from the Kanwil registry, e.g. SMS-LP-LAHAT. Fixed when "
          "the database is created; a later start with another code is refused.");
ABSL_FLAG(std::string, data_dir, "",
          "Required. Directory of the node's RocksDB database; created when missing.");
ABSL_FLAG(std::string, listen, "127.0.0.1:7401",
          "host:port of the gRPC API. Port 0 picks a free port (see --port_file).");
ABSL_FLAG(std::string, port_file, "",
          "When set, the bound port is written to this file once the server accepts calls. A FIFO "
          "gets it written directly (a supervisor can block reading it); a regular file is "
          "replaced atomically.");
ABSL_FLAG(bool, sync_writes, true,
          "fsync the write-ahead log before acknowledging each write. Off: a power loss or "
          "kernel crash may lose the last acknowledged writes (a process crash does not).");
ABSL_FLAG(int, max_threads, 16,
          "Upper bound on gRPC server threads serving unary calls; also the number of workers "
          "running the per-kind record RPCs (RecordBatch, GetSale, ...).");
ABSL_FLAG(absl::Duration, drain_timeout, absl::Seconds(10),
          "On SIGTERM/SIGINT, how long in-flight calls may finish before they are cancelled.");
ABSL_FLAG(std::string, aggregator_addr, "",
          "host:port of the Kanwil aggregator. Empty: no sync (the node works offline).");
ABSL_FLAG(int, sync_window, 8, "Unacknowledged change batches in flight (capped by the Kanwil).");
ABSL_FLAG(int, sync_max_batch_bytes, 256 * 1024,
          "Largest change batch sent, bytes (capped by the Kanwil).");
ABSL_FLAG(absl::Duration, sync_heartbeat, absl::Seconds(5),
          "Heartbeat interval on an idle sync stream.");
ABSL_FLAG(absl::Duration, sync_max_backoff, absl::Seconds(30),
          "Longest wait between reconnect attempts (jittered exponential backoff from 200ms).");
ABSL_FLAG(absl::Duration, changelog_retention, absl::Hours(24 * 7),
          "Acknowledged changelog entries are trimmed once older than this.");
ABSL_FLAG(absl::Duration, request_retention, absl::Hours(24 * 30),
          "How long the outcome of a write with a request_id is kept for idempotent retries. A "
          "retry after that is treated as a new request.");
ABSL_FLAG(absl::Duration, request_sweep_interval, absl::Hours(1),
          "How often outcomes older than --request_retention are deleted (0: never).");
ABSL_FLAG(int, min_free_disk_mb, 64,
          "Writes are refused with RESOURCE_EXHAUSTED while less than this many MiB are free on "
          "the data directory's disk (reads go on); they resume by themselves once space is "
          "freed. 0 = no reserve (RocksDB then meets the full disk itself).");
ABSL_FLAG(
    int64_t, write_rate_limit, 12000,
    "A node's writes (products and records) per minute per caller (operator token or certificate; "
    "\"anyone\" with --insecure and no policy), as a burst of that many then refilled evenly; "
    "beyond it RESOURCE_EXHAUSTED names the limit. 0: no limit (bulk loads).");
ABSL_FLAG(std::string, log_format, "text", "Log format: text or json (one object per line).");
ABSL_FLAG(std::string, log_level, "info", "Log level: debug, info, warn or error.");

namespace {

int Fail(const std::string& message) {
  std::fprintf(stderr, "upt-node: %s\n", message.c_str());
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  unggul::ParseServerFlags(
      argc, argv, "services/node/main.cc",
      "UPT node of Unggul: products, batches, sales, certifications, trainings and monthly "
      "labour reports of one UPT.\n"
      "Usage: upt-node --upt_code=SMS-LP-LAHAT --data_dir=/var/lib/unggul/node [flags]\n"
      "Flags may also come from a file: --flagfile=/etc/unggul/node.flags (one --flag=value a "
      "line).");

  if (absl::Status s =
          unggul::log::Init(absl::GetFlag(FLAGS_log_format), absl::GetFlag(FLAGS_log_level));
      !s.ok()) {
    return Fail(std::string(s.message()));
  }
  const std::string upt_code = absl::GetFlag(FLAGS_upt_code);
  const std::string data_dir = absl::GetFlag(FLAGS_data_dir);
  if (upt_code.empty()) return Fail("--upt_code is required");
  // The code is fixed into the database at its creation: a wrong one would make a dead node.
  if (upt_code.size() < 3 || upt_code.size() > 64 ||
      !std::all_of(upt_code.begin(), upt_code.end(), [](char c) {
        return absl::ascii_isupper(c) || absl::ascii_isdigit(c) || c == '-';
      })) {
    return Fail(absl::StrCat(
        "--upt_code: must be the UPT's code in the Kanwil registry, 3-64 characters of A-Z, 0-9 "
        "and '-' (e.g. SMS-LP-LAHAT), got \"",
        upt_code.substr(0, 64), "\""));
  }
  if (data_dir.empty()) return Fail("--data_dir is required");
  if (absl::Status s = unggul::CheckListenAddress(absl::GetFlag(FLAGS_listen)); !s.ok()) {
    return Fail(std::string(s.message()));
  }
  if (absl::GetFlag(FLAGS_max_threads) < 2) return Fail("--max_threads must be >= 2");
  if (absl::GetFlag(FLAGS_request_retention) < absl::ZeroDuration()) {
    return Fail("--request_retention must not be negative");
  }

  absl::StatusOr<unggul::ServerSecurity> security = unggul::ServerSecurityFromFlags();
  if (!security.ok()) return Fail(std::string(security.status().message()));
  if (security->self && (security->self->kind != unggul::pki::PeerId::Kind::kUpt ||
                         security->self->name != upt_code)) {
    return Fail(absl::StrCat("--tls_cert: identifies ", unggul::pki::SpiffeUri(*security->self),
                             ", not the node of UPT ", upt_code));
  }

  // Signals are taken by a dedicated thread (sigwait), so block them before any thread starts.
  const sigset_t signals = unggul::BlockStopSignals();

  absl::StatusOr<unggul::SystemClock> server_clock = unggul::ServerClock();
  if (!server_clock.ok()) return Fail(std::string(server_clock.status().message()));
  const unggul::SystemClock& clock = *server_clock;
  unggul::node::RocksDbCatalogStore::Options options;
  options.path = data_dir;
  options.upt_code = upt_code;
  options.sync_writes = absl::GetFlag(FLAGS_sync_writes);
  if (absl::GetFlag(FLAGS_min_free_disk_mb) < 0) return Fail("--min_free_disk_mb must be >= 0");
  options.min_free_bytes = static_cast<uint64_t>(absl::GetFlag(FLAGS_min_free_disk_mb)) << 20;
  options.now_unix_ms = absl::ToUnixMillis(clock.Now());
  absl::StatusOr<std::unique_ptr<unggul::node::RocksDbCatalogStore>> store =
      unggul::node::RocksDbCatalogStore::Open(options);
  if (!store.ok())
    return Fail(absl::StrCat("cannot open ", data_dir, ": ", store.status().ToString()));

  unggul::node::NodeCore core(**store, clock);
  core.SetMaxPageSize(security->limits.max_page_size);
  std::unique_ptr<unggul::node::SyncClient> sync;
  if (const std::string addr = absl::GetFlag(FLAGS_aggregator_addr); !addr.empty()) {
    if (absl::GetFlag(FLAGS_sync_window) < 1) return Fail("--sync_window must be >= 1");
    if (absl::GetFlag(FLAGS_sync_max_batch_bytes) < 1024) {
      return Fail("--sync_max_batch_bytes must be >= 1024");
    }
    unggul::node::SyncOptions sync_options;
    sync_options.aggregator_addr = addr;
    sync_options.window = static_cast<uint32_t>(absl::GetFlag(FLAGS_sync_window));
    sync_options.max_batch_bytes = static_cast<uint32_t>(absl::GetFlag(FLAGS_sync_max_batch_bytes));
    sync_options.heartbeat = absl::GetFlag(FLAGS_sync_heartbeat);
    sync_options.max_backoff = absl::GetFlag(FLAGS_sync_max_backoff);
    sync_options.retention = absl::GetFlag(FLAGS_changelog_retention);
    sync_options.process_id = unggul::node::NewProcessId();
    sync = std::make_unique<unggul::node::SyncClient>(
        **store, clock,
        grpc::CreateCustomChannel(
            addr,
            // The node talks only to its own Kanwil's aggregator (checked in its certificate).
            unggul::tls::ChannelCredentials(
                security->files,
                security->self
                    ? std::optional<unggul::pki::PeerId>(unggul::pki::PeerId{
                          unggul::pki::PeerId::Kind::kAggregator, security->self->kanwil, ""})
                    : std::nullopt),
            unggul::node::SyncChannelArguments()),
        sync_options);
    core.SetSyncStatusProvider(sync.get());
  }
  // Operators' certificates on the deny-list are refused (--tls_revoked).
  unggul::tls::RevocationList revoked(security->files.revoked);
  if (absl::GetFlag(FLAGS_write_rate_limit) < 0) return Fail("--write_rate_limit must be >= 0");
  unggul::auth::RateLimiter write_limit(clock, absl::GetFlag(FLAGS_write_rate_limit));
  absl::StatusOr<std::shared_ptr<unggul::auth::AuthProcessor>> auth =
      unggul::AuthFromFlags(*security, unggul::auth::Service::kNode, unggul::node::NodeRoleTable(),
                            &revoked, &write_limit);
  if (!auth.ok()) return Fail(std::string(auth.status().message()));
  // The table-driven record RPCs run their core calls here (see upt_node_service.h).
  unggul::ThreadPoolExecutor executor(absl::GetFlag(FLAGS_max_threads));
  unggul::node::UptNodeServiceImpl service(core, executor);

  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  grpc::ResourceQuota quota("upt-node");
  quota.SetMaxThreads(absl::GetFlag(FLAGS_max_threads));
  builder.SetResourceQuota(quota);
  builder.SetMaxReceiveMessageSize(security->limits.max_message_bytes);
  int port = 0;
  // A busy port is an error, never shared (gRPC enables SO_REUSEPORT by default).
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  // Operators present a certificate (its role from the access policy) or a bearer token; the
  // auth processor decides every call by the role table (services/node/grpc/roles.h).
  builder.AddListeningPort(absl::GetFlag(FLAGS_listen),
                           unggul::auth::ServerCredentialsWithAuth(
                               security->files, unggul::tls::ClientCerts::kOptional, *auth),
                           &port);
  service.Register(builder);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr || port == 0) {
    return Fail(absl::StrCat("cannot listen on ", absl::GetFlag(FLAGS_listen),
                             ": the address is in use or not local (a busy port is never shared)"));
  }
  unggul::MarkServicesServing(*server, {unggul::node::v1::UptNode::service_full_name()});
  const unggul::node::StoreInfo info = (*store)->Info();
  if (info.migrated_from_format != 0) {
    unggul::log::Info("database migrated",
                      {{"from_format", absl::StrCat(info.migrated_from_format)},
                       {"to_format", absl::StrCat(info.format_version)}});
  }
  unggul::log::Info("upt-node serving",
                    {{"upt", upt_code},
                     {"security", security->description},
                     {"access_policy", security->access_policy.empty() ? "OPEN (none, --insecure)"
                                                                       : security->access_policy},
                     {"port", absl::StrCat(port)},
                     {"incarnation", info.incarnation_id},
                     {"last_seq", absl::StrCat(info.last_seq)},
                     {"sync_writes", options.sync_writes ? "true" : "false"}});
  if (const std::string port_file = absl::GetFlag(FLAGS_port_file); !port_file.empty()) {
    if (absl::Status s = unggul::WritePortFile(port_file, port); !s.ok()) {
      return Fail(std::string(s.message()));
    }
  }

  if (sync) sync->Start();
  auto sweep = std::make_unique<
      unggul::PeriodicTask>(clock, absl::GetFlag(FLAGS_request_sweep_interval), [&] {
    absl::StatusOr<int64_t> forgotten =
        core.ForgetOldRequests(absl::GetFlag(FLAGS_request_retention));
    if (!forgotten.ok()) {
      unggul::log::Warn("request outcome sweep failed", {{"error", forgotten.status().ToString()}});
    } else if (*forgotten > 0) {
      unggul::log::Info("request outcomes past retention forgotten",
                        {{"count", absl::StrCat(*forgotten)}});
    }
  });
  // Says in the log when a rotated certificate is picked up (gRPC reloads it by itself).
  unggul::CertificateWatch certificate_watch(
      clock, security->files.cert, security->self ? unggul::pki::SpiffeUri(*security->self) : "",
      security->files.reload_interval);
  std::thread signal_thread =
      unggul::DrainOnStopSignal(signals, *server, absl::GetFlag(FLAGS_drain_timeout));
  server->Wait();
  signal_thread.join();
  sweep.reset();
  server.reset();
  if (sync) {
    core.SetSyncStatusProvider(nullptr);
    sync->Stop();
    sync.reset();
  }
  store->reset();  // RocksDB closes only after every call has finished
  unggul::log::Info("upt-node stopped", {{"upt", upt_code}});
  return 0;
}

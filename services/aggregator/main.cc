// kanwil-aggregator: receives every UPT node's sync stream, keeps the replica and rollups, serves
// the dashboard API. Composition root. Exits 2 on bad configuration. SIGTERM/SIGINT: stop
// accepting, drain streams and calls (--drain_timeout), then close RocksDB.

#include <signal.h>

#include <cstdio>
#include <memory>
#include <string>
#include <thread>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "common/executor/executor.h"
#include "common/log/log.h"
#include "common/server/certificate_watch.h"
#include "common/server/port_file.h"
#include "common/server/security_flags.h"
#include "common/server/server_main.h"
#include "common/time/clock.h"
#include "common/time/periodic_task.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/health_check_service_interface.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server.h"
#include "grpcpp/server_builder.h"
#include "services/aggregator/core/dashboard_core.h"
#include "services/aggregator/core/designation_core.h"
#include "services/aggregator/core/panel_core.h"
#include "services/aggregator/core/publication_hub.h"
#include "services/aggregator/core/ranking_core.h"
#include "services/aggregator/core/registry.h"
#include "services/aggregator/core/sync_core.h"
#include "services/aggregator/grpc/kanwil_dashboard_service.h"
#include "services/aggregator/grpc/kanwil_designation_service.h"
#include "services/aggregator/grpc/kanwil_sync_service.h"
#include "services/aggregator/grpc/roles.h"
#include "services/aggregator/ranking/default_model.h"
#include "services/aggregator/ranking/model.h"
#include "services/aggregator/store/rocksdb_kanwil_store.h"

ABSL_FLAG(std::string, data_dir, "", "Required. RocksDB directory; created when missing.");
ABSL_FLAG(std::string, registry_file, "",
          "Required. The Kanwil's UPT registry, CSV: upt_code,official_name,type,subtype,class,"
          "regency_code,kanwil_code,needs_verification. A changed file becomes a new registry "
          "version; only registered UPTs may sync.");
ABSL_FLAG(std::string, listen, "127.0.0.1:7400",
          "host:port for KanwilSync and KanwilDashboard. Port 0 picks a free port.");
ABSL_FLAG(std::string, port_file, "",
          "When set, the bound port is written here once serving (FIFO: written directly).");
ABSL_FLAG(bool, sync_writes, true,
          "fsync the WAL before acknowledging a batch. Off: a power loss may lose acknowledged "
          "batches, which nodes then resend only after a snapshot.");
ABSL_FLAG(int, executor_threads, 4, "Threads applying sync messages (RocksDB work).");
ABSL_FLAG(int, max_batch_bytes, 1 << 20, "Largest ChangeBatch accepted, bytes (told to nodes).");
ABSL_FLAG(int, max_inflight_batches, 8, "Unacknowledged batches a node may have in flight.");
ABSL_FLAG(absl::Duration, drain_timeout, absl::Seconds(10),
          "On SIGTERM/SIGINT, how long streams and calls may finish before cancellation.");
ABSL_FLAG(std::string, scoring_model, "",
          "SPUP scoring model (JSON, unggul.kanwil.v1.ScoringModel). Empty: the built-in SPUP 1.0 "
          "(services/aggregator/ranking/spup-1.0.json). An invalid model refuses to start.");
ABSL_FLAG(std::string, kanwil_code, "SUMSEL", "This Kanwil's code, stamped on designations.");
ABSL_FLAG(std::string, kanwil_name, "Kanwil Ditjenpas Sumatera Selatan",
          "This Kanwil's name, used in designation titles.");
ABSL_FLAG(int, ranking_cache, 8,
          "Ranking snapshots kept in memory (GetRanking is served from them while the data is "
          "unchanged).");
ABSL_FLAG(int, ranking_cache_mb, 2048,
          "Upper bound on the memory of the kept ranking snapshots, MiB (the newest is always "
          "kept; about 1 GiB per snapshot at 30,000 products).");
ABSL_FLAG(absl::Duration, ranking_refresh_interval, absl::Seconds(5),
          "How often a background thread recomputes rankings made stale by new data (the "
          "default one and those asked in the last hour); 0 = only on demand.");
ABSL_FLAG(int, min_free_disk_mb, 64,
          "Writes are refused with RESOURCE_EXHAUSTED while less than this many MiB are free on "
          "the data directory's disk (reads go on); they resume by themselves once space is "
          "freed. 0 = no reserve (RocksDB then meets the full disk itself).");
ABSL_FLAG(int64_t, write_rate_limit, 600,
          "Kanwil writes (assessments, labour verification, incidents, designation steps) per "
          "minute per caller, as a burst of that many then refilled evenly; beyond it "
          "RESOURCE_EXHAUSTED names the limit. 0: no limit.");
ABSL_FLAG(std::string, log_format, "text", "text or json.");
ABSL_FLAG(std::string, log_level, "info", "debug, info, warn or error.");

namespace {

int Fail(const std::string& message) {
  std::fprintf(stderr, "kanwil-aggregator: %s\n", message.c_str());
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  unggul::ParseServerFlags(argc, argv, "services/aggregator/main.cc",
                           "Kanwil aggregator of Unggul.\nUsage: kanwil-aggregator --data_dir=DIR "
                           "--registry_file=registry.csv [flags] (or --flagfile=FILE)");
  if (absl::Status s =
          unggul::log::Init(absl::GetFlag(FLAGS_log_format), absl::GetFlag(FLAGS_log_level));
      !s.ok()) {
    return Fail(std::string(s.message()));
  }
  const std::string data_dir = absl::GetFlag(FLAGS_data_dir);
  const std::string registry_file = absl::GetFlag(FLAGS_registry_file);
  if (data_dir.empty()) return Fail("--data_dir is required");
  if (absl::Status s = unggul::CheckListenAddress(absl::GetFlag(FLAGS_listen)); !s.ok()) {
    return Fail(std::string(s.message()));
  }
  if (registry_file.empty()) return Fail("--registry_file is required");
  if (absl::GetFlag(FLAGS_executor_threads) < 1) return Fail("--executor_threads must be >= 1");
  if (absl::GetFlag(FLAGS_max_batch_bytes) < 4096 ||
      absl::GetFlag(FLAGS_max_batch_bytes) > (3 << 20)) {
    return Fail("--max_batch_bytes must be 4096..3145728 (under the 4 MiB gRPC limit)");
  }
  if (absl::GetFlag(FLAGS_max_inflight_batches) < 1) {
    return Fail("--max_inflight_batches must be >= 1");
  }
  absl::StatusOr<unggul::kanwil::v1::ScoringModel> model =
      absl::GetFlag(FLAGS_scoring_model).empty()
          ? unggul::aggregator::ParseScoringModel(unggul::aggregator::DefaultScoringModelJson())
          : unggul::aggregator::LoadScoringModelFile(absl::GetFlag(FLAGS_scoring_model));
  if (model.ok()) {
    if (absl::Status spup = unggul::aggregator::ValidateSpupIndicators(*model); !spup.ok()) {
      model = spup;
    }
  }
  if (!model.ok()) {
    return Fail(absl::StrCat("invalid --scoring_model: ", model.status().message()));
  }
  absl::StatusOr<std::string> registry_text = unggul::ReadFileToString(registry_file);
  if (!registry_text.ok())
    return Fail(absl::StrCat("--registry_file: ", registry_text.status().message()));
  absl::StatusOr<unggul::aggregator::ParsedRegistry> registry =
      unggul::aggregator::ParseRegistryCsv(*registry_text);
  if (!registry.ok()) return Fail(std::string(registry.status().message()));

  absl::StatusOr<unggul::ServerSecurity> security = unggul::ServerSecurityFromFlags();
  if (!security.ok()) return Fail(std::string(security.status().message()));
  if (security->self && security->self->kind != unggul::pki::PeerId::Kind::kAggregator) {
    return Fail(absl::StrCat("--tls_cert: identifies ", unggul::pki::SpiffeUri(*security->self),
                             ", not a Kanwil aggregator"));
  }
  unggul::tls::RevocationList revoked(security->files.revoked);

  const sigset_t signals = unggul::BlockStopSignals();

  absl::StatusOr<unggul::SystemClock> server_clock = unggul::ServerClock();
  if (!server_clock.ok()) return Fail(std::string(server_clock.status().message()));
  const unggul::SystemClock& clock = *server_clock;
  unggul::aggregator::RocksDbKanwilStore::Options options;
  options.path = data_dir;
  options.sync_writes = absl::GetFlag(FLAGS_sync_writes);
  if (absl::GetFlag(FLAGS_min_free_disk_mb) < 0) return Fail("--min_free_disk_mb must be >= 0");
  options.min_free_bytes = static_cast<uint64_t>(absl::GetFlag(FLAGS_min_free_disk_mb)) << 20;
  options.now_unix_ms = absl::ToUnixMillis(clock.Now());
  auto store = unggul::aggregator::RocksDbKanwilStore::Open(options);
  if (!store.ok())
    return Fail(absl::StrCat("cannot open ", data_dir, ": ", store.status().ToString()));

  unggul::aggregator::SyncLimits limits;
  limits.max_batch_bytes = static_cast<uint32_t>(absl::GetFlag(FLAGS_max_batch_bytes));
  limits.max_inflight_batches = static_cast<uint32_t>(absl::GetFlag(FLAGS_max_inflight_batches));
  unggul::aggregator::SyncCore sync_core(**store, clock, limits);
  absl::StatusOr<uint64_t> version =
      sync_core.LoadRegistry(registry->entries, registry->content_hash);
  if (!version.ok())
    return Fail(absl::StrCat("cannot store the registry: ", version.status().ToString()));
  if (absl::GetFlag(FLAGS_write_rate_limit) < 0) return Fail("--write_rate_limit must be >= 0");
  unggul::auth::RateLimiter write_limit(clock, absl::GetFlag(FLAGS_write_rate_limit));
  absl::StatusOr<std::shared_ptr<unggul::auth::AuthProcessor>> auth =
      unggul::AuthFromFlags(*security, unggul::auth::Service::kKanwil,
                            unggul::aggregator::KanwilRoleTable(), &revoked, &write_limit);
  if (!auth.ok()) return Fail(std::string(auth.status().message()));
  unggul::aggregator::DashboardCore dashboard_core(**store, sync_core);
  dashboard_core.SetMaxPageSize(security->limits.max_page_size);
  if (absl::GetFlag(FLAGS_ranking_cache) < 1) return Fail("--ranking_cache must be >= 1");
  if (absl::GetFlag(FLAGS_ranking_cache_mb) < 1) return Fail("--ranking_cache_mb must be >= 1");
  if (absl::GetFlag(FLAGS_ranking_refresh_interval) < absl::ZeroDuration()) {
    return Fail("--ranking_refresh_interval must not be negative");
  }
  unggul::aggregator::RankingCore::Options ranking_options;
  ranking_options.max_cached_rankings = static_cast<size_t>(absl::GetFlag(FLAGS_ranking_cache));
  ranking_options.max_cache_bytes = static_cast<size_t>(absl::GetFlag(FLAGS_ranking_cache_mb))
                                    << 20;
  unggul::aggregator::RankingCore ranking_core(**store, (*store)->panel(), sync_core, clock, *model,
                                               ranking_options);
  ranking_core.SetMaxPageSize(security->limits.max_page_size);
  unggul::aggregator::PanelCore panel_core(**store, (*store)->panel(), sync_core, clock);
  unggul::aggregator::IncidentCore incident_core(**store, (*store)->panel(), sync_core, clock);
  unggul::aggregator::PublicationHub hub;
  unggul::aggregator::DesignationCore designation_core(
      **store, (*store)->designations(), ranking_core, hub, clock, absl::GetFlag(FLAGS_kanwil_code),
      absl::GetFlag(FLAGS_kanwil_name));
  sync_core.SetDesignationStore(&(*store)->designations());

  auto executor =
      std::make_unique<unggul::ThreadPoolExecutor>(absl::GetFlag(FLAGS_executor_threads));
  unggul::aggregator::SyncAdmission admission;
  admission.require_identity = security->self.has_value();
  admission.kanwil = security->self ? security->self->kanwil : "";
  admission.revoked = &revoked;
  unggul::aggregator::KanwilSyncServiceImpl sync_service(sync_core, *executor, &hub, admission);
  unggul::aggregator::KanwilDashboardServiceImpl dashboard_service(
      dashboard_core, ranking_core, panel_core, incident_core, **auth);
  unggul::aggregator::KanwilDesignationServiceImpl designation_service(
      designation_core, (*store)->designations(), hub, *executor, **auth);

  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  builder.SetMaxReceiveMessageSize(security->limits.max_message_bytes);
  // Idle prison links: accept keepalive pings without data every 10 s or more.
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS, 10'000);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MAX_PING_STRIKES, 0);
  int port = 0;
  // A busy port is an error, never shared (gRPC enables SO_REUSEPORT by default).
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  // Client certificates are verified when presented: nodes must present one (their Sync stream
  // is refused otherwise), dashboard callers may use bearer tokens instead. The auth processor
  // decides every call by the role table (services/aggregator/grpc/roles.h).
  builder.AddListeningPort(absl::GetFlag(FLAGS_listen),
                           unggul::auth::ServerCredentialsWithAuth(
                               security->files, unggul::tls::ClientCerts::kOptional, *auth),
                           &port);
  builder.RegisterService(&sync_service);
  builder.RegisterService(&dashboard_service);
  builder.RegisterService(&designation_service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr || port == 0) {
    return Fail(absl::StrCat("cannot listen on ", absl::GetFlag(FLAGS_listen),
                             ": the address is in use or not local (a busy port is never shared)"));
  }
  unggul::MarkServicesServing(*server,
                              {unggul::sync::v1::KanwilSync::service_full_name(),
                               unggul::kanwil::v1::KanwilDashboard::service_full_name(),
                               unggul::kanwil::v1::KanwilDesignations::service_full_name()});
  unggul::log::Info("kanwil-aggregator serving",
                    {{"port", absl::StrCat(port)},
                     {"security", security->description},
                     {"registry_version", absl::StrCat(*version)},
                     {"scoring_model", absl::StrCat(model->name(), " ", model->version())},
                     {"scoring_model_sha256", ranking_core.model_hash()},
                     {"upts", absl::StrCat(registry->entries.size())},
                     {"access_policy", security->access_policy.empty() ? "OPEN (none, --insecure)"
                                                                       : security->access_policy}});
  if (const std::string pf = absl::GetFlag(FLAGS_port_file); !pf.empty()) {
    if (absl::Status s = unggul::WritePortFile(pf, port); !s.ok()) {
      return Fail(std::string(s.message()));
    }
  }
  // Says in the log when a rotated certificate is picked up (gRPC reloads it by itself).
  unggul::CertificateWatch certificate_watch(
      clock, security->files.cert, security->self ? unggul::pki::SpiffeUri(*security->self) : "",
      security->files.reload_interval);
  std::thread signal_thread =
      unggul::DrainOnStopSignal(signals, *server, absl::GetFlag(FLAGS_drain_timeout));
  // Keeps the materialised rankings current between calls (RankingCore::RefreshStale).
  auto refresh = std::make_unique<unggul::PeriodicTask>(
      clock, absl::GetFlag(FLAGS_ranking_refresh_interval), [&] {
        absl::StatusOr<int> refreshed = ranking_core.RefreshStale();
        if (!refreshed.ok()) {
          unggul::log::Warn("ranking refresh failed", {{"error", refreshed.status().ToString()}});
        } else if (*refreshed > 0) {
          unggul::log::Debug("rankings refreshed", {{"count", absl::StrCat(*refreshed)}});
        }
      });
  server->Wait();
  refresh.reset();
  signal_thread.join();
  server.reset();    // every stream is done: no reactor task can be queued after this
  executor.reset();  // runs what is queued, joins
  store->reset();
  unggul::log::Info("kanwil-aggregator stopped");
  return 0;
}

// Ranking benchmark (issue "Ranking (SPUP) and the designation workflow"): GetRanking latency at
// national scale against the same ranking computed by SQL in PostgreSQL 15 over the same data.
// Not a test: numbers are printed, never asserted.
//
//   1. Generates (seeded, deterministic) UPTs, 50 products each, --batches production batches
//      over --years years, sales (one per two batches), certifications, trainings and monthly
//      labour reports (the last three years, ~95 % Kanwil-verified), and writes the same rows as
//      CSV for PostgreSQL.
//   2. Loads the aggregator's RocksDB through KanwilStore::ApplyChanges (the sync ingest path
//      without the network; 1,000 records per batch, sync_writes off while loading).
//   3. Serves KanwilDashboard over gRPC on 127.0.0.1:0 and measures GetRanking (default period,
//      whole Kanwil, first page of 100, summary and full views) p50/p99 from a client, plus the
//      cost of computing the materialised ranking: cold (after start) and after one UPT synced
//      new records.
//   4. Starts a throwaway PostgreSQL 15 on loopback (bench/ranking_sql/pg_temp.sh), loads the CSVs
//      with COPY, builds bench/ranking_sql/indexes.sql, runs bench/ranking_sql/ranking.sql for the
//      same period --sql_runs times and cross-checks every product's total, stars, eligibility,
//      floors and rank against the engine's.
//
// Usage: ranking_bench [--upts=600] [--batches=10000000] [--years=10] [--queries=1000]
//                      [--sql_runs=10] [--recomputes=5] [--skip_sql] [--keep]
//                      [--sql_dir=bench/ranking_sql]

#include <malloc.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "bench/bench_util.h"
#include "common/testing/fake_clock.h"
#include "common/time/clock.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server.h"
#include "grpcpp/server_builder.h"
#include "libpq-fe.h"
#include "services/aggregator/core/dashboard_core.h"
#include "services/aggregator/core/incident_core.h"
#include "services/aggregator/core/ranking_core.h"
#include "services/aggregator/core/sync_core.h"
#include "services/aggregator/grpc/kanwil_dashboard_service.h"
#include "services/aggregator/grpc/roles.h"
#include "services/aggregator/ranking/default_model.h"
#include "services/aggregator/ranking/model.h"
#include "services/aggregator/store/rocksdb_kanwil_store.h"
#include "unggul/kanwil/v1/dashboard.grpc.pb.h"

namespace unggul {
namespace {

namespace v1 = ::unggul::node::v1;
namespace kv1 = ::unggul::kanwil::v1;
using aggregator::IncomingChange;
using aggregator::RegistryEntry;

constexpr int kProductsPerUpt = 50;
constexpr char kIncarnation[] = "00000000000000000000000000000001";
// The clock: 2026-11-29 (Jakarta), so the default period is 2025-11 .. 2026-10.
constexpr int64_t kNowUnix = 1795921200;
constexpr int kLastYear = 2026;
constexpr int kLastMonth = 10;  // last complete month of the data

struct Flags {
  int upts = 600;
  int64_t batches = 10'000'000;
  int years = 10;
  int queries = 1000;
  int sql_runs = 10;
  int recomputes = 5;
  bool skip_sql = false;
  bool keep = false;
  std::string sql_dir = "bench/ranking_sql";
};

std::string Ymd(absl::CivilDay d) {
  return absl::StrFormat("%04d-%02d-%02d", static_cast<int>(d.year()), d.month(), d.day());
}
std::string Ym(absl::CivilMonth m) {
  return absl::StrFormat("%04d-%02d", static_cast<int>(m.year()), m.month());
}
std::string Short(const google::protobuf::EnumDescriptor* d, int value, absl::string_view prefix) {
  return d->FindValueByNumber(value)->name().substr(prefix.size());
}

// ---------------------------------------------------------------------------------------------
// Data generation: one UPT at a time, records for the store and CSV rows for PostgreSQL.

struct Csv {
  explicit Csv(const std::string& dir) {
    for (const char* t :
         {"upts", "products", "batches", "sales", "certifications", "trainings", "labour"}) {
      files[t] = std::make_unique<std::ofstream>(dir + "/" + t + ".csv");
    }
  }
  std::ofstream& operator[](const std::string& t) { return *files.at(t); }
  std::map<std::string, std::unique_ptr<std::ofstream>> files;
};

struct UptData {
  RegistryEntry entry;
  std::vector<v1::Record> records;
  std::vector<std::pair<std::string, std::string>> verified;  // (product_id, YYYY-MM)
};

const std::vector<v1::Category>& Categories() {
  static const auto* c = new std::vector<v1::Category>{
      v1::CATEGORY_PANGAN_OLAHAN,    v1::CATEGORY_MINUMAN,          v1::CATEGORY_KERAJINAN,
      v1::CATEGORY_TEKSTIL_KONVEKSI, v1::CATEGORY_MEBEL_LOGAM,      v1::CATEGORY_BAHAN_BANGUNAN,
      v1::CATEGORY_PERTANIAN,        v1::CATEGORY_HERBAL_NONPANGAN, v1::CATEGORY_JASA,
      v1::CATEGORY_PANGAN_OLAHAN,    v1::CATEGORY_MINUMAN};
  return *c;
}

UptData GenerateUpt(int u, const Flags& f, int64_t batches_here, Csv& csv) {
  std::mt19937_64 rng(0x5350555000ULL + static_cast<uint64_t>(u));
  auto uniform = [&](double lo, double hi) {
    return std::uniform_real_distribution<double>(lo, hi)(rng);
  };
  auto chance = [&](double p) { return uniform(0, 1) < p; };
  auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<uint64_t>(n)); };
  UptData out;
  const char* type = u % 10 == 9 ? "LPKA" : (u % 10 >= 7 ? "RUTAN" : "LAPAS");
  const char* short_type = u % 10 == 9 ? "LPKA" : (u % 10 >= 7 ? "RT" : "LP");
  const std::string upt = absl::StrFormat("NAS-%s-%03d", short_type, u);
  out.entry = {
      upt,  absl::StrFormat("%s Nasional %03d", type, u), type, "", "IIA", "16.04", "NASIONAL",
      false};
  csv["upts"] << upt << "," << type << ",true\n";

  const absl::CivilMonth last(kLastYear, kLastMonth);
  const absl::CivilMonth first = last - (12 * f.years - 1);
  const int64_t per_product = batches_here / kProductsPerUpt;
  const int64_t extra = batches_here % kProductsPerUpt;
  for (int p = 0; p < kProductsPerUpt; ++p) {
    const std::string pid = absl::StrFormat("%s-P%02d", upt, p);
    const v1::Category cat = Categories()[static_cast<size_t>((u + p) % Categories().size())];
    const bool food = cat == v1::CATEGORY_PANGAN_OLAHAN || cat == v1::CATEGORY_MINUMAN;
    // Most products run the whole span; some launched recently, some stopped.
    absl::CivilMonth launch = first;
    if (chance(0.15)) launch = last - pick(30);
    if (chance(0.03)) launch = last - pick(6);  // launched inside the period: new
    absl::CivilMonth stop = last;
    if (chance(0.10)) stop = last - 12 - pick(24);
    if (stop < launch) stop = launch;
    const int active = static_cast<int>(stop - launch) + 1;

    v1::Record pr;
    v1::Product* prod = pr.mutable_product();
    prod->set_product_id(pid);
    prod->set_upt_code(upt);
    prod->set_name(absl::StrFormat("Produk %d %s", p, upt));
    prod->set_category(cat);
    prod->set_launch_date(Ymd(absl::CivilDay(launch)));
    prod->set_status(v1::PRODUCT_STATUS_ACTIVE);
    const bool packaged = food || !chance(0.5);
    v1::Sku* sku = prod->add_skus();
    sku->set_sku_code("S1");
    sku->set_packaging_type(packaged ? v1::PACKAGING_TYPE_PLASTIC : v1::PACKAGING_TYPE_NONE);
    const int64_t created_ms =
        absl::ToUnixMillis(absl::FromCivil(absl::CivilSecond(launch), absl::UTCTimeZone())) +
        p * 1000;
    prod->set_created_at_unix_ms(created_ms);
    out.records.push_back(pr);
    csv["products"] << pid << "," << upt << ","
                    << Short(v1::Category_descriptor(), cat, "CATEGORY_") << ","
                    << Ymd(absl::CivilDay(launch)) << "," << (packaged ? "true" : "false") << ","
                    << created_ms << "\n";

    // Batches and sales spread at random over the active months.
    const int64_t n_batches = per_product + (p < extra ? 1 : 0);
    const double base_qty = std::round(uniform(20, 400));
    const double reject_rate = uniform(0.0, 0.08);
    const double local_share = uniform(0.2, 1.0);
    const int64_t price = static_cast<int64_t>(uniform(5, 300)) * 1000;
    const int channels = 1 + pick(6);
    const int reach = 1 + pick(4);
    for (int64_t b = 0; b < n_batches; ++b) {
      const absl::CivilMonth m = launch + pick(active);
      const absl::CivilDay day = absl::CivilDay(m) + pick(28);
      const double qty = std::round(base_qty * uniform(0.7, 1.3) * 100) / 100;
      const double rejected = std::round(qty * reject_rate * 100) / 100;
      const double person_days = std::round(uniform(5, 60));
      const int64_t input_cost = static_cast<int64_t>(qty * uniform(1000, 3000));
      const int64_t local_cost =
          static_cast<int64_t>(static_cast<double>(input_cost) * local_share);
      const int64_t direct_cost = input_cost + static_cast<int64_t>(person_days) * 15000;
      const std::string code = absl::StrFormat("%s-B%07d", pid, b);
      v1::Record br;
      v1::ProductionBatch* batch = br.mutable_batch();
      batch->set_batch_code(code);
      batch->set_product_id(pid);
      batch->set_sku_code("S1");
      batch->set_start_date(Ymd(day));
      batch->set_qty_produced(qty);
      batch->set_qty_rejected(rejected);
      batch->set_unit(v1::UNIT_PCS);
      batch->set_inmates_engaged_count(3 + pick(20));
      batch->set_inmate_person_days(person_days);
      batch->set_direct_cost_idr(direct_cost);
      v1::MaterialInput* local = batch->add_inputs();
      local->set_material("bahan lokal");
      local->set_origin_type(v1::ORIGIN_TYPE_LOCAL_FARMER);
      local->set_cost_idr(local_cost);
      if (input_cost > local_cost) {
        v1::MaterialInput* outside = batch->add_inputs();
        outside->set_material("bahan luar");
        outside->set_origin_type(v1::ORIGIN_TYPE_OUTSIDE_PROVINCE);
        outside->set_cost_idr(input_cost - local_cost);
      }
      out.records.push_back(std::move(br));
      csv["batches"] << code << "," << pid << "," << Ymd(day) << "," << qty << "," << rejected
                     << "," << person_days << "," << direct_cost << "," << input_cost << ","
                     << local_cost << "\n";
      if (b % 2 == 0) {
        const absl::CivilDay sale_day = absl::CivilDay(m) + pick(28);
        const double sold = std::round(qty * uniform(0.5, 1.0));
        const int64_t revenue = static_cast<int64_t>(sold) * price;
        const v1::Channel channel = static_cast<v1::Channel>(1 + pick(channels));
        const v1::BuyerRegion region = static_cast<v1::BuyerRegion>(1 + pick(reach));
        const std::string sid = absl::StrFormat("%s-S%07d", pid, b / 2);
        v1::Record sr;
        v1::Sale* sale = sr.mutable_sale();
        sale->set_sale_id(sid);
        sale->set_product_id(pid);
        sale->set_sku_code("S1");
        sale->set_sale_date(Ymd(sale_day));
        sale->set_qty(sold);
        sale->set_unit(v1::UNIT_PCS);
        sale->set_unit_price_idr(price);
        sale->set_revenue_idr(revenue);
        sale->set_channel(channel);
        sale->set_buyer_type(v1::BUYER_TYPE_INDIVIDUAL);
        sale->set_buyer_region(region);
        out.records.push_back(std::move(sr));
        csv["sales"] << sid << "," << pid << "," << Ymd(sale_day) << "," << sold << "," << revenue
                     << "," << Short(v1::Channel_descriptor(), channel, "CHANNEL_") << ","
                     << Short(v1::BuyerRegion_descriptor(), region, "BUYER_REGION_") << "\n";
      }
    }

    // Certifications (some lapsed), by category.
    int c = 0;
    auto cert = [&](v1::CertificationType t, const std::string& number, absl::CivilDay issued,
                    absl::CivilDay until) {
      const std::string id = absl::StrFormat("%s-C%d", pid, c++);
      v1::Record cr;
      v1::Certification* ce = cr.mutable_certification();
      ce->set_certification_id(id);
      ce->set_product_id(pid);
      ce->set_type(t);
      ce->set_number(number);
      ce->set_issuer("Dinas");
      ce->set_issued_date(Ymd(issued));
      ce->set_valid_until(Ymd(until));
      out.records.push_back(std::move(cr));
      csv["certifications"] << id << "," << pid << ","
                            << Short(v1::CertificationType_descriptor(), t, "CERTIFICATION_TYPE_")
                            << "," << number << "," << Ymd(issued) << "," << Ymd(until) << "\n";
    };
    const absl::CivilDay issued = absl::CivilDay(launch) + pick(60);
    const absl::CivilDay lasting = issued + 365 * 5;
    const absl::CivilDay lapsed = absl::CivilDay(last) - 30 - pick(300);
    if (food) {
      if (chance(0.85))
        cert(v1::CERTIFICATION_TYPE_SPP_IRT, "2091604010123-29", issued,
             chance(0.85) ? lasting + 2000 : lapsed);
      if (chance(0.10)) cert(v1::CERTIFICATION_TYPE_BPOM_MD, "MD224213001234", issued, lasting);
      if (chance(0.50))
        cert(v1::CERTIFICATION_TYPE_HALAL, "ID16110000123450224", issued, lasting + 3000);
    } else if (chance(0.25)) {
      cert(v1::CERTIFICATION_TYPE_SNI, "SNI 03-0691-1996", issued, lasting + 3000);
    }
    if (chance(0.6)) {
      cert(v1::CERTIFICATION_TYPE_MEREK, chance(0.5) ? "IDM000912345" : "DID2024012345", issued,
           lasting + 3000);
    }
    if (chance(0.9)) cert(v1::CERTIFICATION_TYPE_NIB, "1234567890123", issued, lasting + 9000);

    // Trainings in the last two years.
    const int n_trainings = pick(4);
    for (int t = 0; t < n_trainings; ++t) {
      const std::string id = absl::StrFormat("%s-T%d", pid, t);
      const absl::CivilDay start = absl::CivilDay(last - pick(24)) + pick(20);
      const absl::CivilDay end = start + 5;
      const int participants = 5 + pick(20);
      const int completed = participants - pick(4);
      const bool bnsp = chance(0.4);
      const int certs = bnsp ? completed / 2 : 0;
      v1::Record tr;
      v1::Training* tn = tr.mutable_training();
      tn->set_training_id(id);
      tn->set_product_id(pid);
      tn->set_program_name("Pelatihan produksi");
      tn->set_provider("BLK");
      tn->set_start_date(Ymd(start));
      tn->set_end_date(Ymd(end));
      tn->set_participants_count(participants);
      tn->set_completed_count(completed);
      tn->set_certificates_count(certs);
      tn->set_certificate_scheme(bnsp ? v1::CERTIFICATE_SCHEME_BNSP_COMPETENCY
                                      : v1::CERTIFICATE_SCHEME_ATTENDANCE);
      out.records.push_back(std::move(tr));
      csv["trainings"] << id << "," << pid << "," << Ymd(start) << "," << Ymd(end) << ","
                       << participants << "," << completed << "," << certs << ","
                       << (bnsp ? "BNSP_COMPETENCY" : "ATTENDANCE") << "\n";
    }

    // Monthly labour reports for the active months of the last three years.
    for (absl::CivilMonth m = std::max(launch, last - 35); m <= stop; ++m) {
      if (chance(0.05)) continue;  // not reported
      const std::string id = absl::StrFormat("%s-L%s", pid, Ym(m));
      const int inmates = chance(0.03) ? 1 : 3 + pick(23);
      const bool small = inmates == 1;
      const bool verified = chance(0.95);
      v1::Record lr;
      v1::MonthlyLabour* l = lr.mutable_labour();
      l->set_report_id(id);
      l->set_product_id(pid);
      l->set_month(Ym(m));
      l->set_distinct_inmates_engaged(inmates);
      l->set_small_cell(small);
      l->set_inmate_person_days(inmates * 20);
      out.records.push_back(std::move(lr));
      if (verified) out.verified.emplace_back(pid, Ym(m));
      csv["labour"] << id << "," << pid << "," << Ym(m) << "-01," << inmates << ","
                    << (small ? "true" : "false") << "," << (verified ? "true" : "false") << "\n";
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL (libpq).

int FreePort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  socklen_t len = sizeof(addr);
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

bool Exec(PGconn* pg, const std::string& sql, const std::string& what) {
  PGresult* r = PQexec(pg, sql.c_str());
  const ExecStatusType st = PQresultStatus(r);
  const bool ok = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK;
  if (!ok) std::fprintf(stderr, "%s failed: %s\n", what.c_str(), PQerrorMessage(pg));
  PQclear(r);
  return ok;
}

struct SqlRow {
  double total = 0;
  int stars = 0;
  bool eligible = false;
  bool floors_passed = false;
  int rank = 0;
  std::vector<std::string> debug;
};

// ---------------------------------------------------------------------------------------------

int Run(const Flags& f) {
  const std::string dir = bench::MakeTempDir("unggul-ranking-bench");
  std::printf("# ranking_bench: %d UPTs x %d products, %lld batches over %d years; data in %s\n",
              f.upts, kProductsPerUpt, static_cast<long long>(f.batches), f.years, dir.c_str());
  std::fflush(stdout);
  aggregator::RocksDbKanwilStore::Options options;
  options.path = dir + "/kanwil";
  options.sync_writes = false;
  auto store = aggregator::RocksDbKanwilStore::Open(options);
  if (!store.ok()) {
    std::fprintf(stderr, "open: %s\n", store.status().ToString().c_str());
    return 1;
  }
  testing::FakeClock clock(absl::FromUnixSeconds(kNowUnix));
  aggregator::SyncCore sync(**store, clock, aggregator::SyncLimits());

  // 1 + 2: generate and load.
  absl::Time t0 = unggul::RealClock().Now();
  std::vector<RegistryEntry> registry;
  int64_t records = 0;
  {
    Csv csv(dir);
    for (int u = 0; u < f.upts; ++u) {
      const int64_t here = f.batches / f.upts + (u < f.batches % f.upts ? 1 : 0);
      UptData d = GenerateUpt(u, f, here, csv);
      registry.push_back(d.entry);
      uint64_t seq = 0;
      for (size_t i = 0; i < d.records.size(); i += 1000) {
        std::vector<IncomingChange> chunk;
        for (size_t j = i; j < std::min(d.records.size(), i + 1000); ++j) {
          chunk.push_back({++seq, std::move(d.records[j])});
        }
        auto st = ApplyChanges(**store, d.entry.upt_code, kIncarnation, chunk, seq, 1);
        if (!st.ok()) {
          std::fprintf(stderr, "apply: %s\n", st.status().ToString().c_str());
          return 1;
        }
      }
      records += static_cast<int64_t>(seq);
      if (absl::Status s = (*store)->panel().PutLabourVerifications(d.entry.upt_code, d.verified,
                                                                    "kanwil.verifikator", 1);
          !s.ok()) {
        std::fprintf(stderr, "verify: %s\n", s.ToString().c_str());
        return 1;
      }
      if ((u + 1) % 50 == 0) {
        std::fprintf(stderr, "  loaded %d/%d UPTs, %lld records, %.0f s\n", u + 1, f.upts,
                     static_cast<long long>(records), bench::SecondsSince(t0));
      }
    }
  }
  const double load_s = bench::SecondsSince(t0);
  if (auto v = sync.LoadRegistry(registry, "bench"); !v.ok()) {
    std::fprintf(stderr, "registry: %s\n", v.status().ToString().c_str());
    return 1;
  }

  // Sales added after loading go to the CSV too, so PostgreSQL sees the same rows.
  absl::Mutex extra_mu;
  std::ofstream extra_sales(dir + "/sales.csv", std::ios::app);
  // One sale of `<upt>-<P..>` (the product is the id's first part) in October 2026, synced.
  auto sync_sale = [&](const std::string& upt, const std::string& id_suffix, int64_t revenue) {
    v1::Sale sale;
    sale.set_sale_id(absl::StrCat(upt, "-", id_suffix));
    sale.set_product_id(absl::StrCat(upt, "-", id_suffix.substr(0, 3)));
    sale.set_sale_date("2026-10-15");
    sale.set_qty(10);
    sale.set_revenue_idr(revenue);
    sale.set_channel(v1::CHANNEL_MARKETPLACE);
    sale.set_buyer_region(v1::BUYER_REGION_SAME_PROVINCE);
    absl::MutexLock lock(&extra_mu);
    auto state = (*store)->GetUpt(upt);
    const uint64_t seq = (*state)->hwm + 1;
    v1::Record record;
    *record.mutable_sale() = sale;
    if (!ApplyChanges(**store, upt, kIncarnation, {{seq, record}}, seq, 2).ok()) std::exit(1);
    extra_sales << sale.sale_id() << "," << sale.product_id() << "," << sale.sale_date() << ","
                << sale.qty() << "," << sale.revenue_idr() << ","
                << Short(v1::Channel_descriptor(), sale.channel(), "CHANNEL_") << ","
                << Short(v1::BuyerRegion_descriptor(), sale.buyer_region(), "BUYER_REGION_")
                << "\n";
  };

  // 3: the aggregator's ranking over gRPC.
  auto model = aggregator::ParseScoringModel(aggregator::DefaultScoringModelJson());
  aggregator::RankingCore ranking(**store, (*store)->panel(), sync, clock, *model);
  aggregator::DashboardCore dashboard(**store, sync);
  aggregator::IncidentCore incidents(**store, (*store)->panel(), sync, clock);
  aggregator::PanelCore panel(**store, (*store)->panel(), sync, clock);
  auth::AuthProcessor open_auth(auth::Authorizer(aggregator::KanwilRoleTable(), "ADMIN", true),
                                nullptr, nullptr);
  aggregator::KanwilDashboardServiceImpl service(dashboard, ranking, panel, incidents, open_auth);
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
  builder.RegisterService(&service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  auto stub = kv1::KanwilDashboard::NewStub(
      grpc::CreateChannel(absl::StrCat("127.0.0.1:", port), grpc::InsecureChannelCredentials()));
  auto call = [&](const kv1::GetRankingRequest& req, kv1::Ranking* out) {
    grpc::ClientContext ctx;
    ctx.set_deadline(absl::ToChronoTime(unggul::RealClock().Now() + absl::Minutes(10)));
    const absl::Time start = unggul::RealClock().Now();
    grpc::Status s = stub->GetRanking(&ctx, req, out);
    if (!s.ok()) {
      std::fprintf(stderr, "GetRanking: %d %s\n", s.error_code(), s.error_message().c_str());
      std::exit(1);
    }
    return bench::MillisSince(start);
  };
  kv1::GetRankingRequest summary;
  summary.set_view(kv1::RANKING_VIEW_SUMMARY);
  kv1::GetRankingRequest full;
  full.set_view(kv1::RANKING_VIEW_FULL);
  kv1::Ranking first;
  const double rss_before = static_cast<double>(bench::RssKb()) / 1024;
  const double cold_ms = call(summary, &first);
  const double rss_after = static_cast<double>(bench::RssKb()) / 1024;
  const double cold_compute_ms = first.compute_ms();
  auto measure = [&](const kv1::GetRankingRequest& req) {
    std::vector<double> ms;
    kv1::Ranking r;
    for (int i = 0; i < f.queries; ++i) ms.push_back(call(req, &r));
    return std::make_pair(bench::Percentile(ms, 0.5), bench::Percentile(ms, 0.99));
  };
  const auto [summary_p50, summary_p99] = measure(summary);
  std::vector<double> core_ms;
  for (int i = 0; i < f.queries; ++i) {
    const absl::Time start = unggul::RealClock().Now();
    if (!ranking.Rank(summary).ok()) return 1;
    core_ms.push_back(bench::MillisSince(start));
  }
  const auto [full_p50, full_p99] = measure(full);
  // During sync (a sale every 50 ms somewhere), dashboards asking max_staleness_seconds=60.
  std::vector<double> during_ingest_ms;
  int stale_served = 0;
  {
    absl::Notification stop;  // paces the ingest (a sale every 50 ms) and ends it
    std::thread ingest([&] {
      for (int i = 0; !stop.HasBeenNotified(); ++i) {
        const RegistryEntry& upt = registry[static_cast<size_t>(i * 13 % f.upts)];
        sync_sale(upt.upt_code, absl::StrFormat("P01-SING%d", i), 500'000);
        stop.WaitForNotificationWithTimeout(absl::Milliseconds(50));
      }
    });
    kv1::GetRankingRequest relaxed = summary;
    relaxed.set_max_staleness_seconds(60);
    kv1::Ranking r;
    for (int i = 0; i < f.queries; ++i) {
      during_ingest_ms.push_back(call(relaxed, &r));
      stale_served += r.stale() ? 1 : 0;
    }
    stop.Notify();
    ingest.join();
  }
  // After one UPT syncs: the next call recomputes (one UPT's inputs reloaded, engine rerun).
  std::vector<double> after_change_ms;
  std::vector<double> after_change_compute;
  for (int i = 0; i < f.recomputes; ++i) {
    const RegistryEntry& upt = registry[static_cast<size_t>(i * 7 % f.upts)];
    sync_sale(upt.upt_code, absl::StrFormat("P00-SNEW%d", i), 1'000'000);
    kv1::Ranking r;
    after_change_ms.push_back(call(summary, &r));
    after_change_compute.push_back(r.compute_ms());
  }
  // The full ranking (every product) for the cross-check, page by page.
  std::map<std::string, kv1::ProductScore> engine;
  {
    kv1::GetRankingRequest page = summary;
    page.set_page_size(1000);
    do {
      kv1::Ranking r;
      call(page, &r);
      for (const kv1::ProductScore& s : r.products()) engine[s.product_id()] = s;
      page.set_page_token(r.next_page_token());
    } while (!page.page_token().empty());
  }
  int ranked = 0;
  for (const auto& [id, s] : engine) ranked += s.rank() > 0 ? 1 : 0;

  std::printf("\n## Data\n\n| | |\n|---|---|\n");
  std::printf("| UPTs / products | %d / %zu (%d ranked) |\n", f.upts, engine.size(), ranked);
  std::printf("| records (batches, sales, labour, certs, trainings) | %lld |\n",
              static_cast<long long>(records));
  std::printf("| generate + load into the aggregator's RocksDB | %.0f s (%.0f records/s) |\n",
              load_s, static_cast<double>(records) / load_s);
  std::printf(
      "| process RSS before / after the first snapshot (inputs cache + snapshot) | %.0f / %.0f "
      "MiB |\n",
      rss_before, rss_after);
  std::printf("\n## Unggul GetRanking (gRPC, default period, whole cohort, first page of 100)\n\n");
  std::printf("| | p50 ms | p99 ms |\n|---|---|---|\n");
  std::printf("| served from the materialised ranking, summary view | %.2f | %.2f |\n", summary_p50,
              summary_p99);
  std::printf("| served from the materialised ranking, full view | %.2f | %.2f |\n", full_p50,
              full_p99);
  std::printf("| RankingCore::Rank in process (no gRPC), summary view | %.2f | %.2f |\n",
              bench::Percentile(core_ms, 0.5), bench::Percentile(core_ms, 0.99));
  std::printf(
      "| during sync (a sale every 50 ms), max_staleness_seconds=60, summary (%d of %d stale) "
      "| %.2f | %.2f |\n",
      stale_served, f.queries, bench::Percentile(during_ingest_ms, 0.5),
      bench::Percentile(during_ingest_ms, 0.99));
  std::printf("| first call after start (compute from RocksDB: %.0f ms) | %.0f | |\n",
              cold_compute_ms, cold_ms);
  std::printf("| first call after one UPT synced (compute %.0f ms) | %.0f | %.0f (max of %d) |\n",
              bench::Percentile(after_change_compute, 0.5), bench::Percentile(after_change_ms, 0.5),
              bench::Percentile(after_change_ms, 1.0), f.recomputes);
  std::fflush(stdout);
  server->Shutdown();
  extra_sales.close();

  if (f.skip_sql) return 0;

  // 4: PostgreSQL over the same rows.
  const std::string pg_dir = dir + "/pg";
  const int pg_port = FreePort();
  const std::string script = f.sql_dir + "/pg_temp.sh";
  if (std::system(absl::StrCat("bash ", script, " start ", pg_dir, " ", pg_port).c_str()) != 0) {
    std::fprintf(stderr, "could not start PostgreSQL with %s\n", script.c_str());
    return 1;
  }
  PGconn* pg = PQconnectdb(
      absl::StrCat("host=127.0.0.1 port=", pg_port, " user=postgres dbname=unggul").c_str());
  if (PQstatus(pg) != CONNECTION_OK) {
    std::fprintf(stderr, "connect: %s\n", PQerrorMessage(pg));
    return 1;
  }
  int rc = 0;
  // Script files go through psql (it splits statements; VACUUM cannot run in PQexec's implicit
  // transaction).
  auto psql = [&](const std::string& file) {
    const std::string cmd = absl::StrCat(
        "PGOPTIONS='-c client_min_messages=warning' psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 "
        "-p ",
        pg_port, " -U postgres -d unggul -f ", f.sql_dir, "/", file);
    const bool ok = std::system(cmd.c_str()) == 0;
    if (!ok) std::fprintf(stderr, "%s failed\n", file.c_str());
    return ok;
  };
  t0 = unggul::RealClock().Now();
  bool ok = psql("schema.sql");
  for (const char* t :
       {"upts", "products", "batches", "sales", "certifications", "trainings", "labour"}) {
    ok = ok && Exec(pg, absl::StrCat("COPY ", t, " FROM '", dir, "/", t, ".csv' WITH (FORMAT csv)"),
                    absl::StrCat("COPY ", t));
  }
  const double copy_s = bench::SecondsSince(t0);
  t0 = unggul::RealClock().Now();
  ok = ok && psql("indexes.sql");
  const double index_s = bench::SecondsSince(t0);
  const std::string query = ReadFile(f.sql_dir + "/ranking.sql");
  std::vector<double> sql_ms;
  std::map<std::string, SqlRow> sql;
  for (int run = 0; ok && run < f.sql_runs; ++run) {
    const char* params[2] = {"2025-11-01", "2026-10-01"};
    const absl::Time start = unggul::RealClock().Now();
    PGresult* r = PQexecParams(pg, query.c_str(), 2, nullptr, params, nullptr, nullptr, 0);
    sql_ms.push_back(bench::MillisSince(start));
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
      std::fprintf(stderr, "ranking.sql: %s\n", PQerrorMessage(pg));
      ok = false;
    } else if (run == 0) {
      for (int i = 0; i < PQntuples(r); ++i) {
        SqlRow row;
        absl::SimpleAtod(PQgetvalue(r, i, 1), &row.total);
        absl::SimpleAtoi(PQgetvalue(r, i, 2), &row.stars);
        row.eligible = PQgetvalue(r, i, 3)[0] == 't';
        row.floors_passed = PQgetvalue(r, i, 4)[0] == 't';
        absl::SimpleAtoi(PQgetvalue(r, i, 5), &row.rank);
        for (int c = 6; c < PQnfields(r); ++c) {
          row.debug.push_back(absl::StrCat(PQfname(r, c), "=", PQgetvalue(r, i, c)));
        }
        sql[PQgetvalue(r, i, 0)] = row;
      }
    }
    PQclear(r);
  }
  PQfinish(pg);
  std::system(absl::StrCat("bash ", script, " stop ", pg_dir).c_str());
  if (!ok) return 1;

  // Cross-check: every product, same total (1e-6), stars, eligibility, floors and rank.
  int mismatches = 0;
  for (const auto& [id, s] : engine) {
    auto it = sql.find(id);
    const bool same = it != sql.end() && std::abs(it->second.total - s.total()) <= 1e-6 &&
                      it->second.stars == s.stars() && it->second.eligible == s.eligible() &&
                      it->second.floors_passed == s.floors_passed() && it->second.rank == s.rank();
    if (same) continue;
    if (++mismatches <= 5) {
      std::fprintf(stderr, "mismatch %s: engine total %.9f stars %d eligible %d floors %d rank %d",
                   id.c_str(), s.total(), s.stars(), s.eligible(), s.floors_passed(), s.rank());
      if (it != sql.end()) {
        std::fprintf(stderr, " | sql total %.9f stars %d eligible %d floors %d rank %d [%s]",
                     it->second.total, it->second.stars, it->second.eligible,
                     it->second.floors_passed, it->second.rank,
                     absl::StrJoin(it->second.debug, " ").c_str());
      }
      std::fprintf(stderr, "\n");
    }
  }
  if (sql.size() != engine.size()) ++mismatches;
  const double sql_p50 = bench::Percentile(sql_ms, 0.5);
  const double sql_p99 = bench::Percentile(sql_ms, 0.99);
  std::printf("\n## PostgreSQL 15, same rows, ranking.sql (default ranking only, no profiles)\n\n");
  std::printf("| | |\n|---|---|\n");
  std::printf("| COPY of the CSVs / indexes + ANALYZE | %.0f s / %.0f s |\n", copy_s, index_s);
  std::printf("| ranking.sql p50 / p99 (%d runs) | %.0f ms / %.0f ms |\n", f.sql_runs, sql_p50,
              sql_p99);
  std::printf("| products compared with the engine / mismatches | %zu / %d |\n", engine.size(),
              mismatches);
  std::printf("\n## Ratio (one run)\n\n| | |\n|---|---|\n");
  std::printf("| SQL p50 / GetRanking p50 (summary) | %.0fx |\n", sql_p50 / summary_p50);
  std::printf("| SQL p99 / GetRanking p99 (summary) | %.0fx |\n", sql_p99 / summary_p99);
  std::printf("| SQL p50 / GetRanking after one UPT synced (recompute) | %.1fx |\n",
              sql_p50 / bench::Percentile(after_change_ms, 0.5));
  if (mismatches > 0) rc = 2;
  if (!f.keep) std::filesystem::remove_all(dir);
  return rc;
}

}  // namespace
}  // namespace unggul

int main(int argc, char** argv) {
  if (getenv("BENCH_MALLOPT") != nullptr) {
    mallopt(M_TRIM_THRESHOLD, 1 << 30);
    mallopt(M_TOP_PAD, 256 << 20);
    mallopt(M_MMAP_THRESHOLD, 1 << 30);
  }
  unggul::Flags f;
  for (int i = 1; i < argc; ++i) {
    const absl::string_view a = argv[i];
    auto value = [&](absl::string_view name) -> const char* {
      return absl::StartsWith(a, name) ? argv[i] + name.size() : nullptr;
    };
    if (const char* v = value("--upts=")) {
      absl::SimpleAtoi(v, &f.upts);
    } else if (const char* v = value("--batches=")) {
      absl::SimpleAtoi(v, &f.batches);
    } else if (const char* v = value("--years=")) {
      absl::SimpleAtoi(v, &f.years);
    } else if (const char* v = value("--queries=")) {
      absl::SimpleAtoi(v, &f.queries);
    } else if (const char* v = value("--sql_runs=")) {
      absl::SimpleAtoi(v, &f.sql_runs);
    } else if (const char* v = value("--recomputes=")) {
      absl::SimpleAtoi(v, &f.recomputes);
    } else if (const char* v = value("--sql_dir=")) {
      f.sql_dir = v;
    } else if (a == "--skip_sql") {
      f.skip_sql = true;
    } else if (a == "--keep") {
      f.keep = true;
    } else {
      std::fprintf(stderr,
                   "usage: ranking_bench [--upts=600] [--batches=10000000] [--years=10] "
                   "[--queries=1000] [--sql_runs=10] [--recomputes=5] [--skip_sql] [--keep] "
                   "[--sql_dir=bench/ranking_sql]\n");
      return 2;
    }
  }
  if (f.upts < 1 || f.years < 2 || f.batches < f.upts * unggul::kProductsPerUpt) {
    std::fprintf(stderr, "need --upts >= 1, --years >= 2 and a batch per product at least\n");
    return 2;
  }
  return unggul::Run(f);
}

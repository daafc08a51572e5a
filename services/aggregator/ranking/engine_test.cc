#include "services/aggregator/ranking/engine.h"

#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/testing/status_matchers.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "services/aggregator/ranking/model.h"

namespace unggul::aggregator {
namespace {

namespace k1 = ::unggul::kanwil::v1;
namespace n1 = ::unggul::node::v1;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::unggul::testing::StatusIs;

// The shipped default model, next to this file (CMake may pass UNGGUL_RANKING_DIR instead).
std::string DefaultModelPath() {
#ifdef UNGGUL_RANKING_DIR
  return std::string(UNGGUL_RANKING_DIR) + "/spup-1.0.json";
#else
  const std::string file = __FILE__;
  return file.substr(0, file.find_last_of('/') + 1) + "spup-1.0.json";
#endif
}

double Round1(double v) { return std::round(v * 10) / 10; }

k1::ScoringPeriod Period2025() {
  k1::ScoringPeriod p;
  p.set_start_month("2025-01");
  p.set_end_month("2025-12");
  p.set_label("2025");
  return p;
}

// ----- Input builders --------------------------------------------------------------------------

struct MonthRow {
  int month;  // 1..12 of 2025
  int batches;
  double qty;
  double rejected;
  double person_days;
  int64_t input_cost;
  int64_t local_input_cost;
};

struct RevenueRow {
  int month;
  int64_t revenue;
};

struct Share {
  const char* key;
  double share;  // of each month's revenue; the first key takes the rounding remainder
};

k1::MonthlyRollup& Month(ProductInput& p, int month) {
  const std::string key = absl::StrFormat("2025-%02d", month);
  for (k1::MonthlyRollup& r : p.rollups) {
    if (r.month() == key) return r;
  }
  p.rollups.emplace_back();
  p.rollups.back().set_month(key);
  return p.rollups.back();
}

void AddProduction(ProductInput& p, const std::vector<MonthRow>& rows) {
  for (const MonthRow& row : rows) {
    k1::MonthlyRollup& r = Month(p, row.month);
    r.set_batches(r.batches() + row.batches);
    r.set_qty_produced(r.qty_produced() + row.qty);
    r.set_qty_rejected(r.qty_rejected() + row.rejected);
    r.set_inmate_person_days(r.inmate_person_days() + row.person_days);
    r.set_input_cost_idr(r.input_cost_idr() + row.input_cost);
    r.set_local_input_cost_idr(r.local_input_cost_idr() + row.local_input_cost);
  }
}

// Splits `revenue` over the shares' enum values, named without their prefix ("MARKETPLACE").
void Split(google::protobuf::Map<int32_t, int64_t>& map, const google::protobuf::EnumDescriptor* d,
           const std::string& prefix, int64_t revenue, const std::vector<Share>& shares) {
  auto number = [&](const std::string& name) {
    const google::protobuf::EnumValueDescriptor* v = d->FindValueByName(prefix + name);
    EXPECT_NE(v, nullptr) << name;
    return v == nullptr ? 0 : v->number();
  };
  int64_t rest = revenue;
  for (size_t i = 1; i < shares.size(); ++i) {
    const int64_t part = std::llround(static_cast<double>(revenue) * shares[i].share);
    map[number(shares[i].key)] += part;
    rest -= part;
  }
  map[number(shares[0].key)] += rest;
}

void AddSales(ProductInput& p, const std::vector<RevenueRow>& rows, int64_t avg_price,
              const std::vector<Share>& channels, const std::vector<Share>& regions) {
  for (const RevenueRow& row : rows) {
    k1::MonthlyRollup& r = Month(p, row.month);
    const int64_t count = std::max<int64_t>(1, std::llround(1.0 * row.revenue / avg_price));
    r.set_sales(r.sales() + count);
    r.set_sales_qty(r.sales_qty() + static_cast<double>(count));
    r.set_revenue_idr(r.revenue_idr() + row.revenue);
    Split(*r.mutable_revenue_by_channel_number(), n1::Channel_descriptor(), "CHANNEL_", row.revenue,
          channels);
    Split(*r.mutable_revenue_by_region_number(), n1::BuyerRegion_descriptor(), "BUYER_REGION_",
          row.revenue, regions);
  }
}

n1::Certification Cert(const std::string& product_id, n1::CertificationType type,
                       const std::string& number, const std::string& issued,
                       const std::string& valid_until) {
  n1::Certification c;
  c.set_certification_id(absl::StrCat(product_id, "-", n1::CertificationType_Name(type)));
  c.set_product_id(product_id);
  c.set_type(type);
  c.set_number(number);
  c.set_issuer("issuer");
  c.set_issued_date(issued);
  c.set_valid_until(valid_until);
  return c;
}

n1::Training Training(const std::string& product_id, const std::string& program,
                      const std::string& start, const std::string& end, int participants,
                      int completed, int certificates, n1::CertificateScheme scheme) {
  n1::Training t;
  t.set_training_id(absl::StrCat(product_id, "-TR-", start));
  t.set_product_id(product_id);
  t.set_program_name(program);
  t.set_provider("BPVP Palembang");
  t.set_start_date(start);
  t.set_end_date(end);
  t.set_participants_count(participants);
  t.set_completed_count(completed);
  t.set_certificates_count(certificates);
  t.set_certificate_scheme(scheme);
  return t;
}

std::vector<MonthlyReport> Reports(int first_month, int last_month, int64_t headcount) {
  std::vector<MonthlyReport> reports;
  for (int m = first_month; m <= last_month; ++m) {
    reports.push_back({absl::StrFormat("2025-%02d", m), headcount, false, true});
  }
  return reports;
}

// Scores of assessors YANBIN-1, YANBIN-2, …
std::vector<PanelScore> Scores(std::initializer_list<int> scores) {
  std::vector<PanelScore> out;
  int i = 0;
  for (int s : scores) out.push_back({absl::StrCat("YANBIN-", ++i), s, false, false});
  return out;
}

n1::Product Product(const std::string& id, const std::string& upt, const std::string& name,
                    n1::Category category, const std::string& launch, n1::PackagingType packaging) {
  n1::Product p;
  p.set_product_id(id);
  p.set_upt_code(upt);
  p.set_name(name);
  p.set_category(category);
  p.set_launch_date(launch);
  p.set_status(n1::PRODUCT_STATUS_ACTIVE);
  n1::Sku* sku = p.add_skus();
  sku->set_sku_code("STD");
  sku->set_net_content(1);
  sku->set_net_content_unit(n1::UNIT_PCS);
  sku->set_packaging_type(packaging);
  return p;
}

// ----- The SPUP worked example (frozen fixture) --------------------------------------------------
//
// SPUP's worked example ranks four products (Kopi LAPAGA, Gula Semut Jahe Merah, Tas Jumputan,
// Kursi Rotan) and publishes abridged raw inputs plus each one's pillar scores, total, stars,
// floors and profile totals; the engine must reproduce them to ±0.1.
// Cohort of 4, Jan–Dec 2025, so every cap is the cohort maximum: A1 144 person-months (Tas),
// A2 32 (Tas), A3 Rp 250,000 per person-month (LAPAGA), B1 Rp 120 m (LAPAGA), B2 Rp 4.5 m
// (LAPAGA). The example's abridged inputs are kept; the rest was chosen so that every pillar,
// total and profile total rounds to the published figure (see "Worked example" in this
// directory's DESIGN.md).

constexpr char kLapaga[] = "SMS-LP-PAGARALAM-KOPI";
constexpr char kGula[] = "SMS-LP-LAHAT-GSJM";
constexpr char kTas[] = "SMS-LP-BANYUASIN-TASJMP";
constexpr char kRotan[] = "SMS-LP-SEKAYU-KURSIROTAN";

// Kopi LAPAGA: 60 person-months; 8 trained / 2 certified; Rp 120 m (+33%); PIRT + merek
// registered + NIB, no halal; 100% local beans; sells outside the province.
ProductInput KopiLapaga() {
  ProductInput p;
  p.product = Product(kLapaga, "SMS-LP-PAGARALAM", "Kopi LAPAGA", n1::CATEGORY_MINUMAN,
                      "2023-08-01", n1::PACKAGING_TYPE_COMPOSITE);
  p.upt_type = "LAPAS";
  AddProduction(p, {
                       {1, 4, 98.0, 3.0, 110, 4704000, 4704000},
                       {2, 4, 97.0, 3.5, 110, 4656000, 4656000},
                       {3, 4, 112.5, 3.0, 110, 5400000, 5400000},
                       {4, 4, 147.5, 3.5, 110, 7080000, 7080000},
                       {5, 4, 140.0, 4.0, 110, 6720000, 6720000},
                       {6, 4, 121.5, 3.3, 110, 5832000, 5832000},
                       {7, 4, 106.5, 3.0, 110, 5112000, 5112000},
                       {8, 4, 134.0, 3.5, 110, 6432000, 6432000},
                       {9, 4, 129.0, 3.5, 110, 6192000, 6192000},
                       {10, 4, 114.5, 3.0, 110, 5496000, 5496000},
                       {11, 4, 91.5, 2.5, 110, 4392000, 4392000},
                       {12, 4, 108.0, 3.0, 110, 5184000, 5184000},
                   });
  AddSales(p,
           {{1, 8000000},
            {2, 7000000},
            {3, 9000000},
            {4, 12000000},
            {5, 11000000},
            {6, 10000000},
            {7, 9000000},
            {8, 10000000},
            {9, 11000000},
            {10, 10000000},
            {11, 9000000},
            {12, 14000000}},
           60000,
           {{"VISITOR_COUNTER", 0.35},
            {"MARKETPLACE", 0.25},
            {"SOCIAL_MEDIA", 0.2},
            {"CONSIGNMENT_SHOP", 0.2}},
           {{"SAME_REGENCY", 0.45}, {"SAME_PROVINCE", 0.35}, {"OUT_OF_PROVINCE", 0.2}});
  p.previous_period_revenue_idr = 90'225'564;  // +33%
  p.certifications = {
      Cert(kLapaga, n1::CERTIFICATION_TYPE_SPP_IRT, "2101673010023-28", "2023-06-12", "2028-06-11"),
      Cert(kLapaga, n1::CERTIFICATION_TYPE_MEREK, "IDM001123456", "2024-02-01", "2034-01-31"),
      Cert(kLapaga, n1::CERTIFICATION_TYPE_NIB, "9120008765432", "2023-05-02", ""),
  };
  p.trainings = {Training(kLapaga, "Roasting dan barista", "2025-03-10", "2025-03-21", 10, 8, 2,
                          n1::CERTIFICATE_SCHEME_BNSP_COMPETENCY)};
  p.monthly_reports = Reports(1, 12, 5);
  p.premi_total_idr = 15'000'000;
  p.pnbp_deposited_idr = 4'500'000;
  p.cogs_idr = 78'200'000;
  p.panel = {{"C3", Scores({3, 3, 4, 3})},
             {"C4", Scores({3, 2, 3})},
             {"D2", Scores({4, 4, 3})},
             {"D4", Scores({2, 2, 3})}};
  p.panel["C3"][3].external = true;  // Dinas Perindustrian
  p.submitted_at_unix_ms = 1767225600000;
  return p;
}

// Gula Semut Jahe Merah: 96 person-months; 12 trained / 4 certified; Rp 84 m (+40%); PIRT +
// halal + merek filed + NIB; 95% local inputs.
ProductInput GulaSemut() {
  ProductInput p;
  p.product = Product(kGula, "SMS-LP-LAHAT", "Gula Semut Jahe Merah", n1::CATEGORY_PANGAN_OLAHAN,
                      "2022-10-01", n1::PACKAGING_TYPE_PLASTIC);
  p.upt_type = "LAPAS";
  AddProduction(p, {
                       {1, 4, 61.5, 2.5, 160, 1230000, 1168500},
                       {2, 4, 72.0, 3.0, 160, 1440000, 1368000},
                       {3, 5, 112.5, 4.0, 160, 2250000, 2137500},
                       {4, 6, 156.0, 5.5, 160, 3120000, 2964000},
                       {5, 6, 127.5, 4.6, 160, 2550000, 2422500},
                       {6, 5, 88.5, 3.2, 160, 1770000, 1681500},
                       {7, 4, 81.0, 3.0, 160, 1620000, 1539000},
                       {8, 5, 99.5, 3.5, 160, 1990000, 1890500},
                       {9, 5, 107.0, 3.8, 160, 2140000, 2033000},
                       {10, 5, 120.0, 4.2, 160, 2400000, 2280000},
                       {11, 4, 92.0, 3.4, 160, 1840000, 1748000},
                       {12, 6, 142.5, 4.75, 160, 2850000, 2707500},
                   });
  AddSales(p,
           {{1, 4200000},
            {2, 5050000},
            {3, 7550000},
            {4, 10900000},
            {5, 9250000},
            {6, 5900000},
            {7, 5050000},
            {8, 6700000},
            {9, 6700000},
            {10, 7550000},
            {11, 5900000},
            {12, 9250000}},
           30000,
           {{"VISITOR_COUNTER", 0.3},
            {"STAFF_ODOPP", 0.15},
            {"KANWIL_GALLERY", 0.2},
            {"EXHIBITION", 0.15},
            {"MARKETPLACE", 0.2}},
           {{"SAME_REGENCY", 0.6}, {"SAME_PROVINCE", 0.4}});
  p.previous_period_revenue_idr = 60'000'000;  // +40%
  p.certifications = {
      Cert(kGula, n1::CERTIFICATION_TYPE_SPP_IRT, "2091604010123-30", "2025-05-02", "2030-05-01"),
      Cert(kGula, n1::CERTIFICATION_TYPE_HALAL, "ID16110000123450825", "2025-08-20", ""),
      Cert(kGula, n1::CERTIFICATION_TYPE_MEREK, "DID2025012345", "2025-02-14", ""),
      Cert(kGula, n1::CERTIFICATION_TYPE_NIB, "2411220034567", "2024-11-22", ""),
  };
  // An earlier SPP-IRT that lapsed before the period end counts for nothing.
  p.certifications.insert(
      p.certifications.begin(),
      Cert(kGula, n1::CERTIFICATION_TYPE_SPP_IRT, "2091604010045-24", "2019-05-02", "2024-05-01"));
  p.trainings = {Training(kGula, "Pengolahan gula semut jahe merah", "2025-02-03", "2025-02-14", 14,
                          12, 4, n1::CERTIFICATE_SCHEME_BNSP_COMPETENCY)};
  p.monthly_reports = Reports(1, 12, 8);
  p.premi_total_idr = 10'365'714;
  p.pnbp_deposited_idr = 3'150'000;
  p.cogs_idr = 54'576'700;
  p.panel = {{"C3", Scores({4, 4, 3})},
             {"C4", Scores({3, 3, 4})},
             {"D2", Scores({3, 3, 4})},
             {"D4", Scores({3, 3, 2})}};
  p.submitted_at_unix_ms = 1767225600000;
  return p;
}

// Tas Jumputan: 144 person-months; 20 trained / 6 certified; Rp 65 m, launched April; merek
// filed + NIB; strong regional identity.
ProductInput TasJumputan() {
  ProductInput p;
  p.product = Product(kTas, "SMS-LP-BANYUASIN", "Tas Jumputan", n1::CATEGORY_TEKSTIL_KONVEKSI,
                      "2025-04-01", n1::PACKAGING_TYPE_NONE);
  p.upt_type = "LAPAS";
  AddProduction(p, {
                       {4, 3, 85.0, 6.0, 320, 935000, 569487},
                       {5, 4, 124.0, 7.0, 320, 1364000, 830781},
                       {6, 4, 154.0, 8.0, 320, 1694000, 1031776},
                       {7, 5, 173.0, 8.0, 320, 1903000, 1159073},
                       {8, 5, 197.0, 9.0, 320, 2167000, 1319870},
                       {9, 5, 203.0, 8.0, 320, 2233000, 1360069},
                       {10, 6, 230.0, 9.0, 320, 2530000, 1540965},
                       {11, 6, 239.0, 9.0, 320, 2629000, 1601263},
                       {12, 7, 274.0, 10.0, 320, 3014000, 1835758},
                   });
  AddSales(p,
           {{4, 2450000},
            {5, 4050000},
            {6, 5700000},
            {7, 6500000},
            {8, 7300000},
            {9, 8100000},
            {10, 8950000},
            {11, 9750000},
            {12, 12200000}},
           40000,
           {{"VISITOR_COUNTER", 0.3},
            {"KANWIL_GALLERY", 0.2},
            {"EXHIBITION", 0.2},
            {"SOCIAL_MEDIA", 0.15},
            {"MARKETPLACE", 0.15}},
           {{"SAME_REGENCY", 0.5}, {"SAME_PROVINCE", 0.5}});
  // New product: no previous-period revenue (B4 = 0.5).
  p.certifications = {
      Cert(kTas, n1::CERTIFICATION_TYPE_MEREK, "DID2025045678", "2025-05-12", ""),
      Cert(kTas, n1::CERTIFICATION_TYPE_NIB, "2504010045678", "2025-04-01", ""),
  };
  p.trainings = {Training(kTas, "Jumputan dan menjahit tas", "2025-03-03", "2025-03-28", 24, 20, 6,
                          n1::CERTIFICATE_SCHEME_BNSP_COMPETENCY)};
  p.monthly_reports = Reports(4, 12, 16);
  p.premi_total_idr = 9'257'143;
  p.pnbp_deposited_idr = 2'250'000;
  p.cogs_idr = 35'840'300;
  p.panel = {{"C3", Scores({3, 3, 3})},
             {"C4", Scores({3, 4, 3})},
             {"D2", Scores({4, 4, 4})},
             {"D4", Scores({2, 2, 1})}};
  p.submitted_at_unix_ms = 1767225600000;
  return p;
}

// Kursi Rotan: 72 person-months; Rp 96 m (−4%); NIB only; no batch in June.
ProductInput KursiRotan() {
  ProductInput p;
  p.product = Product(kRotan, "SMS-LP-SEKAYU", "Kursi Rotan", n1::CATEGORY_MEBEL_LOGAM,
                      "2021-01-01", n1::PACKAGING_TYPE_NONE);
  p.upt_type = "LAPAS";
  AddProduction(p, {
                       {1, 3, 38.0, 1.0, 120, 1900000, 1646432},
                       {2, 3, 45.0, 2.0, 120, 2250000, 1949722},
                       {3, 4, 65.0, 2.0, 120, 3250000, 2816266},
                       {4, 4, 56.0, 2.0, 120, 2800000, 2426321},
                       {5, 5, 75.0, 2.0, 120, 3750000, 3249537},
                       {7, 2, 35.0, 1.0, 120, 1750000, 1516451},
                       {8, 4, 71.0, 2.0, 120, 3550000, 3076228},
                       {9, 4, 61.0, 2.0, 120, 3050000, 2642957},
                       {10, 3, 44.0, 1.0, 120, 2200000, 1906395},
                       {11, 4, 68.0, 2.0, 120, 3400000, 2946247},
                       {12, 3, 42.0, 1.0, 120, 2100000, 1819741},
                   });
  AddSales(p,
           {{1, 7000000},
            {2, 7000000},
            {3, 8000000},
            {4, 8000000},
            {5, 9000000},
            {6, 7000000},
            {7, 8000000},
            {8, 8000000},
            {9, 8000000},
            {10, 8000000},
            {11, 9000000},
            {12, 9000000}},
           800000,
           {{"VISITOR_COUNTER", 0.4},
            {"EXHIBITION", 0.2},
            {"INSTITUTIONAL_B2B", 0.3},
            {"SOCIAL_MEDIA", 0.1}},
           {{"SAME_REGENCY", 0.7}, {"SAME_PROVINCE", 0.3}});
  p.previous_period_revenue_idr = 100'000'000;  // −4%
  p.certifications = {Cert(kRotan, n1::CERTIFICATION_TYPE_NIB, "9120001234567", "2022-03-01", "")};
  p.trainings = {Training(kRotan, "Anyaman rotan", "2025-06-02", "2025-06-13", 8, 6, 1,
                          n1::CERTIFICATE_SCHEME_BNSP_COMPETENCY)};
  p.monthly_reports = Reports(1, 12, 6);
  p.premi_total_idr = 10'800'000;
  p.pnbp_deposited_idr = 3'375'000;
  p.cogs_idr = 56'853'300;
  p.panel = {{"C3", Scores({2, 2, 3})},
             {"C4", Scores({2, 2, 1})},
             {"D2", Scores({3, 3, 3, 4})},
             {"D4", Scores({3, 3, 4})}};
  // A former Kalapas of Sekayu declared a conflict: the 4 is excluded, the median stays 3.
  p.panel["D2"][3].conflict_of_interest = true;
  p.submitted_at_unix_ms = 1767225600000;
  return p;
}

std::vector<ProductInput> WorkedExample() {
  return {KursiRotan(), TasJumputan(), GulaSemut(), KopiLapaga()};
}

class EngineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    UNGGUL_ASSERT_OK_AND_ASSIGN(model_, LoadScoringModelFile(DefaultModelPath()));
  }

  absl::StatusOr<k1::Ranking> Rank(const std::vector<ProductInput>& products) {
    return RankProducts(model_, Period2025(), products);
  }

  k1::ScoringModel model_;
};

const k1::ProductScore& Find(const k1::Ranking& r, const std::string& id) {
  for (const k1::ProductScore& p : r.products()) {
    if (p.product_id() == id) return p;
  }
  ADD_FAILURE() << "no product " << id;
  static const k1::ProductScore kEmpty;
  return kEmpty;
}

const k1::IndicatorScore& Ind(const k1::ProductScore& p, const std::string& code) {
  for (const k1::IndicatorScore& i : p.indicators()) {
    if (i.code() == code) return i;
  }
  ADD_FAILURE() << "no indicator " << code;
  static const k1::IndicatorScore kEmpty;
  return kEmpty;
}

double Pillar(const k1::ProductScore& p, const std::string& code) {
  for (const k1::PillarScore& s : p.pillars()) {
    if (s.pillar() == code) return s.score();
  }
  ADD_FAILURE() << "no pillar " << code;
  return -1;
}

const k1::GateResult& Gate(const k1::ProductScore& p, const std::string& code) {
  for (const k1::GateResult& g : p.gates()) {
    if (g.gate() == code) return g;
  }
  ADD_FAILURE() << "no gate " << code;
  static const k1::GateResult kEmpty;
  return kEmpty;
}

const k1::SensitivityResult& Profile(const k1::Ranking& r, const std::string& name) {
  for (const k1::SensitivityResult& s : r.sensitivity()) {
    if (s.profile() == name) return s;
  }
  ADD_FAILURE() << "no profile " << name;
  static const k1::SensitivityResult kEmpty;
  return kEmpty;
}

double ProfileTotal(const k1::Ranking& r, const std::string& profile, const std::string& id) {
  for (const k1::ProfileEntry& e : Profile(r, profile).products()) {
    if (e.product_id() == id) return e.total();
  }
  ADD_FAILURE() << "no product " << id << " in profile " << profile;
  return -1;
}

int ProfileRank(const k1::Ranking& r, const std::string& profile, const std::string& id) {
  for (const k1::ProfileEntry& e : Profile(r, profile).products()) {
    if (e.product_id() == id) return e.rank();
  }
  return -1;
}

std::string Explain(const k1::ProductScore& p) {
  std::string out = p.product_id();
  for (const k1::IndicatorScore& i : p.indicators()) {
    absl::StrAppendFormat(&out, "\n  %s raw=%.6g n=%.4f w=%.3g c=%.4f%s %s", i.code(),
                          i.raw_value(), i.normalised(), i.weight(), i.contribution(),
                          i.missing() ? " MISSING" : "", i.note());
  }
  return out;
}

// Checks a value both within ±0.1 (the fixture requirement) and at display precision.
#define EXPECT_DISPLAYED(actual, expected)                    \
  do {                                                        \
    EXPECT_NEAR((actual), (expected), 0.1);                   \
    EXPECT_DOUBLE_EQ(Round1(actual), (expected)) << (actual); \
  } while (false)

TEST_F(EngineTest, WorkedExampleReproducesDomainTable) {
  UNGGUL_ASSERT_OK_AND_ASSIGN(const k1::Ranking r, Rank(WorkedExample()));
  struct Row {
    const char* id;
    double a, b, c, d, total;
    int stars;
    bool floors_passed;
    int rank;
  };
  const Row rows[] = {
      {kLapaga, 14.2, 24.6, 20.8, 18.7, 78.3, 4, true, 1},
      {kGula, 14.7, 20.8, 23.2, 17.2, 76.0, 4, true, 2},
      {kTas, 19.8, 18.0, 17.2, 15.1, 70.0, 4, true, 3},
      {kRotan, 11.2, 20.0, 13.4, 16.4, 61.0, 3, false, 0},
  };
  for (const Row& row : rows) {
    const k1::ProductScore& p = Find(r, row.id);
    SCOPED_TRACE(Explain(p));
    EXPECT_TRUE(p.eligible());
    EXPECT_EQ(p.missing_indicators(), 0);
    EXPECT_DISPLAYED(Pillar(p, "A"), row.a);
    EXPECT_DISPLAYED(Pillar(p, "B"), row.b);
    EXPECT_DISPLAYED(Pillar(p, "C"), row.c);
    EXPECT_DISPLAYED(Pillar(p, "D"), row.d);
    EXPECT_DISPLAYED(p.total(), row.total);
    EXPECT_EQ(p.stars(), row.stars);
    EXPECT_EQ(p.floors_passed(), row.floors_passed);
    EXPECT_EQ(p.rank(), row.rank);
  }
  // Ranked order, then Kursi Rotan: fails the C floor (13.4 < 14.0) → Produk Potensial.
  ASSERT_EQ(r.products_size(), 4);
  EXPECT_EQ(r.products(0).product_id(), kLapaga);
  EXPECT_EQ(r.products(1).product_id(), kGula);
  EXPECT_EQ(r.products(2).product_id(), kTas);
  const k1::ProductScore& rotan = r.products(3);
  EXPECT_EQ(rotan.product_id(), kRotan);
  EXPECT_THAT(rotan.failed_floors(), ElementsAre("C"));
  EXPECT_TRUE(rotan.potential());
  EXPECT_EQ(rotan.standing(), k1::STANDING_POTENTIAL);
  EXPECT_THAT(r.top_product_ids(), ElementsAre(kLapaga, kGula));
  EXPECT_TRUE(Find(r, kLapaga).proposed_kanwil());
  EXPECT_TRUE(Find(r, kGula).proposed_kanwil());
  EXPECT_FALSE(Find(r, kTas).proposed_kanwil());
  EXPECT_TRUE(Find(r, kTas).upt_flagship());
  EXPECT_FALSE(Find(r, kRotan).upt_flagship());
  EXPECT_THAT(r.close_calls(), IsEmpty());
  EXPECT_EQ(r.cohort_size(), 4);
  EXPECT_THAT(r.cohort_description(), HasSubstr("cohort max (cohort < 10)"));
}

TEST_F(EngineTest, WorkedExampleIndicatorsFixedByTheAbridgedInputs) {
  UNGGUL_ASSERT_OK_AND_ASSIGN(const k1::Ranking r, Rank(WorkedExample()));
  struct Row {
    const char* id;
    double a1, b1, b4, c1, d1;  // d1 < 0: not fixed by the example's abridged inputs
  };
  const Row rows[] = {
      {kLapaga, 4.17, 9.0, 2.49, 7.5, 6.0},
      {kGula, 6.67, 6.3, 2.7, 9.0, 5.7},
      {kTas, 10.0, 4.875, 1.5, 5.0, -1},
      {kRotan, 5.0, 7.2, 1.38, 3.0, -1},
  };
  for (const Row& row : rows) {
    const k1::ProductScore& p = Find(r, row.id);
    SCOPED_TRACE(row.id);
    EXPECT_NEAR(Ind(p, "A1").contribution(), row.a1, 0.005);
    EXPECT_NEAR(Ind(p, "B1").contribution(), row.b1, 1e-9);
    EXPECT_NEAR(Ind(p, "B4").contribution(), row.b4, 1e-6);
    EXPECT_NEAR(Ind(p, "C1").contribution(), row.c1, 1e-9);
    if (row.d1 >= 0) {
      EXPECT_NEAR(Ind(p, "D1").contribution(), row.d1, 1e-9);
    }
  }
  // Caps are the cohort maxima: A1 144 person-months, B1 Rp 120 m.
  EXPECT_DOUBLE_EQ(Ind(Find(r, kGula), "A1").cap(), 144);
  EXPECT_DOUBLE_EQ(Ind(Find(r, kGula), "B1").cap(), 120'000'000);
  for (const k1::CohortCap& cap : r.caps()) EXPECT_EQ(cap.rule(), "max") << cap.indicator();
  // Raw values are explained.
  EXPECT_DOUBLE_EQ(Ind(Find(r, kLapaga), "A1").raw_value(), 60);
  EXPECT_DOUBLE_EQ(Ind(Find(r, kLapaga), "A2").raw_value(), 12);  // 8 + 2 × 2
  EXPECT_DOUBLE_EQ(Ind(Find(r, kGula), "A2").raw_value(), 20);    // 12 + 2 × 4
  EXPECT_DOUBLE_EQ(Ind(Find(r, kLapaga), "A3").raw_value(), 250'000);
  EXPECT_NEAR(Ind(Find(r, kLapaga), "B4").raw_value(), 0.33, 1e-6);
  EXPECT_THAT(Ind(Find(r, kTas), "B4").note(), HasSubstr("new product"));
  EXPECT_THAT(Ind(Find(r, kLapaga), "B3").note(), HasSubstr("outside the province"));
  EXPECT_DOUBLE_EQ(Ind(Find(r, kLapaga), "B3").contribution(), 8 * (0.6 * 4 / 5 + 0.4));
  EXPECT_THAT(Ind(Find(r, kGula), "C1").note(), HasSubstr("MEREK filed 10"));
  EXPECT_DOUBLE_EQ(Ind(Find(r, kRotan), "D2").raw_value(), 3);  // conflicted 4 excluded
  EXPECT_THAT(Ind(Find(r, kRotan), "D2").note(), HasSubstr("1 conflicted score(s) excluded"));
  EXPECT_EQ(Ind(Find(r, kRotan), "D2").panel_scores_size(), 4);
  EXPECT_DOUBLE_EQ(Ind(Find(r, kLapaga), "C3").raw_value(), 3);  // median of 3, 3, 3, 4
  EXPECT_THAT(Gate(Find(r, kGula), "G3").reason(), HasSubstr("SPP_IRT 2091604010123-30"));
  EXPECT_THAT(Gate(Find(r, kTas), "G3").reason(), HasSubstr("not required"));
  EXPECT_THAT(Gate(Find(r, kTas), "G5").reason(), HasSubstr("9 of 9"));
}

TEST_F(EngineTest, WorkedExampleSensitivityProfiles) {
  UNGGUL_ASSERT_OK_AND_ASSIGN(const k1::Ranking r, Rank(WorkedExample()));
  ASSERT_EQ(r.sensitivity_size(), 3);
  EXPECT_DISPLAYED(ProfileTotal(r, "ekonomi", kLapaga), 81.3);
  EXPECT_DISPLAYED(ProfileTotal(r, "ekonomi", kGula), 77.5);
  EXPECT_DISPLAYED(ProfileTotal(r, "pembinaan", kLapaga), 73.5);
  EXPECT_DISPLAYED(ProfileTotal(r, "pembinaan", kGula), 72.6);
  EXPECT_DISPLAYED(ProfileTotal(r, "pembinaan", kTas), 71.6);
  EXPECT_DISPLAYED(ProfileTotal(r, "setara", kLapaga), 79.0);
  EXPECT_DISPLAYED(ProfileTotal(r, "setara", kGula), 76.3);
  for (const char* profile : {"ekonomi", "pembinaan", "setara"}) {
    SCOPED_TRACE(profile);
    const k1::SensitivityResult& s = Profile(r, profile);
    EXPECT_FALSE(s.top_set_changed());
    EXPECT_THAT(s.top_product_ids(), ElementsAre(kLapaga, kGula));
    EXPECT_EQ(ProfileRank(r, profile, kTas), 3);
    EXPECT_EQ(ProfileRank(r, profile, kRotan), 0);  // still fails the C floor
  }
  // The report must flag Tas Jumputan's closeness to the top 2 under Pembinaan.
  const k1::SensitivityResult& pembinaan = Profile(r, "pembinaan");
  bool tas_flagged = false;
  for (const k1::CloseCall& c : pembinaan.close_calls()) {
    if (c.lower_product_id() == kTas) {
      tas_flagged = true;
      EXPECT_EQ(c.higher_product_id(), kGula);
      EXPECT_EQ(c.higher_rank(), 2);
      EXPECT_TRUE(c.at_selection_boundary());
      EXPECT_LE(c.gap(), 1.0);
    }
  }
  EXPECT_TRUE(tas_flagged);
  for (const char* profile : {"ekonomi", "setara"}) {
    for (const k1::CloseCall& c : Profile(r, profile).close_calls()) {
      EXPECT_FALSE(c.at_selection_boundary()) << profile;
    }
  }
}

TEST_F(EngineTest, WorkedExampleIsIndependentOfInputOrder) {
  std::vector<ProductInput> reversed = WorkedExample();
  std::reverse(reversed.begin(), reversed.end());
  UNGGUL_ASSERT_OK_AND_ASSIGN(const k1::Ranking a, Rank(WorkedExample()));
  UNGGUL_ASSERT_OK_AND_ASSIGN(const k1::Ranking b, Rank(reversed));
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(a, b));
}

// ----- A minimal product that passes every SPUP gate -------------------------------------------

// Non-food, 12 active months, `headcount` inmates a month, Rp `monthly_revenue` a month.
ProductInput Healthy(const std::string& id, int64_t headcount = 5,
                     int64_t monthly_revenue = 5'000'000) {
  ProductInput p;
  p.product = Product(id, "SMS-LP-X", id, n1::CATEGORY_KERAJINAN, "2020-01-01",
                      n1::PACKAGING_TYPE_CARTON_PAPER);
  p.upt_type = "LAPAS";
  std::vector<MonthRow> rows;
  std::vector<RevenueRow> revenue;
  for (int m = 1; m <= 12; ++m) {
    rows.push_back({m, 2, 100, 2, 20.0 * headcount, 1'000'000, 800'000});
    revenue.push_back({m, monthly_revenue});
  }
  AddProduction(p, rows);
  AddSales(p, revenue, 50'000, {{"VISITOR_COUNTER", 0.5}, {"EXHIBITION", 0.5}},
           {{"SAME_REGENCY", 1}});
  p.previous_period_revenue_idr = 12 * monthly_revenue;
  p.certifications = {Cert(id, n1::CERTIFICATION_TYPE_NIB, "1234567890123", "2020-01-01", "")};
  p.monthly_reports = Reports(1, 12, headcount);
  p.premi_total_idr = 100'000 * 12 * headcount;
  p.pnbp_deposited_idr = 1'000'000;
  p.cogs_idr = 6 * monthly_revenue;
  p.panel = {{"C3", Scores({3, 3, 3})},
             {"C4", Scores({3, 3, 3})},
             {"D2", Scores({3, 3, 3})},
             {"D4", Scores({3, 3, 3})}};
  return p;
}

TEST_F(EngineTest, HealthyProductPassesEveryGate) {
  UNGGUL_ASSERT_OK_AND_ASSIGN(const k1::Ranking r, Rank({Healthy("SMS-LP-X-A")}));
  const k1::ProductScore& p = r.products(0);
  ASSERT_EQ(p.gates_size(), 6);
  for (const k1::GateResult& g : p.gates()) EXPECT_TRUE(g.passed()) << g.gate() << g.reason();
  EXPECT_TRUE(p.eligible());
  EXPECT_EQ(p.missing_indicators(), 0) << Explain(p);
}

TEST_F(EngineTest, GateG1Producer) {
  ProductInput lpka = Healthy("SMS-LPKA-A");
  lpka.upt_type = "LPKA";  // training track only
  ProductInput inactive = Healthy("SMS-LP-B");
  inactive.upt_active = false;
  ProductInput idle = Healthy("SMS-LP-C");
  for (k1::MonthlyRollup& m : idle.rollups) m.set_inmate_person_days(0);
  ProductInput rutan = Healthy("SMS-RT-D");
  rutan.upt_type = "rutan";  // case-insensitive
  UNGGUL_ASSERT_OK_AND_ASSIGN(const k1::Ranking r, Rank({lpka, inactive, idle, rutan}));
  EXPECT_FALSE(Gate(Find(r, "SMS-LPKA-A"), "G1").passed());
  EXPECT_THAT(Gate(Find(r, "SMS-LPKA-A"), "G1").reason(), HasSubstr("LPKA"));
  EXPECT_FALSE(Find(r, "SMS-LPKA-A").eligible());
  EXPECT_EQ(Find(r, "SMS-LPKA-A").rank(), 0);
  EXPECT_THAT(Gate(Find(r, "SMS-LP-B"), "G1").reason(), HasSubstr("not active"));
  EXPECT_THAT(Gate(Find(r, "SMS-LP-C"), "G1").reason(), HasSubstr("person-days"));
  EXPECT_TRUE(Gate(Find(r, "SMS-RT-D"), "G1").passed());
}

TEST_F(EngineTest, GateG2Continuity) {
  auto with_active_months = [](const std::string& id, int months) {
    ProductInput p = Healthy(id);
    for (k1::MonthlyRollup& m : p.rollups) {
      if (std::stoi(m.month().substr(5)) > months) {
        m.set_batches(0);
        m.set_qty_produced(0);
        m.set_qty_rejected(0);
      }
    }
    return p;
  };
  ProductInput harvests = Healthy("SMS-LP-LELE");  // SAE: 3 harvest cycles suffice
  harvests.product.set_category(n1::CATEGORY_PERIKANAN);
  for (k1::MonthlyRollup& m : harvests.rollups) {
    const int month = std::stoi(m.month().substr(5));
    m.set_batches(month == 4 || month == 8 || month == 12 ? 1 : 0);
  }
  ProductInput few = Healthy("SMS-LP-AYAM");
  few.product.set_category(n1::CATEGORY_PETERNAKAN);
  for (k1::MonthlyRollup& m : few.rollups) m.set_batches(m.month() == "2025-06" ? 2 : 0);
  UNGGUL_ASSERT_OK_AND_ASSIGN(const k1::Ranking r,
                              Rank({with_active_months("SMS-LP-FIVE", 5),
                                    with_active_months("SMS-LP-SIX", 6), harvests, few}));
  EXPECT_FALSE(Gate(Find(r, "SMS-LP-FIVE"), "G2").passed());
  EXPECT_THAT(Gate(Find(r, "SMS-LP-FIVE"), "G2").reason(), HasSubstr("5 month(s)"));
  EXPECT_TRUE(Gate(Find(r, "SMS-LP-SIX"), "G2").passed());
  EXPECT_TRUE(Gate(Find(r, "SMS-LP-LELE"), "G2").passed());
  EXPECT_THAT(Gate(Find(r, "SMS-LP-LELE"), "G2").reason(), HasSubstr("3 harvest(s)"));
  EXPECT_FALSE(Gate(Find(r, "SMS-LP-AYAM"), "G2").passed());
}

TEST_F(EngineTest, GateG3LegalMinimum) {
  auto food = [](const std::string& id) {
    ProductInput p = Healthy(id);
    p.product.set_category(n1::CATEGORY_PANGAN_OLAHAN);
    return p;
  };
  ProductInput none = food("SMS-LP-NONE");
  ProductInput expired = food("SMS-LP-EXPIRED");
  expired.certifications.push_back(Cert("SMS-LP-EXPIRED", n1::CERTIFICATION_TYPE_SPP_IRT,
                                        "209160401012320", "2020-01-01", "2025-06-30"));
  ProductInput later = food("SMS-LP-LATER");  // issued after the period end
  later.certifications.push_back(Cert("SMS-LP-LATER", n1::CERTIFICATION_TYPE_SPP_IRT,
                                      "209160401012330", "2026-01-05", "2031-01-04"));
  ProductInput bpom = food("SMS-LP-BPOM");
  bpom.certifications.push_back(Cert("SMS-LP-BPOM", n1::CERTIFICATION_TYPE_BPOM_MD,
                                     "MD123456789012", "2024-01-01", "2029-01-01"));
  ProductInput excluded = food("SMS-LP-EXCL");  // SPP-IRT cannot cover it: needs BPOM
  excluded.spp_irt_excluded = true;
  excluded.certifications.push_back(Cert("SMS-LP-EXCL", n1::CERTIFICATION_TYPE_SPP_IRT,
                                         "209160401012330", "2024-01-01", "2029-01-01"));
  ProductInput fresh = food("SMS-LP-FRESH");  // unpackaged
  fresh.product.mutable_skus(0)->set_packaging_type(n1::PACKAGING_TYPE_NONE);
  ProductInput beverage = Healthy("SMS-LP-KOPI");
  beverage.product.set_category(n1::CATEGORY_MINUMAN);
  beverage.certifications.push_back(Cert("SMS-LP-KOPI", n1::CERTIFICATION_TYPE_SPP_IRT,
                                         "210160401012330", "2024-01-01", "2029-01-01"));
  UNGGUL_ASSERT_OK_AND_ASSIGN(
      const k1::Ranking r,
      Rank({none, expired, later, bpom, excluded, fresh, beverage, Healthy("SMS-LP-CRAFT")}));
  EXPECT_FALSE(Gate(Find(r, "SMS-LP-NONE"), "G3").passed());
  EXPECT_THAT(Gate(Find(r, "SMS-LP-NONE"), "G3").reason(),
              HasSubstr("no SPP_IRT or BPOM_MD certificate valid on 2025-12-31"));
  EXPECT_FALSE(Gate(Find(r, "SMS-LP-EXPIRED"), "G3").passed());
  EXPECT_FALSE(Gate(Find(r, "SMS-LP-LATER"), "G3").passed());
  EXPECT_TRUE(Gate(Find(r, "SMS-LP-BPOM"), "G3").passed());
  EXPECT_FALSE(Gate(Find(r, "SMS-LP-EXCL"), "G3").passed());
  EXPECT_THAT(Gate(Find(r, "SMS-LP-EXCL"), "G3").reason(), HasSubstr("SPP-IRT excluded"));
  EXPECT_TRUE(Gate(Find(r, "SMS-LP-FRESH"), "G3").passed());
  EXPECT_TRUE(Gate(Find(r, "SMS-LP-KOPI"), "G3").passed());
  EXPECT_TRUE(Gate(Find(r, "SMS-LP-CRAFT"), "G3").passed());
}

TEST_F(EngineTest, GateG4Market) {
  ProductInput unsold = Healthy("SMS-LP-UNSOLD");
  for (k1::MonthlyRollup& m : unsold.rollups) {
    m.set_sales(0);
    m.set_revenue_idr(0);
    m.clear_revenue_by_channel_number();
    m.clear_revenue_by_region_number();
  }
  UNGGUL_ASSERT_OK_AND_ASSIGN(const k1::Ranking r, Rank({unsold, Healthy("SMS-LP-SOLD")}));
  EXPECT_FALSE(Gate(Find(r, "SMS-LP-UNSOLD"), "G4").passed());
  EXPECT_THAT(Gate(Find(r, "SMS-LP-UNSOLD"), "G4").reason(), HasSubstr("0 external sale(s)"));
  EXPECT_TRUE(Gate(Find(r, "SMS-LP-SOLD"), "G4").passed());
  // No sales: B5 is missing, not imputed.
  EXPECT_TRUE(Ind(Find(r, "SMS-LP-UNSOLD"), "B5").missing());
}

TEST_F(EngineTest, GateG5DataQuality) {
  ProductInput nine = Healthy("SMS-LP-NINE");  // 9 of 12 verified: 75%
  for (int m = 0; m < 3; ++m) nine.monthly_reports[m].verified = false;
  ProductInput ten = Healthy("SMS-LP-TEN");  // 10 of 12: 83%
  for (int m = 0; m < 2; ++m) ten.monthly_reports[m].verified = false;
  ProductInput launched = Healthy("SMS-LP-NEW");  // launched in March: 10 months required
  launched.product.set_launch_date("2025-03-15");
  launched.monthly_reports = Reports(3, 12, 5);
  launched.monthly_reports[0].verified = false;  // 9 of 10: 90%
  UNGGUL_ASSERT_OK_AND_ASSIGN(const k1::Ranking r, Rank({nine, ten, launched}));
  EXPECT_FALSE(Gate(Find(r, "SMS-LP-NINE"), "G5").passed());
  EXPECT_THAT(Gate(Find(r, "SMS-LP-NINE"), "G5").reason(), HasSubstr("9 of 12"));
  EXPECT_TRUE(Gate(Find(r, "SMS-LP-TEN"), "G5").passed());
  EXPECT_TRUE(Gate(Find(r, "SMS-LP-NEW"), "G5").passed());
  EXPECT_THAT(Gate(Find(r, "SMS-LP-NEW"), "G5").reason(), HasSubstr("9 of 10"));
}

TEST_F(EngineTest, GateG6Integrity) {
  ProductInput recalled = Healthy("SMS-LP-RECALL");
  recalled.open_incidents.push_back({Incident::Kind::kRecall, "RC-2025-07"});
  UNGGUL_ASSERT_OK_AND_ASSIGN(const k1::Ranking r, Rank({recalled, Healthy("SMS-LP-OK")}));
  EXPECT_FALSE(Gate(Find(r, "SMS-LP-RECALL"), "G6").passed());
  EXPECT_THAT(Gate(Find(r, "SMS-LP-RECALL"), "G6").reason(), HasSubstr("recall RC-2025-07"));
  EXPECT_TRUE(Gate(Find(r, "SMS-LP-OK"), "G6").passed());
}

TEST_F(EngineTest, IneligibleProductIsScoredButSetsNoCapAndCanBePotential) {
  // The ineligible product sells 10× more, yet the B1 cap comes from the eligible cohort.
  ProductInput big = Healthy("SMS-LP-BIG", 5, 50'000'000);
  big.open_incidents.push_back({Incident::Kind::kAuditFinding, "AF-1"});
  UNGGUL_ASSERT_OK_AND_ASSIGN(const k1::Ranking r,
                              Rank({big, Healthy("SMS-LP-SMALL", 5, 5'000'000)}));
  const k1::ProductScore& p = Find(r, "SMS-LP-BIG");
  EXPECT_FALSE(p.eligible());
  EXPECT_EQ(r.cohort_size(), 1);
  EXPECT_DOUBLE_EQ(Ind(p, "B1").cap(), 60'000'000);
  EXPECT_DOUBLE_EQ(Ind(p, "B1").normalised(), 1);  // clamped at the cap
  EXPECT_GE(p.total(), 50);
  EXPECT_TRUE(p.potential());
  EXPECT_EQ(p.standing(), k1::STANDING_POTENTIAL);
  EXPECT_EQ(p.rank(), 0);
  EXPECT_EQ(r.products(0).product_id(), "SMS-LP-SMALL");
}

TEST_F(EngineTest, CapIsP90ForCohortsOfTenOrMore) {
  std::vector<ProductInput> ten;
  for (int i = 1; i <= 10; ++i) ten.push_back(Healthy(absl::StrCat("SMS-LP-P", i), i));
  UNGGUL_ASSERT_OK_AND_ASSIGN(const k1::Ranking r, Rank(ten));
  // Person-months 12, 24, …, 120: h = 9 × 0.9 = 8.1 → 108 + 0.1 × 12 = 109.2.
  EXPECT_NEAR(Ind(Find(r, "SMS-LP-P10"), "A1").cap(), 109.2, 1e-9);
  EXPECT_DOUBLE_EQ(Ind(Find(r, "SMS-LP-P10"), "A1").normalised(), 1);
  EXPECT_NEAR(Ind(Find(r, "SMS-LP-P5"), "A1").normalised(), 60 / 109.2, 1e-12);
  EXPECT_THAT(r.cohort_description(), HasSubstr("p90 (cohort >= 10)"));
  for (const k1::CohortCap& cap : r.caps()) EXPECT_EQ(cap.rule(), "p90");

  ten.pop_back();  // 9 products: the cap is the maximum
  UNGGUL_ASSERT_OK_AND_ASSIGN(const k1::Ranking nine, Rank(ten));
  EXPECT_DOUBLE_EQ(Ind(Find(nine, "SMS-LP-P9"), "A1").cap(), 108);
  EXPECT_DOUBLE_EQ(Ind(Find(nine, "SMS-LP-P9"), "A1").normalised(), 1);
  EXPECT_NEAR(Ind(Find(nine, "SMS-LP-P5"), "A1").normalised(), 60.0 / 108, 1e-12);
}

TEST(CohortCapTest, PercentileAndMax) {
  k1::RatioToCap rule;
  rule.set_percentile(0.9);
  rule.set_min_cohort_for_percentile(10);
  EXPECT_DOUBLE_EQ(CohortCapOf({}, rule), 0);
  EXPECT_DOUBLE_EQ(CohortCapOf({3, 1, 2}, rule), 3);
  EXPECT_DOUBLE_EQ(CohortCapOf({10, 9, 8, 7, 6, 5, 4, 3, 2, 1}, rule), 9.1);
  std::vector<double> outlier(10, 1);
  outlier[0] = 1000;  // one large Lapas Kelas I product does not flatten the rest
  EXPECT_NEAR(CohortCapOf(outlier, rule), 1 + 0.1 * 999, 1e-9);
}

TEST_F(EngineTest, MissingDataIsFlaggedNotImputed) {
  ProductInput gaps = Healthy("SMS-LP-GAPS", 5);
  gaps.premi_total_idr.reset();
  gaps.pnbp_deposited_idr.reset();
  gaps.previous_period_revenue_idr.reset();
  gaps.panel.erase("C3");
  gaps.panel["C4"] = Scores({4, 4});  // 2 of 3 assessors
  ProductInput full = Healthy("SMS-LP-FULL", 5);
  UNGGUL_ASSERT_OK_AND_ASSIGN(const k1::Ranking r, Rank({gaps, full}));
  const k1::ProductScore& p = Find(r, "SMS-LP-GAPS");
  const k1::ProductScore& q = Find(r, "SMS-LP-FULL");
  for (const char* code : {"A3", "B2", "B4", "C3", "C4"}) {
    SCOPED_TRACE(code);
    EXPECT_TRUE(Ind(p, code).missing());
    EXPECT_DOUBLE_EQ(Ind(p, code).normalised(), 0);
    EXPECT_DOUBLE_EQ(Ind(p, code).contribution(), 0);
    EXPECT_FALSE(Ind(q, code).missing());
    EXPECT_GT(Ind(q, code).contribution(), 0);
  }
  EXPECT_THAT(Ind(p, "A3").note(), HasSubstr("premi"));
  EXPECT_THAT(Ind(p, "B4").note(), HasSubstr("previous period revenue unknown"));
  EXPECT_THAT(Ind(p, "C4").note(), HasSubstr("2 usable assessor score(s), 3 needed"));
  EXPECT_EQ(p.missing_indicators(), 5);
  EXPECT_EQ(p.pillars(0).missing_indicators(), 1);  // A3
  // Everything else equal, the gap is exactly the lost contributions.
  double lost = 0;
  for (const char* code : {"A3", "B2", "B4", "C3", "C4"}) lost += Ind(q, code).contribution();
  EXPECT_NEAR(q.total() - p.total(), lost, 1e-9);
  // The missing product does not lower the caps either: they come from the full product.
  EXPECT_DOUBLE_EQ(Ind(p, "A3").cap(), 0);
  EXPECT_DOUBLE_EQ(Ind(q, "A3").cap(), 100'000);
}

TEST_F(EngineTest, NoMonthlyReportsMeansA1MissingAndG5Fails) {
  ProductInput p = Healthy("SMS-LP-NOREP");
  p.monthly_reports.clear();
  UNGGUL_ASSERT_OK_AND_ASSIGN(const k1::Ranking r, Rank({p, Healthy("SMS-LP-REP")}));
  const k1::ProductScore& s = Find(r, "SMS-LP-NOREP");
  EXPECT_TRUE(Ind(s, "A1").missing());
  EXPECT_TRUE(Ind(s, "A3").missing());
  EXPECT_FALSE(Gate(s, "G5").passed());
}

TEST_F(EngineTest, SmallCellsCountAtTheirLowerBound) {
  ProductInput p = Healthy("SMS-LP-SMALLCELL", 1);
  for (MonthlyReport& rep : p.monthly_reports) rep.small_cell = true;
  UNGGUL_ASSERT_OK_AND_ASSIGN(const k1::Ranking r, Rank({p}));
  EXPECT_DOUBLE_EQ(Ind(r.products(0), "A1").raw_value(), 12);
  EXPECT_THAT(Ind(r.products(0), "A1").note(), HasSubstr("12 month(s) bucketed 1-2"));
}

TEST_F(EngineTest, GrowthMarginAndLegalityDetails) {
  ProductInput zero_prev = Healthy("SMS-LP-ZEROPREV");
  zero_prev.previous_period_revenue_idr = 0;
  ProductInput fallback = Healthy("SMS-LP-FALLBACK");
  fallback.cogs_idr.reset();
  for (k1::MonthlyRollup& m : fallback.rollups) m.set_direct_cost_idr(2'000'000);
  ProductInput halved = Healthy("SMS-LP-HALVED");
  halved.previous_period_revenue_idr = 120'000'000;  // 60 m now: −50% → 0
  ProductInput merek = Healthy("SMS-LP-MEREK");
  merek.certifications.push_back(
      Cert("SMS-LP-MEREK", n1::CERTIFICATION_TYPE_MEREK, "IDM000999888", "2021-01-01", ""));
  merek.certifications.push_back(
      Cert("SMS-LP-MEREK", n1::CERTIFICATION_TYPE_SNI, "SNI-1", "2021-01-01", "2024-12-31"));
  ProductInput filed = Healthy("SMS-LP-FILED");
  filed.certifications.push_back(
      Cert("SMS-LP-FILED", n1::CERTIFICATION_TYPE_MEREK, "DID2024000111", "2024-01-01", ""));
  UNGGUL_ASSERT_OK_AND_ASSIGN(const k1::Ranking r,
                              Rank({zero_prev, fallback, halved, merek, filed}));
  EXPECT_DOUBLE_EQ(Ind(Find(r, "SMS-LP-ZEROPREV"), "B4").normalised(), 0.5);
  EXPECT_THAT(Ind(Find(r, "SMS-LP-ZEROPREV"), "B4").note(), HasSubstr("no sales in the previous"));
  const k1::IndicatorScore& b5 = Ind(Find(r, "SMS-LP-FALLBACK"), "B5");
  EXPECT_FALSE(b5.missing());
  EXPECT_NEAR(b5.raw_value(), (60e6 - 24e6) / 60e6, 1e-12);
  EXPECT_DOUBLE_EQ(b5.normalised(), 1);  // 60% margin ≥ 50%
  EXPECT_THAT(b5.note(), HasSubstr("approximated"));
  EXPECT_NEAR(Ind(Find(r, "SMS-LP-HALVED"), "B4").raw_value(), -0.5, 1e-12);
  EXPECT_DOUBLE_EQ(Ind(Find(r, "SMS-LP-HALVED"), "B4").normalised(), 0);
  // Non-food table: NIB 30 + merek registered 40; the lapsed SNI counts nothing.
  EXPECT_DOUBLE_EQ(Ind(Find(r, "SMS-LP-MEREK"), "C1").raw_value(), 70);
  EXPECT_DOUBLE_EQ(Ind(Find(r, "SMS-LP-MEREK"), "C1").contribution(), 7);
  EXPECT_DOUBLE_EQ(Ind(Find(r, "SMS-LP-FILED"), "C1").raw_value(), 50);  // NIB 30 + filed 20
}

TEST_F(EngineTest, PanelMedianOfEvenCountAveragesTheMiddleScores) {
  ProductInput p = Healthy("SMS-LP-EVEN");
  p.panel["C3"] = Scores({1, 2, 3, 4});
  p.panel["C4"] = Scores({4, 4, 4, 0});
  p.panel["C4"][0].conflict_of_interest = true;  // 4, 4, 0 remain: median 4
  UNGGUL_ASSERT_OK_AND_ASSIGN(const k1::Ranking r, Rank({p}));
  EXPECT_DOUBLE_EQ(Ind(r.products(0), "C3").raw_value(), 2.5);
  EXPECT_DOUBLE_EQ(Ind(r.products(0), "C3").contribution(), 6 * 2.5 / 4);
  EXPECT_DOUBLE_EQ(Ind(r.products(0), "C4").raw_value(), 4);
}

TEST_F(EngineTest, WhatIfWeightsChangeTheScoreAndAreMarked) {
  UNGGUL_ASSERT_OK_AND_ASSIGN(const k1::ScoringModel what_if,
                              ApplyWeightOverrides(model_, {{"A1", 20}, {"B1", 0}, {"B2", 3}}));
  UNGGUL_ASSERT_OK_AND_ASSIGN(const k1::Ranking base, Rank(WorkedExample()));
  UNGGUL_ASSERT_OK_AND_ASSIGN(const k1::Ranking r,
                              RankProducts(what_if, Period2025(), WorkedExample()));
  EXPECT_TRUE(r.what_if());
  EXPECT_FALSE(base.what_if());
  EXPECT_EQ(r.model_version(), "SPUP-1.0");
  const k1::ProductScore& tas = Find(r, kTas);
  EXPECT_DOUBLE_EQ(Ind(tas, "A1").weight(), 20);
  EXPECT_DOUBLE_EQ(Ind(tas, "A1").contribution(), 20);
  EXPECT_DOUBLE_EQ(Ind(tas, "B1").contribution(), 0);
  // A1 +10, B1 −9 × 65/120, B2 −1 × 2.25/4.5.
  EXPECT_NEAR(tas.total() - Find(base, kTas).total(), 10 - 4.875 - 0.5, 1e-9);
  EXPECT_DOUBLE_EQ(tas.pillars(0).max(), 35);
  EXPECT_DOUBLE_EQ(tas.pillars(1).max(), 17);
  // Labour over sales lifts Tas Jumputan (144 person-months) past Kopi LAPAGA into the top 2.
  EXPECT_THAT(r.top_product_ids(), ElementsAre(kGula, kTas));
}

TEST_F(EngineTest, InvalidInputsAreRefused) {
  ProductInput bad_score = Healthy("SMS-LP-A");
  bad_score.panel["C3"] = Scores({3, 5, 3});
  EXPECT_THAT(Rank({bad_score}), StatusIs(absl::StatusCode::kInvalidArgument,
                                          HasSubstr("C3 score 5 from YANBIN-2 is outside 0..4")));
  ProductInput not_panel = Healthy("SMS-LP-A");
  not_panel.panel["B1"] = Scores({3, 3, 3});
  EXPECT_THAT(Rank({not_panel}), StatusIs(absl::StatusCode::kInvalidArgument,
                                          HasSubstr("B1, which is not a panel indicator")));
  ProductInput twice = Healthy("SMS-LP-A");
  twice.panel["C3"][1].assessor_id = "YANBIN-1";
  EXPECT_THAT(Rank({twice}), StatusIs(absl::StatusCode::kInvalidArgument,
                                      HasSubstr("assessor YANBIN-1 scored C3 twice")));
  EXPECT_THAT(Rank({Healthy("SMS-LP-A"), Healthy("SMS-LP-A")}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("duplicate product")));
  k1::ScoringPeriod backwards = Period2025();
  backwards.set_start_month("2026-01");
  EXPECT_THAT(RankProducts(model_, backwards, {Healthy("SMS-LP-A")}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("after it ends")));
  k1::ScoringPeriod malformed = Period2025();
  malformed.set_end_month("2025-13");
  EXPECT_THAT(RankProducts(model_, malformed, std::vector<ProductInput>{}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("not YYYY-MM")));
  k1::ScoringModel invalid = model_;
  invalid.mutable_indicators(0)->set_weight(11);
  EXPECT_THAT(RankProducts(invalid, Period2025(), std::vector<ProductInput>{}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("sum to 101")));
}

TEST_F(EngineTest, EmptyInputGivesAnEmptyRanking) {
  UNGGUL_ASSERT_OK_AND_ASSIGN(const k1::Ranking r, Rank({}));
  EXPECT_EQ(r.products_size(), 0);
  EXPECT_EQ(r.sensitivity_size(), 3);
}

TEST_F(EngineTest, FairnessOptionBlendsPopulationAdjustedLabour) {
  model_.mutable_indicators(0)
      ->mutable_normalisation()
      ->mutable_ratio_to_cap()
      ->set_population_adjusted_share(0.5);
  ProductInput big = Healthy("SMS-LP-BIGUPT", 10);  // 120 person-months, population 1000
  big.avg_inmate_population = 1000;
  ProductInput small = Healthy("SMS-LP-SMALLUPT", 5);  // 60 person-months, population 200
  small.avg_inmate_population = 200;
  ProductInput unknown = Healthy("SMS-LP-UNKNOWN", 5);
  UNGGUL_ASSERT_OK_AND_ASSIGN(const k1::Ranking r, Rank({big, small, unknown}));
  // SAW: 120/120 and 60/120; adjusted: 0.12/0.3 and 0.3/0.3.
  EXPECT_NEAR(Ind(Find(r, "SMS-LP-BIGUPT"), "A1").normalised(), 0.5 * 1 + 0.5 * 0.4, 1e-12);
  EXPECT_NEAR(Ind(Find(r, "SMS-LP-SMALLUPT"), "A1").normalised(), 0.5 * 0.5 + 0.5 * 1, 1e-12);
  const k1::IndicatorScore& u = Ind(Find(r, "SMS-LP-UNKNOWN"), "A1");
  EXPECT_TRUE(u.missing());
  EXPECT_NEAR(u.normalised(), 0.5 * 0.5, 1e-12);
  EXPECT_THAT(u.note(), HasSubstr("population unknown"));
}

// ----- Floors, bands and tie-breaks on a panel-only model --------------------------------------
//
// Every pillar is one rubric indicator scored 0..100 by one assessor (D has two), so totals are
// exact: A = 0.25·a, B = 0.25·b, C = 0.25·c, D = 0.15·d1 + 0.10·d2.

constexpr char kPanelModel[] = R"json({
  "name": "TEST", "version": "TEST-1",
  "pillars": [{"code": "A", "weight": 25}, {"code": "B", "weight": 25},
              {"code": "C", "weight": 25}, {"code": "D", "weight": 25}],
  "gates": [{"code": "G6", "kind": "GATE_KIND_INTEGRITY"}],
  "indicators": [
    {"code": "A1", "pillar": "A", "weight": 25, "measure": "MEASURE_PANEL",
     "normalisation": {"kind": "NORMALISATION_KIND_RUBRIC_MEDIAN",
                       "rubric": {"maxScore": 100, "minAssessors": 1}}},
    {"code": "B1", "pillar": "B", "weight": 25, "measure": "MEASURE_PANEL",
     "normalisation": {"kind": "NORMALISATION_KIND_RUBRIC_MEDIAN",
                       "rubric": {"maxScore": 100, "minAssessors": 1}}},
    {"code": "C1", "pillar": "C", "weight": 25, "measure": "MEASURE_PANEL",
     "normalisation": {"kind": "NORMALISATION_KIND_RUBRIC_MEDIAN",
                       "rubric": {"maxScore": 100, "minAssessors": 1}}},
    {"code": "D1", "pillar": "D", "weight": 15, "measure": "MEASURE_PANEL",
     "normalisation": {"kind": "NORMALISATION_KIND_RUBRIC_MEDIAN",
                       "rubric": {"maxScore": 100, "minAssessors": 1}}},
    {"code": "D2", "pillar": "D", "weight": 10, "measure": "MEASURE_PANEL",
     "normalisation": {"kind": "NORMALISATION_KIND_RUBRIC_MEDIAN",
                       "rubric": {"maxScore": 100, "minAssessors": 1}}}],
  "floors": {"minTotal": 50, "pillars": [{"pillar": "A", "minFraction": 0.4},
                                         {"pillar": "C", "minFraction": 0.5}]},
  "starBands": [{"stars": 1, "minTotal": 0, "maxTotal": 30},
                {"stars": 2, "minTotal": 30, "maxTotal": 50},
                {"stars": 3, "minTotal": 50, "maxTotal": 70},
                {"stars": 4, "minTotal": 70, "maxTotal": 90},
                {"stars": 5, "minTotal": 90, "maxTotal": 100}],
  "tieBreaks": [{"kind": "TIE_BREAK_KIND_PILLAR", "code": "C"},
                {"kind": "TIE_BREAK_KIND_PILLAR", "code": "A"},
                {"kind": "TIE_BREAK_KIND_INDICATOR", "code": "D2"},
                {"kind": "TIE_BREAK_KIND_SUBMISSION_TIME"}],
  "profiles": [{"name": "dheavy", "pillarWeights": {"A": 10, "B": 10, "C": 10, "D": 70}}],
  "selection": {"kanwilTopN": 2, "closeCallMargin": 1.0, "potentialMinTotal": 50}
})json";

ProductInput Panel(const std::string& id, int a, int b, int c, int d1, int d2,
                   int64_t submitted = 0, const std::string& upt = "SMS-LP-X") {
  ProductInput p;
  p.product.set_product_id(id);
  p.product.set_upt_code(upt);
  p.submitted_at_unix_ms = submitted;
  p.panel = {{"A1", Scores({a})},
             {"B1", Scores({b})},
             {"C1", Scores({c})},
             {"D1", Scores({d1})},
             {"D2", Scores({d2})}};
  return p;
}

class PanelModelTest : public ::testing::Test {
 protected:
  void SetUp() override { UNGGUL_ASSERT_OK_AND_ASSIGN(model_, ParseScoringModel(kPanelModel)); }

  absl::StatusOr<k1::Ranking> Rank(const std::vector<ProductInput>& products) {
    return RankProducts(model_, Period2025(), products);
  }

  std::vector<std::string> Order(const k1::Ranking& r) {
    std::vector<std::string> ids;
    for (const k1::ProductScore& p : r.products()) ids.push_back(p.product_id());
    return ids;
  }

  k1::ScoringModel model_;
};

TEST_F(PanelModelTest, StarBandBoundaries) {
  UNGGUL_ASSERT_OK_AND_ASSIGN(const k1::Ranking r,
                              Rank({Panel("T90", 90, 90, 90, 90, 90),        // 90.0
                                    Panel("T89.9", 90, 90, 89, 91, 90),      // 89.9
                                    Panel("T70", 70, 70, 70, 70, 70),        // 70.0
                                    Panel("T69.75", 70, 70, 69, 70, 70),     // 69.75
                                    Panel("T50", 50, 50, 50, 50, 50),        // 50.0
                                    Panel("T49.75", 50, 49, 50, 50, 50),     // 49.75
                                    Panel("T30", 30, 30, 30, 30, 30),        // 30.0
                                    Panel("T29.75", 30, 29, 30, 30, 30),     // 29.75
                                    Panel("T100", 100, 100, 100, 100, 100),  // 100
                                    Panel("T0", 0, 0, 0, 0, 0)}));
  const std::map<std::string, int> expected = {
      {"T90", 5},    {"T89.9", 4}, {"T70", 4},    {"T69.75", 3}, {"T50", 3},
      {"T49.75", 2}, {"T30", 2},   {"T29.75", 1}, {"T100", 5},   {"T0", 1}};
  for (const k1::ProductScore& p : r.products()) {
    EXPECT_EQ(p.stars(), expected.at(p.product_id())) << p.product_id() << " " << p.total();
  }
  EXPECT_NEAR(Find(r, "T89.9").total(), 89.9, 1e-9);
}

TEST_F(PanelModelTest, Floors) {
  UNGGUL_ASSERT_OK_AND_ASSIGN(
      const k1::Ranking r,
      Rank({Panel("A-AT-FLOOR", 40, 80, 80, 80, 80),   // A 10.0 = 40% of 25: passes
            Panel("A-BELOW", 39, 80, 80, 80, 80),      // A 9.75
            Panel("C-AT-FLOOR", 80, 80, 50, 80, 80),   // C 12.5 = 50% of 25: passes
            Panel("C-BELOW", 80, 80, 49, 80, 80),      // C 12.25
            Panel("TOTAL-50", 50, 50, 50, 50, 50),     // total 50: passes
            Panel("TOTAL-49.75", 50, 49, 50, 50, 50),  // total 49.75
            Panel("BOTH", 30, 100, 40, 100, 100)}));   // A 7.5, C 10, total 67.5
  auto floors = [&](const std::string& id) {
    const k1::ProductScore& p = Find(r, id);
    return std::vector<std::string>(p.failed_floors().begin(), p.failed_floors().end());
  };
  EXPECT_THAT(floors("A-AT-FLOOR"), IsEmpty());
  EXPECT_THAT(floors("A-BELOW"), ElementsAre("A"));
  EXPECT_THAT(floors("C-AT-FLOOR"), IsEmpty());
  EXPECT_THAT(floors("C-BELOW"), ElementsAre("C"));
  EXPECT_THAT(floors("TOTAL-50"), IsEmpty());
  EXPECT_THAT(floors("TOTAL-49.75"), ElementsAre("TOTAL"));
  EXPECT_THAT(floors("BOTH"), ElementsAre("A", "C"));
  EXPECT_TRUE(Find(r, "A-BELOW").potential());  // fails a floor, total ≥ 50
  EXPECT_EQ(Find(r, "A-BELOW").rank(), 0);
  EXPECT_FALSE(Find(r, "TOTAL-49.75").potential());
  EXPECT_EQ(Find(r, "TOTAL-49.75").standing(), k1::STANDING_BELOW_FLOORS);
  EXPECT_GT(Find(r, "A-AT-FLOOR").rank(), 0);
  EXPECT_GT(Find(r, "C-AT-FLOOR").rank(), 0);
  EXPECT_GT(Find(r, "TOTAL-50").rank(), 0);
  const k1::FloorResult& c_floor = Find(r, "C-BELOW").floors(2);
  EXPECT_EQ(c_floor.floor(), "C");
  EXPECT_DOUBLE_EQ(c_floor.required(), 12.5);
  EXPECT_DOUBLE_EQ(c_floor.actual(), 12.25);
}

TEST_F(PanelModelTest, IneligibleStandings) {
  ProductInput high = Panel("HIGH", 80, 80, 80, 80, 80);
  high.open_incidents.push_back({Incident::Kind::kFoodSafety, "FS-1"});
  ProductInput low = Panel("LOW", 40, 40, 40, 40, 40);
  low.open_incidents.push_back({Incident::Kind::kFoodSafety, "FS-2"});
  UNGGUL_ASSERT_OK_AND_ASSIGN(const k1::Ranking r, Rank({high, low}));
  EXPECT_EQ(Find(r, "HIGH").standing(), k1::STANDING_POTENTIAL);
  EXPECT_TRUE(Find(r, "HIGH").potential());
  EXPECT_EQ(Find(r, "LOW").standing(), k1::STANDING_INELIGIBLE);
  EXPECT_THAT(r.top_product_ids(), IsEmpty());
  EXPECT_THAT(r.cohort_description(), HasSubstr("no eligible product"));
}

TEST_F(PanelModelTest, TieBreakHigherC) {
  UNGGUL_ASSERT_OK_AND_ASSIGN(const k1::Ranking r, Rank({Panel("LOW-C", 60, 70, 60, 60, 60),
                                                         Panel("HIGH-C", 60, 60, 70, 60, 60)}));
  EXPECT_NEAR(r.products(0).total(), r.products(1).total(), 1e-9);
  EXPECT_THAT(Order(r), ElementsAre("HIGH-C", "LOW-C"));
}

TEST_F(PanelModelTest, TieBreakHigherAWhenCTies) {
  UNGGUL_ASSERT_OK_AND_ASSIGN(const k1::Ranking r, Rank({Panel("LOW-A", 60, 70, 60, 60, 60),
                                                         Panel("HIGH-A", 70, 60, 60, 60, 60)}));
  EXPECT_THAT(Order(r), ElementsAre("HIGH-A", "LOW-A"));
}

TEST_F(PanelModelTest, TieBreakHigherD2WhenCAndATie) {
  // D: 0.15·60 + 0.10·50 = 14 = 0.15·40 + 0.10·80.
  UNGGUL_ASSERT_OK_AND_ASSIGN(const k1::Ranking r, Rank({Panel("LOW-D2", 60, 60, 60, 60, 50),
                                                         Panel("HIGH-D2", 60, 60, 60, 40, 80)}));
  EXPECT_NEAR(r.products(0).total(), r.products(1).total(), 1e-9);
  EXPECT_THAT(Order(r), ElementsAre("HIGH-D2", "LOW-D2"));
}

TEST_F(PanelModelTest, TieBreakEarlierSubmissionThenUnknownThenProductId) {
  UNGGUL_ASSERT_OK_AND_ASSIGN(
      const k1::Ranking r,
      Rank({Panel("B-UNKNOWN", 60, 60, 60, 60, 60, 0), Panel("LATE", 60, 60, 60, 60, 60, 2000),
            Panel("A-UNKNOWN", 60, 60, 60, 60, 60, 0), Panel("EARLY", 60, 60, 60, 60, 60, 1000)}));
  EXPECT_THAT(Order(r), ElementsAre("EARLY", "LATE", "A-UNKNOWN", "B-UNKNOWN"));
  EXPECT_EQ(Find(r, "EARLY").rank(), 1);
  EXPECT_EQ(Find(r, "B-UNKNOWN").rank(), 4);
}

TEST_F(PanelModelTest, UptRanksAndFlagships) {
  UNGGUL_ASSERT_OK_AND_ASSIGN(const k1::Ranking r,
                              Rank({Panel("X-1", 90, 90, 90, 90, 90, 0, "UPT-X"),
                                    Panel("X-2", 80, 80, 80, 80, 80, 0, "UPT-X"),
                                    Panel("Y-1", 70, 70, 70, 70, 70, 0, "UPT-Y")}));
  EXPECT_EQ(Find(r, "X-2").rank(), 2);
  EXPECT_EQ(Find(r, "X-2").upt_rank(), 2);
  EXPECT_FALSE(Find(r, "X-2").upt_flagship());
  EXPECT_TRUE(Find(r, "X-2").proposed_kanwil());
  EXPECT_EQ(Find(r, "Y-1").upt_rank(), 1);
  EXPECT_TRUE(Find(r, "Y-1").upt_flagship());
  EXPECT_FALSE(Find(r, "Y-1").proposed_kanwil());
}

TEST_F(PanelModelTest, SensitivityReportsAChangedTopSetAndCloseCalls) {
  UNGGUL_ASSERT_OK_AND_ASSIGN(
      const k1::Ranking r, Rank({Panel("BALANCED", 80, 80, 80, 60, 60),  // 75; dheavy 8+8+8+42 = 66
                                 Panel("RUNNER-UP", 78, 78, 78, 60, 60),  // 73.5; 64.8
                                 Panel("LOCAL", 50, 50, 60, 100, 100),    // 65; 5+5+6+70 = 86
                                 Panel("CLOSE", 78, 78, 76, 60, 60)}));   // 73; 64.6
  EXPECT_THAT(r.top_product_ids(), ElementsAre("BALANCED", "RUNNER-UP"));
  // Default: RUNNER-UP (73.5) vs CLOSE (73.0) straddle the top-2 boundary.
  ASSERT_EQ(r.close_calls_size(), 1);
  EXPECT_EQ(r.close_calls(0).higher_product_id(), "RUNNER-UP");
  EXPECT_EQ(r.close_calls(0).lower_product_id(), "CLOSE");
  EXPECT_NEAR(r.close_calls(0).gap(), 0.5, 1e-9);
  EXPECT_TRUE(r.close_calls(0).at_selection_boundary());
  const k1::SensitivityResult& s = r.sensitivity(0);
  EXPECT_EQ(s.profile(), "dheavy");
  EXPECT_TRUE(s.top_set_changed());
  EXPECT_THAT(s.top_product_ids(), ElementsAre("LOCAL", "BALANCED"));
  EXPECT_NEAR(s.products(0).total(), 86, 1e-9);
  EXPECT_EQ(s.products(0).rank(), 1);
}

}  // namespace
}  // namespace unggul::aggregator

#include "services/cli/fixture.h"

#include <stdlib.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace unggul::cli {
namespace {

using ::testing::ElementsAre;
using ::testing::SizeIs;

constexpr const char* kFiles[] = {"products.csv",       "batches.csv",   "sales.csv",
                                  "certifications.csv", "trainings.csv", "labour.csv"};

// A unique directory under ::testing::TempDir(), removed with its contents on destruction.
class ScopedTempDir {
 public:
  ScopedTempDir() {
    std::string tmpl = ::testing::TempDir();
    if (!tmpl.empty() && tmpl.back() != '/') tmpl.push_back('/');
    tmpl += "unggul_fixture_XXXXXX";
    std::vector<char> buf(tmpl.begin(), tmpl.end());
    buf.push_back('\0');
    if (mkdtemp(buf.data()) != nullptr) path_ = buf.data();
  }
  ~ScopedTempDir() {
    if (path_.empty()) return;
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  ScopedTempDir(const ScopedTempDir&) = delete;
  ScopedTempDir& operator=(const ScopedTempDir&) = delete;

  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

using Row = std::map<std::string, std::string>;

struct Csv {
  std::vector<std::string> header;
  std::vector<Row> rows;
};

// RFC 4180 reader (quoted cells, doubled quotes, newlines inside quotes). Every record must have
// as many cells as the header.
Csv ParseCsv(const std::string& text, const std::string& what) {
  std::vector<std::vector<std::string>> records;
  std::vector<std::string> record;
  std::string cell;
  bool quoted = false;
  bool any = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        cell.push_back('"');
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        cell.push_back(c);
      }
      continue;
    }
    any = true;
    if (c == '"') {
      EXPECT_TRUE(cell.empty()) << what << ": quote inside an unquoted cell";
      quoted = true;
    } else if (c == ',') {
      record.push_back(std::move(cell));
      cell.clear();
    } else if (c == '\n') {
      record.push_back(std::move(cell));
      cell.clear();
      records.push_back(std::move(record));
      record.clear();
      any = false;
    } else {
      EXPECT_NE(c, '\r') << what << ": bare CR";
      cell.push_back(c);
    }
  }
  EXPECT_FALSE(quoted) << what << ": unterminated quote";
  EXPECT_FALSE(any) << what << ": last line has no newline";
  Csv csv;
  if (records.empty()) {
    ADD_FAILURE() << what << ": no header";
    return csv;
  }
  csv.header = records[0];
  for (size_t r = 1; r < records.size(); ++r) {
    EXPECT_EQ(records[r].size(), csv.header.size()) << what << " line " << r + 1;
    Row row;
    for (size_t c = 0; c < csv.header.size() && c < records[r].size(); ++c) {
      row[csv.header[c]] = records[r][c];
    }
    csv.rows.push_back(std::move(row));
  }
  return csv;
}

Csv ReadCsv(const std::string& dir, const std::string& upt, const std::string& file) {
  const std::filesystem::path path = std::filesystem::path(dir) / upt / file;
  return ParseCsv(ReadFile(path), path.string());
}

double Num(const std::string& s) {
  double v = 0;
  EXPECT_TRUE(absl::SimpleAtod(s, &v)) << "not a number: \"" << s << "\"";
  return v;
}

int64_t Int(const std::string& s) {
  int64_t v = 0;
  EXPECT_TRUE(absl::SimpleAtoi(s, &v)) << "not an integer: \"" << s << "\"";
  return v;
}

absl::CivilDay Day(const std::string& s) {
  absl::CivilDay d;
  EXPECT_TRUE(s.size() == 10 && absl::ParseCivilTime(s, &d)) << "not a date: \"" << s << "\"";
  return d;
}

bool IsCode(absl::string_view s, size_t max) {
  if (s.empty() || s.size() > max) return false;
  for (char c : s) {
    if (!absl::ascii_isupper(static_cast<unsigned char>(c)) &&
        !absl::ascii_isdigit(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.') {
      return false;
    }
  }
  return true;
}

bool IsId(absl::string_view id, absl::string_view upt) {
  return IsCode(id, 64) && absl::StartsWith(id, absl::StrCat(upt, "-")) &&
         id.size() > upt.size() + 1;
}

bool AllDigits(absl::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return absl::ascii_isdigit(static_cast<unsigned char>(c));
  });
}

bool IsRegency(absl::string_view s) {
  return s.size() == 5 && s[2] == '.' && AllDigits(s.substr(0, 2)) && AllDigits(s.substr(3, 2));
}

std::vector<std::string> ListFiles(const std::string& root) {
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
    if (entry.is_regular_file()) {
      files.push_back(std::filesystem::relative(entry.path(), root).string());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

struct Sku {
  double net_content = 0;
  std::string unit;
};

struct Product {
  std::string category;
  std::map<std::string, Sku> skus;
};

std::map<std::string, Product> ReadProducts(const std::string& dir, const std::string& upt) {
  std::map<std::string, Product> products;
  for (const Row& r : ReadCsv(dir, upt, "products.csv").rows) {
    Product p;
    p.category = r.at("category");
    for (absl::string_view sku : absl::StrSplit(r.at("skus"), ';', absl::SkipEmpty())) {
      std::vector<std::string> f = absl::StrSplit(sku, '|');
      EXPECT_GE(f.size(), 3u) << sku;
      if (f.size() < 3) continue;
      p.skus[f[0]] = Sku{Num(f[1]), f[2]};
    }
    products[r.at("product_id")] = std::move(p);
  }
  return products;
}

class FixtureTest : public ::testing::Test {
 protected:
  // Generates the default fixture (end 2026-10, 12 months, seed 2026) into dir_.
  void Generate() {
    ASSERT_FALSE(dir_.path().empty());
    absl::StatusOr<std::vector<std::string>> upts = WriteSumselFixture(dir_.path(), {});
    ASSERT_TRUE(upts.ok()) << upts.status();
    upts_ = *std::move(upts);
  }

  ScopedTempDir dir_;
  std::vector<std::string> upts_;
};

TEST_F(FixtureTest, SameOptionsGiveByteIdenticalFiles) {
  ScopedTempDir a;
  ScopedTempDir b;
  ASSERT_FALSE(a.path().empty());
  ASSERT_FALSE(b.path().empty());
  FixtureOptions options;
  ASSERT_TRUE(WriteSumselFixture(a.path(), options).ok());
  ASSERT_TRUE(WriteSumselFixture(b.path(), options).ok());
  const std::vector<std::string> files = ListFiles(a.path());
  ASSERT_EQ(files, ListFiles(b.path()));
  EXPECT_THAT(files, SizeIs(1 + 10 * 8));
  for (const std::string& f : files) {
    EXPECT_EQ(ReadFile(std::filesystem::path(a.path()) / f),
              ReadFile(std::filesystem::path(b.path()) / f))
        << f;
  }
}

TEST_F(FixtureTest, DifferentSeedGivesDifferentSales) {
  ScopedTempDir other;
  ASSERT_FALSE(other.path().empty());
  Generate();
  FixtureOptions options;
  options.seed = 7;
  ASSERT_TRUE(WriteSumselFixture(other.path(), options).ok());
  const std::string file = "SMS-LP-LAHAT/sales.csv";
  EXPECT_NE(ReadFile(std::filesystem::path(dir_.path()) / file),
            ReadFile(std::filesystem::path(other.path()) / file));
}

TEST_F(FixtureTest, ReturnsProducingUptsLahatFirst) {
  Generate();
  EXPECT_THAT(upts_, ElementsAre("SMS-LP-LAHAT", "SMS-LP-PAGARALAM", "SMS-RT-PALEMBANG",
                                 "SMS-LPP-PALEMBANG", "SMS-LP-BANYUASIN", "SMS-LP-SEKAYU",
                                 "SMS-LP-MUARAENIM", "SMS-LP-LUBUKLINGGAU", "SMS-LP-TANJUNGRAJA",
                                 "SMS-LP-SURULANGUN"));
  for (const std::string& upt : upts_) {
    for (const char* file : kFiles) {
      EXPECT_TRUE(std::filesystem::is_regular_file(std::filesystem::path(dir_.path()) / upt / file))
          << upt << "/" << file;
    }
  }
}

TEST_F(FixtureTest, RegistryHas21Rows) {
  Generate();
  const Csv csv =
      ParseCsv(ReadFile(std::filesystem::path(dir_.path()) / "registry.csv"), "registry.csv");
  EXPECT_THAT(csv.header, ElementsAre("upt_code", "official_name", "type", "subtype", "class",
                                      "regency_code", "kanwil_code", "needs_verification"));
  ASSERT_THAT(csv.rows, SizeIs(21));
  ASSERT_THAT(SumselRegistry(), SizeIs(21));
  EXPECT_EQ(csv.rows.front().at("upt_code"), "SMS-LP-PALEMBANG");
  EXPECT_EQ(csv.rows.back().at("upt_code"), "SMS-BAPAS-PALEMBANG");
  const Row& lahat = csv.rows[7];
  EXPECT_EQ(lahat.at("upt_code"), "SMS-LP-LAHAT");
  EXPECT_EQ(lahat.at("official_name"), "Lapas Kelas IIA Lahat");
  EXPECT_EQ(lahat.at("class"), "IIA");
  EXPECT_EQ(lahat.at("regency_code"), "16.04");
  std::set<std::string> to_verify;
  std::set<std::string> codes;
  for (const Row& r : csv.rows) {
    EXPECT_EQ(r.at("kanwil_code"), "SUMSEL");
    EXPECT_TRUE(IsCode(r.at("upt_code"), 64)) << r.at("upt_code");
    EXPECT_TRUE(IsRegency(r.at("regency_code"))) << r.at("regency_code");
    EXPECT_THAT(r.at("type"), ::testing::AnyOf("LAPAS", "RUTAN", "LPKA", "BAPAS"));
    EXPECT_THAT(r.at("needs_verification"), ::testing::AnyOf("true", "false"));
    if (r.at("needs_verification") == "true") to_verify.insert(r.at("upt_code"));
    codes.insert(r.at("upt_code"));
  }
  EXPECT_THAT(codes, SizeIs(21));
  EXPECT_EQ(to_verify, (std::set<std::string>{"SMS-LPN-PALEMBANG", "SMS-LPN-BANYUASIN",
                                              "SMS-LP-BATURAJA", "SMS-LP-KAYUAGUNG"}));
}

TEST_F(FixtureTest, LahatMakesAbout100KgGulaSemutPerMonth) {
  Generate();
  std::map<std::string, double> kg_per_month;
  for (const Row& r : ReadCsv(dir_.path(), "SMS-LP-LAHAT", "batches.csv").rows) {
    ASSERT_EQ(r.at("product_id"), "SMS-LP-LAHAT-GSJM");
    ASSERT_EQ(r.at("unit"), "kg");
    kg_per_month[r.at("start_date").substr(0, 7)] += Num(r.at("qty_produced"));
  }
  std::vector<std::string> months;
  for (absl::CivilMonth m(2025, 11); m <= absl::CivilMonth(2026, 10); ++m) {
    months.push_back(absl::FormatCivilTime(m));
  }
  ASSERT_THAT(months, SizeIs(12));
  EXPECT_THAT(kg_per_month, SizeIs(12));
  for (const std::string& m : months) {
    EXPECT_GE(kg_per_month[m], 80) << m;
    EXPECT_LE(kg_per_month[m], 130) << m;
  }
}

TEST_F(FixtureTest, BatchAndSaleDatesLieWithinTheWindow) {
  Generate();
  const absl::CivilDay first(2025, 11, 1);
  const absl::CivilDay last(2026, 10, 31);
  for (const std::string& upt : upts_) {
    for (const Row& r : ReadCsv(dir_.path(), upt, "batches.csv").rows) {
      const absl::CivilDay start = Day(r.at("start_date"));
      const absl::CivilDay end = Day(r.at("end_date"));
      EXPECT_GE(start, first) << r.at("batch_code");
      EXPECT_LE(start, end) << r.at("batch_code");
      EXPECT_LE(end, last) << r.at("batch_code");
      if (!r.at("expiry_date").empty()) {
        EXPECT_GE(Day(r.at("expiry_date")), start) << r.at("batch_code");
      }
    }
    for (const Row& r : ReadCsv(dir_.path(), upt, "sales.csv").rows) {
      const absl::CivilDay day = Day(r.at("sale_date"));
      EXPECT_GE(day, first) << r.at("sale_id");
      EXPECT_LE(day, last) << r.at("sale_id");
    }
    for (const Row& r : ReadCsv(dir_.path(), upt, "trainings.csv").rows) {
      EXPECT_GE(Day(r.at("start_date")), first) << r.at("training_id");
      EXPECT_LE(Day(r.at("end_date")), last) << r.at("training_id");
    }
    for (const Row& r : ReadCsv(dir_.path(), upt, "certifications.csv").rows) {
      EXPECT_LE(Day(r.at("issued_date")), last) << r.at("certification_id");
    }
    for (const Row& r : ReadCsv(dir_.path(), upt, "products.csv").rows) {
      EXPECT_LE(Day(r.at("launch_date")), last) << r.at("product_id");
    }
  }
}

// Sales of a product, converted to its batch unit, never exceed the good output (produced minus
// rejected) of the batches finished by the day of the sale.
TEST_F(FixtureTest, SalesNeverExceedProduction) {
  Generate();
  for (const std::string& upt : upts_) {
    const std::map<std::string, Product> products = ReadProducts(dir_.path(), upt);
    std::map<std::string, std::string> batch_unit;
    // product -> day -> (+ good output finished that day, - sold that day), in batch units
    std::map<std::string, std::map<absl::CivilDay, std::pair<double, double>>> flows;
    for (const Row& r : ReadCsv(dir_.path(), upt, "batches.csv").rows) {
      const std::string& pid = r.at("product_id");
      auto [it, inserted] = batch_unit.emplace(pid, r.at("unit"));
      EXPECT_EQ(it->second, r.at("unit")) << "batches of " << pid << " use one unit";
      flows[pid][Day(r.at("end_date"))].first +=
          Num(r.at("qty_produced")) - Num(r.at("qty_rejected"));
    }
    std::map<std::string, int> sales_per_product;
    for (const Row& r : ReadCsv(dir_.path(), upt, "sales.csv").rows) {
      const std::string& pid = r.at("product_id");
      ++sales_per_product[pid];
      ASSERT_TRUE(products.count(pid)) << pid;
      const Product& product = products.at(pid);
      if (!batch_unit.count(pid)) {
        EXPECT_EQ(product.category, "JASA") << pid << " sells without producing";
        continue;
      }
      const std::string& unit = batch_unit.at(pid);
      const Sku& sku = product.skus.at(r.at("sku_code"));
      const double qty = Num(r.at("qty"));
      double in_batch_unit = -1;
      if (r.at("unit") == unit) {
        in_batch_unit = qty;
      } else if (r.at("unit") == "pcs" && sku.unit == unit) {
        in_batch_unit = qty * sku.net_content;
      } else if (r.at("unit") == "pcs" && sku.unit == "g" && unit == "kg") {
        in_batch_unit = qty * sku.net_content / 1000;
      }
      ASSERT_GE(in_batch_unit, 0) << r.at("sale_id") << ": cannot compare " << r.at("unit")
                                  << " with " << unit;
      flows[pid][Day(r.at("sale_date"))].second += in_batch_unit;
    }
    for (const auto& [pid, product] : products) {
      EXPECT_GT(sales_per_product[pid], 0) << pid << " has no sales";
    }
    for (const auto& [pid, days] : flows) {
      double stock = 0;
      double produced = 0;
      for (const auto& [day, flow] : days) {
        produced += flow.first;
        stock += flow.first - flow.second;
        EXPECT_GE(stock, -1e-6) << pid << " oversold on " << absl::FormatCivilTime(day);
      }
      EXPECT_GT(produced, 0) << pid;
      EXPECT_LT(stock, produced) << pid << " sold nothing";
    }
  }
}

// The rules of services/node/core/validation.cc that the rows must pass.
TEST_F(FixtureTest, RowsPassNodeValidationRules) {
  Generate();
  const std::set<std::string> kChannels = {
      "VISITOR_COUNTER",   "STAFF_ODOPP",      "KANWIL_GALLERY", "EXHIBITION",
      "CONSIGNMENT_SHOP",  "MARKETPLACE",      "SOCIAL_MEDIA",   "E_KATALOG",
      "INSTITUTIONAL_B2B", "NATIONAL_UMKM_HUB"};
  const std::set<std::string> kRegions = {"SAME_REGENCY", "SAME_PROVINCE", "OUT_OF_PROVINCE",
                                          "ABROAD"};
  const std::set<std::string> kOrigins = {"SAE_INTERNAL", "LOCAL_FARMER", "MARKET_LOCAL",
                                          "OUTSIDE_PROVINCE", "DONATION"};
  const std::set<std::string> kUnits = {
      "g",   "kg",    "kuintal", "ton",  "ml",      "l",         "pcs",       "pasang",
      "set", "lusin", "kodi",    "pack", "bungkus", "sachet",    "botol",     "toples",
      "m",   "m2",    "ekor",    "ikat", "karung",  "kg_cucian", "kunjungan", "kg_roasting"};
  std::set<std::string> all_ids;
  std::map<std::string, int> channel_counts;
  std::map<std::string, int> region_counts;
  for (const std::string& upt : upts_) {
    const std::map<std::string, Product> products = ReadProducts(dir_.path(), upt);
    EXPECT_FALSE(products.empty()) << upt;
    for (const Row& r : ReadCsv(dir_.path(), upt, "products.csv").rows) {
      EXPECT_TRUE(IsId(r.at("product_id"), upt)) << r.at("product_id");
      EXPECT_TRUE(all_ids.insert(r.at("product_id")).second) << r.at("product_id");
      EXPECT_FALSE(r.at("name").empty());
      EXPECT_LE(r.at("name").size(), 120u);
      EXPECT_LE(r.at("description").size(), 2000u);
      EXPECT_LE(r.at("story").size(), 4000u);
      std::set<std::string> codes;
      for (absl::string_view sku : absl::StrSplit(r.at("skus"), ';')) {
        std::vector<std::string> f = absl::StrSplit(sku, '|');
        ASSERT_EQ(f.size(), 5u) << sku;
        EXPECT_TRUE(IsCode(f[0], 32)) << f[0];
        EXPECT_TRUE(codes.insert(f[0]).second) << f[0];
        EXPECT_GT(Num(f[1]), 0) << sku;
        EXPECT_TRUE(kUnits.count(f[2])) << sku;
        EXPECT_GT(Int(f[4]), 0) << sku;
      }
    }
    for (const Row& r : ReadCsv(dir_.path(), upt, "batches.csv").rows) {
      const std::string& code = r.at("batch_code");
      EXPECT_TRUE(IsId(code, upt)) << code;
      EXPECT_TRUE(all_ids.insert(code).second) << "duplicate " << code;
      ASSERT_TRUE(products.count(r.at("product_id"))) << code;
      const Product& p = products.at(r.at("product_id"));
      if (!r.at("sku_code").empty()) {
        EXPECT_TRUE(p.skus.count(r.at("sku_code"))) << code;
      }
      const double produced = Num(r.at("qty_produced"));
      const double rejected = Num(r.at("qty_rejected"));
      EXPECT_GT(produced, 0) << code;
      EXPECT_GE(rejected, 0) << code;
      EXPECT_LE(rejected, produced) << code;
      EXPECT_TRUE(kUnits.count(r.at("unit"))) << code;
      EXPECT_THAT(r.at("qc_result"), ::testing::AnyOf("PASSED", "PASSED_WITH_NOTES")) << code;
      EXPECT_GE(Int(r.at("direct_cost_idr")), 0) << code;
      EXPECT_GE(Int(r.at("inmates_engaged_count")), 3) << code;
      EXPECT_GT(Num(r.at("inmate_person_days")), 0) << code;
      EXPECT_TRUE(absl::StartsWith(r.at("supervisor_staff_ref"), "STAFF-")) << code;
      for (absl::string_view in : absl::StrSplit(r.at("inputs"), ';', absl::SkipEmpty())) {
        std::vector<std::string> f = absl::StrSplit(in, '|');
        ASSERT_EQ(f.size(), 7u) << in;
        EXPECT_FALSE(f[0].empty()) << in;
        EXPECT_TRUE(kOrigins.count(f[1])) << in;
        EXPECT_TRUE(f[2].empty() || IsRegency(f[2])) << in;
        EXPECT_GT(Num(f[3]), 0) << in;
        EXPECT_TRUE(kUnits.count(f[4])) << in;
        EXPECT_GE(Int(f[5]), 0) << in;
        EXPECT_LE(f[6].size(), 80u) << in;
      }
    }
    for (const Row& r : ReadCsv(dir_.path(), upt, "sales.csv").rows) {
      const std::string& id = r.at("sale_id");
      EXPECT_TRUE(IsId(id, upt)) << id;
      EXPECT_TRUE(absl::StartsWith(id, absl::StrCat(upt, "-S-"))) << id;
      EXPECT_TRUE(all_ids.insert(id).second) << "duplicate " << id;
      ASSERT_TRUE(products.count(r.at("product_id"))) << id;
      EXPECT_TRUE(products.at(r.at("product_id")).skus.count(r.at("sku_code"))) << id;
      const double qty = Num(r.at("qty"));
      EXPECT_GT(qty, 0) << id;
      EXPECT_TRUE(kUnits.count(r.at("unit"))) << id;
      const int64_t price = Int(r.at("unit_price_idr"));
      const int64_t revenue = Int(r.at("revenue_idr"));
      EXPECT_GT(price, 0) << id;
      EXPECT_NEAR(static_cast<double>(revenue), qty * static_cast<double>(price), 0.5) << id;
      EXPECT_TRUE(kChannels.count(r.at("channel"))) << id;
      EXPECT_TRUE(kRegions.count(r.at("buyer_region"))) << id;
      EXPECT_TRUE(r.at("buyer_regency_code").empty() || IsRegency(r.at("buyer_regency_code")))
          << id;
      EXPECT_LE(r.at("invoice_no").size(), 64u) << id;
      ++channel_counts[r.at("channel")];
      ++region_counts[r.at("buyer_region")];
    }
    for (const Row& r : ReadCsv(dir_.path(), upt, "certifications.csv").rows) {
      const std::string& id = r.at("certification_id");
      EXPECT_TRUE(IsId(id, upt)) << id;
      EXPECT_TRUE(all_ids.insert(id).second) << "duplicate " << id;
      ASSERT_TRUE(products.count(r.at("product_id"))) << id;
      std::string digits;
      for (char c : r.at("number")) {
        if (c != '-' && c != ' ' && c != '.') digits.push_back(c);
      }
      const std::string& type = r.at("type");
      if (type == "SPP_IRT") {
        ASSERT_EQ(digits.size(), 15u) << r.at("number");
        EXPECT_TRUE(AllDigits(digits)) << r.at("number");
        EXPECT_GE(digits[0], '1');
        EXPECT_LE(digits[0], '8');
        const int64_t food_type = Int(digits.substr(1, 2));
        EXPECT_TRUE(food_type >= 1 && food_type <= 16) << r.at("number");
        EXPECT_EQ(digits.substr(3, 2), "16") << r.at("number");  // Sumatera Selatan
        // Digits 14-15: the year the P-IRT expires, 5 years after issue.
        EXPECT_EQ(Int(digits.substr(13, 2)), (Day(r.at("issued_date")).year() + 5) % 100)
            << r.at("number");
      } else if (type == "HALAL") {
        EXPECT_TRUE(absl::StartsWith(digits, "ID")) << r.at("number");
        EXPECT_TRUE(AllDigits(digits.substr(2))) << r.at("number");
        EXPECT_GE(digits.size(), 10u);
        EXPECT_LE(digits.size(), 32u);
        EXPECT_TRUE(r.at("valid_until").empty()) << id;
      } else if (type == "NIB") {
        EXPECT_EQ(digits.size(), 13u) << r.at("number");
        EXPECT_TRUE(AllDigits(digits)) << r.at("number");
      }
      EXPECT_FALSE(r.at("issuer").empty()) << id;
      if (!r.at("valid_until").empty()) {
        EXPECT_GE(Day(r.at("valid_until")), Day(r.at("issued_date"))) << id;
      }
      for (absl::string_view sku : absl::StrSplit(r.at("scope_skus"), ';', absl::SkipEmpty())) {
        EXPECT_TRUE(products.at(r.at("product_id")).skus.count(std::string(sku))) << sku;
      }
    }
    const Csv trainings = ReadCsv(dir_.path(), upt, "trainings.csv");
    EXPECT_GE(trainings.rows.size(), 1u) << upt;
    EXPECT_LE(trainings.rows.size(), 3u) << upt;
    for (const Row& r : trainings.rows) {
      const std::string& id = r.at("training_id");
      EXPECT_TRUE(IsId(id, upt)) << id;
      EXPECT_TRUE(all_ids.insert(id).second) << "duplicate " << id;
      if (!r.at("product_id").empty()) {
        EXPECT_TRUE(products.count(r.at("product_id"))) << id;
      }
      EXPECT_FALSE(r.at("program_name").empty()) << id;
      EXPECT_FALSE(r.at("provider").empty()) << id;
      const int64_t participants = Int(r.at("participants_count"));
      const int64_t completed = Int(r.at("completed_count"));
      const int64_t certificates = Int(r.at("certificates_count"));
      EXPECT_GE(participants, 1) << id;
      EXPECT_LE(completed, participants) << id;
      EXPECT_LE(certificates, completed) << id;
      EXPECT_GE(certificates, 0) << id;
    }
  }
  // Several channels, and buyers mostly close by.
  EXPECT_GT(channel_counts["EXHIBITION"], 0);
  EXPECT_GT(channel_counts["INSTITUTIONAL_B2B"], 0);
  EXPECT_GT(channel_counts["E_KATALOG"], 0);
  EXPECT_GT(region_counts["OUT_OF_PROVINCE"], 0);
  EXPECT_GT(region_counts["SAME_REGENCY"] + region_counts["SAME_PROVINCE"],
            4 * region_counts["OUT_OF_PROVINCE"]);
}

TEST_F(FixtureTest, SizesAreModest) {
  Generate();
  for (const std::string& upt : upts_) {
    const size_t batches = ReadCsv(dir_.path(), upt, "batches.csv").rows.size();
    const size_t sales = ReadCsv(dir_.path(), upt, "sales.csv").rows.size();
    EXPECT_GE(batches, 30u) << upt;
    EXPECT_LE(batches, 140u) << upt;
    EXPECT_GE(sales, 120u) << upt;
    EXPECT_LE(sales, 450u) << upt;
  }
}

TEST_F(FixtureTest, PagaralamSellsOutOfProvince) {
  Generate();
  int out = 0;
  int total = 0;
  for (const Row& r : ReadCsv(dir_.path(), "SMS-LP-PAGARALAM", "sales.csv").rows) {
    ++total;
    if (r.at("buyer_region") == "OUT_OF_PROVINCE") {
      ++out;
      EXPECT_THAT(r.at("buyer_regency_code").substr(0, 3), ::testing::AnyOf("18.", "19."));
    }
  }
  ASSERT_GT(total, 0);
  EXPECT_GE(out * 100, total * 10);  // at least 10%
  EXPECT_LE(out * 100, total * 40);
}

TEST_F(FixtureTest, HampersPeakBeforeLebaran) {
  Generate();
  std::map<std::string, double> per_month;
  for (const Row& r : ReadCsv(dir_.path(), "SMS-LPP-PALEMBANG", "batches.csv").rows) {
    per_month[r.at("start_date").substr(0, 7)] += Num(r.at("qty_produced"));
  }
  const double peak = std::max(per_month["2026-02"], per_month["2026-03"]);
  for (const auto& [month, qty] : per_month) {
    if (month == "2026-02" || month == "2026-03") continue;
    EXPECT_GT(peak, 3 * qty) << month;
  }
}

TEST_F(FixtureTest, OtherWindow) {
  FixtureOptions options;
  options.end_month = "2025-03";
  options.months = 3;
  ASSERT_TRUE(WriteSumselFixture(dir_.path(), options).ok());
  const absl::CivilDay first(2025, 1, 1);
  const absl::CivilDay last(2025, 3, 31);
  for (const Row& r : ReadCsv(dir_.path(), "SMS-LP-LAHAT", "batches.csv").rows) {
    EXPECT_GE(Day(r.at("start_date")), first);
    EXPECT_LE(Day(r.at("end_date")), last);
  }
  for (const Row& r : ReadCsv(dir_.path(), "SMS-LP-LAHAT", "sales.csv").rows) {
    EXPECT_GE(Day(r.at("sale_date")), first);
    EXPECT_LE(Day(r.at("sale_date")), last);
  }
}

TEST_F(FixtureTest, RejectsBadOptions) {
  const std::string dir = dir_.path();
  FixtureOptions options;
  for (const char* month : {"2026-13", "2026-00", "2026-1", "26-10", "2026/10", "", "1999-12"}) {
    options.end_month = month;
    EXPECT_EQ(WriteSumselFixture(dir, options).status().code(), absl::StatusCode::kInvalidArgument)
        << month;
  }
  options.end_month = "2026-10";
  for (int months : {0, -1, 37}) {
    options.months = months;
    EXPECT_EQ(WriteSumselFixture(dir, options).status().code(), absl::StatusCode::kInvalidArgument)
        << months;
  }
  // Nothing was written for bad options.
  EXPECT_TRUE(ListFiles(dir).empty());
}

TEST_F(FixtureTest, UnwritableDirectoryIsInternal) {
  ASSERT_FALSE(dir_.path().empty());
  const std::filesystem::path blocker = std::filesystem::path(dir_.path()) / "file";
  std::ofstream(blocker) << "x";
  absl::StatusOr<std::vector<std::string>> result =
      WriteSumselFixture((blocker / "out").string(), {});
  EXPECT_EQ(result.status().code(), absl::StatusCode::kInternal);
  EXPECT_THAT(std::string(result.status().message()), ::testing::HasSubstr("file"));
}

}  // namespace
}  // namespace unggul::cli

#pragma once

// The input of the Sumsel fixture generator (fixture.h): what each producing UPT makes, sells,
// is certified for and trained in. The data lives in services/cli/fixture/sumsel.json, compiled
// into the binary (EmbeddedSumselSpecJson), and is read by ParseFixtureSpecs. A product in the
// JSON lists only the fields that differ from the defaults of ProductSpec below.
//
// Thread-safety: plain values; the functions are safe to call concurrently.

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace unggul::cli {

enum class ProductModel {
  kMonthly,  // a monthly quantity split into several batches ("monthly")
  kCycle,    // one harvest every `cycle_days` ("cycle")
  kService,  // no batches, sales only (JASA) ("service")
};

struct SkuSpec {
  std::string code;
  std::string net_content;  // as written in products.csv
  std::string net_unit;
  std::string packaging;
  int64_t price_idr = 0;
  int64_t item_milli = 0;  // thousandths of a batch unit in one sale unit (0 for services)
  int weight = 0;          // share of production and of sales
};

struct InputSpec {
  std::string material;
  std::string origin_type;
  std::string regency;
  std::string unit;
  int64_t permille = 0;   // input units per 1000 batch units
  int64_t price_idr = 0;  // per input unit
  std::string supplier_ref;
};

struct ChannelShare {
  std::string channel;
  int weight = 0;
  int size_pct = 0;  // sale size relative to the product's base size
};

struct ProductSpec {
  std::string suffix;  // product_id = upt_code + "-" + suffix
  std::string name;
  std::string brand;
  std::string category;
  std::string subcategory;
  std::string description;
  std::string story;
  int launch_days_before = 365;  // before the window's first day
  std::vector<SkuSpec> skus = {};
  // Production. Quantities in tenths of `batch_unit`.
  ProductModel model = ProductModel::kMonthly;
  std::string batch_unit = "pcs";
  bool batch_per_sku = true;  // else a harvest: no sku_code, batch code uses `suffix`
  int batches_min = 0, batches_max = 0;
  int64_t month_min = 0, month_max = 0;
  int cycle_days = 0, cycle_jitter = 0;
  int64_t batch_min = 0, batch_max = 0;
  int64_t step = 10;
  int duration_min = 1, duration_max = 1;
  int reject_permille_max = 0;
  int shelf_days = 0;  // 0 = keeps
  bool print_expiry = false;
  int prod_lebaran_pct = 100;
  std::vector<InputSpec> inputs = {};
  int64_t overhead_idr = 0;  // per batch unit: packaging, gas, electricity
  int inmates_min = 0, inmates_max = 0;
  std::string workshop;
  int staff_no = 1;
  // Sales.
  std::string sale_unit = "pcs";
  bool whole_items = true;
  int sales_per_week_tenths = 0;
  int demand_lebaran_pct = 100;
  bool exhibits = false;
  std::vector<ChannelShare> channels = {};            // JSON: a preset name or a list
  int same_regency_pct = 50, same_province_pct = 45;  // rest out of province
  std::vector<std::string> out_regencies = {};
  int64_t service_min = 0, service_max = 0;  // tenths per sale (kService)
};

struct CertSpec {
  std::string id_suffix;  // certification_id = upt_code + "-" + id_suffix
  std::string product_suffix;
  std::string type;
  std::string number_base;  // SPP_IRT: 13 digits (+ expiry year); HALAL: digits (+ MMYY)
  std::string issuer;
  std::string holder;  // "" = the UPT itself
  int issued_days_before_end = 0;
  int valid_years = 0;  // 0 = no expiry
  std::string scope_skus;
};

struct TrainingSpec {
  std::string program;
  std::string provider;
  std::string product_suffix;  // "" = none
  std::string scheme;
  int days_min = 0, days_max = 0;
  int participants_min = 0, participants_max = 0;
};

struct UptSpec {
  std::string upt_code;
  std::string staff_code;  // for staff refs and invoice numbers, e.g. "LHT"
  std::vector<ProductSpec> products;
  std::vector<CertSpec> certs;
  std::vector<TrainingSpec> trainings;
};

// Parses a fixture spec: {"channel_presets": {name: [channel share…]}, "upts": [UPT…]}. Every
// key of a SKU, input, channel share, cert and training is required; a product needs "suffix"
// and may omit the rest (struct defaults). InvalidArgument naming the JSON path (e.g.
// "SMS-LP-LAHAT.products[0].skus[1].price_idr: must be an integer, got \"x\"") for malformed
// JSON, unknown keys, missing keys, wrong types, out-of-range integers and unknown presets.
absl::StatusOr<std::vector<UptSpec>> ParseFixtureSpecs(absl::string_view json);

// services/cli/fixture/sumsel.json as compiled in.
absl::string_view EmbeddedSumselSpecJson();

}  // namespace unggul::cli

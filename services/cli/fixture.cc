#include "services/cli/fixture.h"

#include <algorithm>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "common/csv/csv.h"
#include "common/records/kinds.h"
#include "common/status/echo.h"
#include "common/status/status_macros.h"
#include "services/cli/fixture_spec.h"
#include "services/cli/record_csv.h"

namespace unggul::cli {
namespace {

// ---------------------------------------------------------------------------------------------
// Deterministic randomness and integer helpers.

// SplitMix64 (Steele, Lea, Flood 2014): tiny, fast and identical on every platform, unlike the
// standard distributions.
class SplitMix64 {
 public:
  explicit SplitMix64(uint64_t seed) : state_(seed) {}

  uint64_t Next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }

  // Uniform integer in [lo, hi]; lo when hi <= lo. The modulo bias is negligible here.
  int64_t Uniform(int64_t lo, int64_t hi) {
    if (hi <= lo) return lo;
    return lo + static_cast<int64_t>(Next() % static_cast<uint64_t>(hi - lo + 1));
  }

  // True with probability percent/100.
  bool Percent(int percent) { return Uniform(0, 99) < percent; }

  // Index drawn with the given non-negative weights; -1 when they sum to 0.
  int Weighted(const std::vector<int>& weights) {
    int64_t total = 0;
    for (int w : weights) total += w;
    if (total <= 0) return -1;
    int64_t r = Uniform(0, total - 1);
    for (size_t i = 0; i < weights.size(); ++i) {
      if (r < weights[i]) return static_cast<int>(i);
      r -= weights[i];
    }
    return static_cast<int>(weights.size()) - 1;
  }

 private:
  uint64_t state_;
};

// FNV-1a, 64 bit: a stable per-UPT / per-product seed offset.
uint64_t StableHash(absl::string_view s) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (char c : s) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ULL;
  }
  return h;
}

int64_t FloorDiv(int64_t a, int64_t b) {  // b > 0
  int64_t q = a / b;
  if (a % b != 0 && a < 0) --q;
  return q;
}

// Rounds a non-negative quantity to the nearest multiple of `step`.
int64_t RoundToStep(int64_t x, int64_t step) { return (x + step / 2) / step * step; }

// Quantities are integer tenths; formatted with at most one decimal ("22.5", "40").
std::string FormatTenths(int64_t tenths) {
  if (tenths % 10 == 0) return absl::StrCat(tenths / 10);
  return absl::StrCat(tenths / 10, ".", tenths % 10);
}

std::string FormatDay(absl::CivilDay day) { return absl::FormatCivilTime(day); }

std::string Yymmdd(absl::CivilDay day) {
  return absl::StrFormat("%02d%02d%02d", static_cast<int>(day.year() % 100), day.month(),
                         day.day());
}

// ---------------------------------------------------------------------------------------------
// Calendar: the window, Lebaran (Idulfitri) and Hari Bakti Pemasyarakatan.

struct Window {
  absl::CivilDay first;
  absl::CivilDay last;
  absl::CivilMonth first_month;
  absl::CivilMonth last_month;
  int64_t days() const { return last - first + 1; }
};

// Idulfitri 1447 H (2026-03-20, Indonesian government calendar); other years are reached in
// steps of a mean lunar year of 354.367 days, which is within a day or so of the official dates
// (2024-04-10, 2025-03-31, 2027-03-10).
constexpr absl::CivilDay kLebaranAnchor(2026, 3, 20);
constexpr int64_t kLunarYearMilliDays = 354367;
constexpr int kLebaranSeasonDays = 40;  // Ramadan plus the days of buying before it

absl::CivilDay LebaranNumber(int64_t k) {
  return kLebaranAnchor + FloorDiv(k * kLunarYearMilliDays + 500, 1000);
}

// Ramadan / pre-Lebaran buying season: the 40 days before Idulfitri.
bool InLebaranSeason(absl::CivilDay day) {
  const int64_t k0 = FloorDiv((day - kLebaranAnchor) * 1000, kLunarYearMilliDays);
  for (int64_t k = k0; k <= k0 + 1; ++k) {
    const absl::CivilDay lebaran = LebaranNumber(k);
    if (day >= lebaran - kLebaranSeasonDays && day <= lebaran - 1) return true;
  }
  return false;
}

// Exhibition season around Hari Bakti Pemasyarakatan (27 April): 20 April .. 2 May.
bool InHbpSeason(absl::CivilDay day) {
  return (day.month() == 4 && day.day() >= 20) || (day.month() == 5 && day.day() <= 2);
}

absl::StatusOr<Window> MakeWindow(const FixtureOptions& options) {
  const std::string& m = options.end_month;
  auto bad = [&m]() {
    return absl::InvalidArgumentError(
        absl::StrCat("end_month must be YYYY-MM with year 2000..2099, got \"", Echo(m), "\""));
  };
  if (m.size() != 7 || m[4] != '-') return bad();
  for (int i : {0, 1, 2, 3, 5, 6}) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(m[i]))) return bad();
  }
  const int year = (m[0] - '0') * 1000 + (m[1] - '0') * 100 + (m[2] - '0') * 10 + (m[3] - '0');
  const int month = (m[5] - '0') * 10 + (m[6] - '0');
  if (year < 2000 || year > 2099 || month < 1 || month > 12) return bad();
  if (options.months < 1 || options.months > 36) {
    return absl::InvalidArgumentError(absl::StrCat("months must be 1..36, got ", options.months));
  }
  Window w;
  w.last_month = absl::CivilMonth(year, month);
  w.first_month = w.last_month - (options.months - 1);
  w.first = absl::CivilDay(w.first_month);
  w.last = absl::CivilDay(w.last_month + 1) - 1;
  return w;
}

// ---------------------------------------------------------------------------------------------
// The registry (rows 1–21, see SumselRegistry).

const RegistryUpt* FindUpt(absl::string_view code) {
  for (const RegistryUpt& u : SumselRegistry()) {
    if (u.upt_code == code) return &u;
  }
  return nullptr;
}

// Sumsel regency codes (Kemendagri) used for buyers elsewhere in the province.
constexpr const char* kSumselRegencies[] = {"16.01", "16.02", "16.03", "16.04", "16.05", "16.06",
                                            "16.07", "16.08", "16.09", "16.10", "16.11", "16.12",
                                            "16.13", "16.71", "16.72", "16.73", "16.74"};
constexpr const char* kPalembang = "16.71";

// ---------------------------------------------------------------------------------------------
// What each producing UPT makes: real Sumsel inmate products (Gula Semut Jahe Merah of Lapas
// Lahat, Kopi LAPAGA of Lapas Pagar Alam, rattan of Lapas Sekayu…) with synthetic quantities.
// The data is services/cli/fixture/sumsel.json (fixture_spec.h), compiled in and parsed once.

using Model = ProductModel;

// The parsed embedded spec, or why it does not parse.
const absl::StatusOr<std::vector<UptSpec>>& FixtureSpecs() {
  static const auto* const kSpecs =
      new absl::StatusOr<std::vector<UptSpec>>(ParseFixtureSpecs(EmbeddedSumselSpecJson()));
  return *kSpecs;
}

// ---------------------------------------------------------------------------------------------
// Generated rows.

struct BatchRow {
  std::string code;
  std::string product_id;
  int sku_index = 0;  // stock goes to this SKU
  std::string sku_code;
  absl::CivilDay start;
  absl::CivilDay end;
  int64_t produced = 0;  // tenths
  int64_t rejected = 0;  // tenths
  std::string unit;
  std::string qc;
  std::string expiry;
  std::string workshop;
  int64_t direct_cost = 0;
  int inmates = 0;
  int64_t person_days = 0;  // tenths
  std::string supervisor;
  std::string inputs;
};

struct SaleRow {
  std::string id;
  std::string product_id;
  std::string sku_code;
  absl::CivilDay date;
  int64_t qty = 0;  // tenths
  std::string unit;
  int64_t unit_price = 0;
  int64_t revenue = 0;
  std::string channel;
  std::string buyer_type;
  std::string region;
  std::string regency;
  std::string invoice;
  std::string payment;
};

std::string ProductId(const UptSpec& upt, const ProductSpec& p) {
  return absl::StrCat(upt.upt_code, "-", p.suffix);
}

// Batches of one product, in generation (chronological) order.
std::vector<BatchRow> GenerateBatches(const UptSpec& upt, const ProductSpec& p,
                                      const Window& window, uint64_t seed,
                                      std::map<std::string, int>& code_seq) {
  std::vector<BatchRow> out;
  if (p.model == Model::kService) return out;
  const std::string product_id = ProductId(upt, p);
  SplitMix64 rng(seed + StableHash(absl::StrCat(product_id, "/batches")));
  std::vector<int> sku_weights;
  for (const SkuSpec& s : p.skus) sku_weights.push_back(s.weight);

  auto emit = [&](absl::CivilDay start, int64_t produced) {
    const int duration = static_cast<int>(rng.Uniform(p.duration_min, p.duration_max));
    absl::CivilDay end = start + (duration - 1);
    if (end > window.last) {
      end = window.last;
      start = std::max(window.first, end - (duration - 1));
    }
    BatchRow b;
    b.product_id = product_id;
    b.sku_index = p.batch_per_sku ? rng.Weighted(sku_weights) : 0;
    b.sku_code = p.batch_per_sku ? p.skus[b.sku_index].code : "";
    const std::string prefix = absl::StrCat(
        upt.upt_code, "-", p.batch_per_sku ? b.sku_code : p.suffix, "-", Yymmdd(start));
    const int seq = ++code_seq[prefix];
    b.code = absl::StrFormat("%s-%02d", prefix, seq);
    b.start = start;
    b.end = end;
    b.produced = produced;
    b.rejected = produced * rng.Uniform(0, p.reject_permille_max) / 1000;
    if (p.whole_items) b.rejected = b.rejected / 10 * 10;
    b.unit = p.batch_unit;
    b.qc = b.rejected * 1000 > b.produced * 20 ? "PASSED_WITH_NOTES" : "PASSED";
    if (p.print_expiry) b.expiry = FormatDay(end + p.shelf_days);
    b.workshop = p.workshop;
    std::vector<std::string> inputs;
    int64_t cost = 0;
    for (const InputSpec& in : p.inputs) {
      int64_t qty = produced * in.permille * rng.Uniform(95, 105) / 100000;
      const absl::string_view unit = in.unit;
      if (unit == "pcs" || unit == "ekor") qty = RoundToStep(qty, 10);  // counted items
      qty = std::max<int64_t>(unit == "pcs" || unit == "ekor" ? 10 : 1, qty);
      const int64_t input_cost = qty * in.price_idr / 10;
      cost += input_cost;
      inputs.push_back(absl::StrCat(in.material, "|", in.origin_type, "|", in.regency, "|",
                                    FormatTenths(qty), "|", in.unit, "|", input_cost, "|",
                                    in.supplier_ref));
    }
    b.inputs = absl::StrJoin(inputs, ";");
    b.direct_cost = cost + produced * p.overhead_idr / 10;
    b.inmates = static_cast<int>(rng.Uniform(p.inmates_min, p.inmates_max));
    b.person_days = b.inmates * duration * rng.Uniform(60, 100) / 10;
    b.supervisor = absl::StrFormat("STAFF-%s-%02d", upt.staff_code,
                                   p.staff_no + static_cast<int>(rng.Uniform(0, 1)));
    out.push_back(std::move(b));
  };

  if (p.model == Model::kCycle) {
    absl::CivilDay day = window.first + rng.Uniform(2, p.cycle_days - 1);
    while (day + (p.duration_max - 1) <= window.last) {
      emit(day, RoundToStep(rng.Uniform(p.batch_min, p.batch_max), p.step));
      day += p.cycle_days + rng.Uniform(-p.cycle_jitter, p.cycle_jitter);
    }
    return out;
  }

  for (absl::CivilMonth m = window.first_month; m <= window.last_month; ++m) {
    const absl::CivilDay month_first(m);
    const absl::CivilDay month_last = absl::CivilDay(m + 1) - 1;
    const int64_t days_in_month = month_last - month_first + 1;
    // Seasonal products concentrate their extra output in the Lebaran season.
    int64_t season_days = 0;
    absl::CivilDay lo = month_first;
    absl::CivilDay hi = month_last;
    if (p.prod_lebaran_pct != 100) {
      absl::CivilDay season_lo = month_last;
      absl::CivilDay season_hi = month_first;
      for (absl::CivilDay d = month_first; d <= month_last; ++d) {
        if (!InLebaranSeason(d)) continue;
        ++season_days;
        season_lo = std::min(season_lo, d);
        season_hi = std::max(season_hi, d);
      }
      if (season_days >= 7) {
        lo = season_lo;
        hi = season_hi;
      }
    }
    const int64_t factor = 100 + (p.prod_lebaran_pct - 100) * season_days / days_in_month;
    int64_t n = rng.Uniform(p.batches_min, p.batches_max);
    if (factor > 100) n = std::min<int64_t>(n * factor / 100, 3 * p.batches_max);
    const int64_t span = hi - lo + 1;
    n = std::max<int64_t>(1, std::min(n, span));
    int64_t target = RoundToStep(rng.Uniform(p.month_min, p.month_max) * factor / 100, p.step);
    target = std::max(target, p.step * n);
    int64_t remaining = target;
    for (int64_t i = 0; i < n; ++i) {
      int64_t q = remaining;
      if (i < n - 1) {
        q = RoundToStep(target * rng.Uniform(85, 115) / (100 * n), p.step);
        q = std::clamp(q, p.step, remaining - p.step * (n - 1 - i));
      }
      remaining -= q;
      const int64_t slot = span / n;
      const absl::CivilDay start =
          lo + span * i / n + rng.Uniform(0, std::max<int64_t>(0, slot - 1));
      emit(start, q);
    }
  }
  return out;
}

// Sale-event rate of a product on `day`, in thousandths of an event.
int64_t RateMilli(const ProductSpec& p, absl::CivilDay day) {
  int64_t rate = int64_t{p.sales_per_week_tenths} * 100 / 7;
  if (InLebaranSeason(day)) rate = rate * p.demand_lebaran_pct / 100;
  if (p.exhibits && InHbpSeason(day)) rate = rate * 2;
  return rate;
}

struct Lot {
  absl::CivilDay last_day;  // last day it may be sold
  int64_t milli;            // thousandths of a batch unit
};

// Simulation state of one product while its sales are generated.
struct ProductSim {
  const ProductSpec* spec = nullptr;
  std::string product_id;
  std::vector<const BatchRow*> by_end;  // batches ordered by end date
  size_t next_batch = 0;
  std::vector<std::deque<Lot>> stock;  // per SKU, oldest first
  int64_t base_tenths = 10;            // mean sale size in tenths of the sale unit
};

int64_t StockMilli(const std::deque<Lot>& lots) {
  int64_t total = 0;
  for (const Lot& l : lots) total += l.milli;
  return total;
}

// The base sale size: about 90% of the good output sold over the expected sale events.
int64_t BaseSaleTenths(const ProductSpec& p, const std::vector<const BatchRow*>& batches,
                       const Window& window) {
  if (p.model == Model::kService) return 0;
  int64_t sale_tenths = 0;
  std::vector<bool> covered(static_cast<size_t>(window.days()), false);
  for (const BatchRow* b : batches) {
    sale_tenths += (b->produced - b->rejected) * 100 * 10 / p.skus[b->sku_index].item_milli;
    const absl::CivilDay until = p.shelf_days > 0 ? b->end + (p.shelf_days - 1) : window.last;
    for (absl::CivilDay d = b->end; d <= until && d <= window.last; ++d) {
      covered[static_cast<size_t>(d - window.first)] = true;
    }
  }
  int64_t events_milli = 0;
  for (int64_t i = 0; i < window.days(); ++i) {
    if (covered[static_cast<size_t>(i)]) events_milli += RateMilli(p, window.first + i);
  }
  int64_t weight = 0;
  int64_t weighted_size = 0;
  for (const ChannelShare& c : p.channels) {
    weight += c.weight;
    weighted_size += int64_t{c.weight} * c.size_pct;
  }
  const int64_t mean_size_pct = weight > 0 ? weighted_size / weight : 100;
  if (events_milli <= 0 || mean_size_pct <= 0) return 10;
  return std::max<int64_t>(1, sale_tenths * 90000 / (events_milli * mean_size_pct));
}

const char* PickOtherSumselRegency(SplitMix64& rng, absl::string_view own) {
  if (own != kPalembang && rng.Percent(50)) return kPalembang;
  std::vector<const char*> others;
  for (const char* r : kSumselRegencies) {
    if (own != r) others.push_back(r);
  }
  return others[static_cast<size_t>(rng.Uniform(0, static_cast<int64_t>(others.size()) - 1))];
}

// Fills channel-dependent buyer fields of a sale.
void FillBuyer(const ProductSpec& p, const RegistryUpt& upt, SplitMix64& rng, SaleRow& s) {
  const std::string& own = upt.regency_code;
  const std::string& c = s.channel;
  if (c == "STAFF_ODOPP") {
    s.buyer_type = "STAFF";
    s.region = "SAME_REGENCY";
    s.regency = own;
    s.payment = rng.Percent(70) ? "QRIS" : "CASH";
    return;
  }
  if (c == "KANWIL_GALLERY" || c == "EXHIBITION") {
    s.buyer_type = "INDIVIDUAL";
    s.region = own == kPalembang ? "SAME_REGENCY" : "SAME_PROVINCE";
    s.regency = kPalembang;
    s.payment = rng.Percent(60) ? "CASH" : "QRIS";
    return;
  }
  if (c == "VISITOR_COUNTER") {
    s.buyer_type = "INDIVIDUAL";
    if (rng.Percent(85)) {
      s.region = "SAME_REGENCY";
      s.regency = own;
    } else {
      s.region = "SAME_PROVINCE";
      s.regency = PickOtherSumselRegency(rng, own);
    }
    s.payment = rng.Percent(60) ? "CASH" : "QRIS";
    return;
  }
  // Open channels follow the product's regional mix.
  const int64_t r = rng.Uniform(0, 99);
  if (r < p.same_regency_pct) {
    s.region = "SAME_REGENCY";
    s.regency = own;
  } else if (r < p.same_regency_pct + p.same_province_pct || p.out_regencies.empty()) {
    s.region = "SAME_PROVINCE";
    s.regency = PickOtherSumselRegency(rng, own);
  } else {
    s.region = "OUT_OF_PROVINCE";
    s.regency = p.out_regencies[static_cast<size_t>(
        rng.Uniform(0, static_cast<int64_t>(p.out_regencies.size()) - 1))];
  }
  if (c == "MARKETPLACE") {
    s.buyer_type = "INDIVIDUAL";
    s.payment = "TRANSFER";
  } else if (c == "CONSIGNMENT_SHOP") {
    s.buyer_type = "RESELLER";
    s.payment = "TRANSFER";
  } else if (c == "E_KATALOG") {
    s.buyer_type = "GOVERNMENT";
    s.payment = "INVOICE";
  } else {  // INSTITUTIONAL_B2B
    s.buyer_type = rng.Percent(50) ? "GOVERNMENT" : "BUSINESS";
    s.payment = "INVOICE";
  }
}

// Sales of all products of one UPT, simulated day by day against the stock the batches made.
std::vector<SaleRow> GenerateSales(const UptSpec& upt, const RegistryUpt& reg,
                                   const std::vector<BatchRow>& batches, const Window& window,
                                   uint64_t seed) {
  std::vector<ProductSim> sims;
  std::vector<SplitMix64> rngs;
  for (const ProductSpec& p : upt.products) {
    ProductSim sim;
    sim.spec = &p;
    sim.product_id = ProductId(upt, p);
    for (const BatchRow& b : batches) {
      if (b.product_id == sim.product_id) sim.by_end.push_back(&b);
    }
    std::stable_sort(sim.by_end.begin(), sim.by_end.end(),
                     [](const BatchRow* a, const BatchRow* b) { return a->end < b->end; });
    sim.stock.resize(p.skus.size());
    sim.base_tenths = BaseSaleTenths(p, sim.by_end, window);
    sims.push_back(std::move(sim));
    rngs.emplace_back(seed + StableHash(absl::StrCat(ProductId(upt, p), "/sales")));
  }

  std::vector<SaleRow> out;
  std::map<int64_t, int> invoice_seq;  // per year
  for (absl::CivilDay day = window.first; day <= window.last; ++day) {
    int day_seq = 0;
    for (size_t pi = 0; pi < sims.size(); ++pi) {
      ProductSim& sim = sims[pi];
      const ProductSpec& p = *sim.spec;
      SplitMix64& rng = rngs[pi];
      // Finished batches enter the stock; expired lots leave it.
      while (sim.next_batch < sim.by_end.size() && sim.by_end[sim.next_batch]->end <= day) {
        const BatchRow& b = *sim.by_end[sim.next_batch++];
        const absl::CivilDay last_day =
            p.shelf_days > 0 ? b.end + (p.shelf_days - 1) : absl::CivilDay(9999, 12, 31);
        const int64_t good = (b.produced - b.rejected) * 100;
        if (good > 0) sim.stock[static_cast<size_t>(b.sku_index)].push_back({last_day, good});
      }
      for (std::deque<Lot>& lots : sim.stock) {
        while (!lots.empty() && lots.front().last_day < day) lots.pop_front();
      }

      const int64_t rate = RateMilli(p, day);
      const int64_t events = rate / 1000 + (rng.Uniform(0, 999) < rate % 1000 ? 1 : 0);
      for (int64_t e = 0; e < events; ++e) {
        // Channel.
        std::vector<ChannelShare> channels = p.channels;
        if (p.exhibits && InHbpSeason(day)) {
          int total = 0;
          for (const ChannelShare& c : channels) total += c.weight;
          channels.push_back({"EXHIBITION", total, 150});
        }
        std::vector<int> channel_weights;
        for (const ChannelShare& c : channels) channel_weights.push_back(c.weight);
        const ChannelShare& channel = channels[static_cast<size_t>(rng.Weighted(channel_weights))];

        // SKU and quantity (tenths of the sale unit).
        const int64_t min_qty = p.whole_items ? 10 : 1;
        std::vector<int64_t> avail(p.skus.size(), 0);
        std::vector<int> sku_weights(p.skus.size(), 0);
        for (size_t si = 0; si < p.skus.size(); ++si) {
          if (p.model == Model::kService) {
            avail[si] = INT64_MAX;
          } else {
            avail[si] = StockMilli(sim.stock[si]) * 10 / p.skus[si].item_milli;
            if (p.whole_items) avail[si] = avail[si] / 10 * 10;
          }
          if (avail[si] >= min_qty) sku_weights[si] = p.skus[si].weight;
        }
        const int sku = rng.Weighted(sku_weights);
        if (sku < 0) continue;  // nothing to sell today
        const SkuSpec& sku_spec = p.skus[static_cast<size_t>(sku)];
        int64_t qty;
        if (p.model == Model::kService) {
          qty = rng.Uniform(p.service_min, p.service_max);
        } else {
          qty = sim.base_tenths * channel.size_pct * rng.Uniform(50, 150) / 10000;
          if (p.whole_items) qty = RoundToStep(qty, 10);
          qty = std::clamp(qty, min_qty, avail[static_cast<size_t>(sku)]);
          // Take the stock, oldest lot first. Whole items and kg sales divide exactly.
          int64_t need = qty * sku_spec.item_milli / 10;
          std::deque<Lot>& lots = sim.stock[static_cast<size_t>(sku)];
          while (need > 0) {
            const int64_t take = std::min(need, lots.front().milli);
            lots.front().milli -= take;
            need -= take;
            if (lots.front().milli == 0) lots.pop_front();
          }
        }

        SaleRow s;
        s.id = absl::StrFormat("%s-S-%s-%03d", upt.upt_code, Yymmdd(day), ++day_seq);
        s.product_id = sim.product_id;
        s.sku_code = sku_spec.code;
        s.date = day;
        s.qty = qty;
        s.unit = p.sale_unit;
        s.unit_price = sku_spec.price_idr;
        s.revenue = (qty * sku_spec.price_idr + 5) / 10;
        s.channel = channel.channel;
        FillBuyer(p, reg, rng, s);
        if (s.channel == "CONSIGNMENT_SHOP" || s.channel == "E_KATALOG" ||
            s.channel == "INSTITUTIONAL_B2B") {
          s.invoice = absl::StrFormat("INV/%s/%04d/%04d", upt.staff_code, day.year(),
                                      ++invoice_seq[day.year()]);
        }
        out.push_back(std::move(s));
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// CSV output (RFC 4180, cells quoted by common/csv's CsvEscape).

void AppendRow(std::string& csv, const std::vector<std::string>& cells) {
  for (size_t i = 0; i < cells.size(); ++i) {
    if (i > 0) csv.push_back(',');
    csv += CsvEscape(cells[i]);
  }
  csv.push_back('\n');
}

// A CSV file of one record kind in the importer's schema (record_csv.h CsvColumns, read off
// records.proto): the header is the schema's columns and rows are given by column name, so the
// generator cannot write a column the importer does not read (Take() fails naming it).
class KindCsv {
 public:
  explicit KindCsv(absl::string_view plural) : plural_(plural) {
    const RecordKindInfo* kind = FindRecordKindByPlural(plural);
    if (kind == nullptr) {
      error_ = absl::InternalError(absl::StrCat("fixture: no record kind ", plural));
      return;
    }
    columns_ = CsvColumns(*kind);
    AppendRow(text_, columns_);
  }

  void Add(std::initializer_list<std::pair<absl::string_view, std::string>> cells) {
    std::vector<std::string> row(columns_.size());
    for (const auto& [name, value] : cells) {
      auto it = std::find(columns_.begin(), columns_.end(), name);
      if (it == columns_.end()) {
        if (error_.ok()) {
          error_ = absl::InternalError(
              absl::StrCat("fixture: ", plural_, " have no column \"", name, "\""));
        }
        continue;
      }
      row[static_cast<size_t>(it - columns_.begin())] = value;
    }
    AppendRow(text_, row);
  }

  absl::StatusOr<std::string> Take() {
    if (!error_.ok()) return error_;
    return std::move(text_);
  }

 private:
  std::string plural_;
  std::vector<std::string> columns_;
  std::string text_;
  absl::Status error_;
};

absl::Status WriteFile(const std::filesystem::path& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) return absl::InternalError(absl::StrCat("cannot open ", path.string()));
  out.write(content.data(), static_cast<std::streamsize>(content.size()));
  out.close();
  if (!out) return absl::InternalError(absl::StrCat("cannot write ", path.string()));
  return absl::OkStatus();
}

absl::Status MakeDirs(const std::filesystem::path& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    return absl::InternalError(
        absl::StrCat("cannot create directory ", dir.string(), ": ", ec.message()));
  }
  return absl::OkStatus();
}

std::string RegistryCsv() {
  std::string csv;
  AppendRow(csv, {"upt_code", "official_name", "type", "subtype", "class", "regency_code",
                  "kanwil_code", "needs_verification"});
  for (const RegistryUpt& u : SumselRegistry()) {
    AppendRow(csv, {u.upt_code, u.official_name, u.type, u.subtype, u.upt_class, u.regency_code,
                    "SUMSEL", u.needs_verification ? "true" : "false"});
  }
  return csv;
}

absl::StatusOr<std::string> ProductsCsv(const UptSpec& upt, const Window& window) {
  KindCsv csv("products");
  for (const ProductSpec& p : upt.products) {
    std::vector<std::string> skus;
    for (const SkuSpec& s : p.skus) {
      skus.push_back(absl::StrCat(s.code, "|", s.net_content, "|", s.net_unit, "|", s.packaging,
                                  "|", s.price_idr));
    }
    csv.Add({{"product_id", ProductId(upt, p)},
             {"name", p.name},
             {"brand", p.brand},
             {"category", p.category},
             {"subcategory", p.subcategory},
             {"description", p.description},
             {"story", p.story},
             {"launch_date", FormatDay(window.first - p.launch_days_before)},
             {"status", "ACTIVE"},
             {"skus", absl::StrJoin(skus, ";")}});
  }
  return csv.Take();
}

absl::StatusOr<std::string> BatchesCsv(const std::vector<BatchRow>& batches) {
  KindCsv csv("batches");
  for (const BatchRow& b : batches) {
    csv.Add({{"batch_code", b.code},
             {"product_id", b.product_id},
             {"sku_code", b.sku_code},
             {"start_date", FormatDay(b.start)},
             {"end_date", FormatDay(b.end)},
             {"qty_produced", FormatTenths(b.produced)},
             {"qty_rejected", FormatTenths(b.rejected)},
             {"unit", b.unit},
             {"qc_result", b.qc},
             {"expiry_date", b.expiry},
             {"workshop_id", b.workshop},
             {"direct_cost_idr", absl::StrCat(b.direct_cost)},
             {"inmates_engaged_count", absl::StrCat(b.inmates)},
             {"inmate_person_days", FormatTenths(b.person_days)},
             {"supervisor_staff_ref", b.supervisor},
             {"inputs", b.inputs}});
  }
  return csv.Take();
}

// Monthly labour reports (distinct headcount and person-days): per product-month, the distinct
// headcount is at least the largest batch crew (people rotate across batches, so one more when
// several batches ran), and the person-days are the batches' sum.
absl::StatusOr<std::string> LabourCsv(const std::vector<BatchRow>& batches) {
  struct Month {
    int max_crew = 0;
    int batches = 0;
    int64_t person_days = 0;  // tenths
  };
  std::map<std::pair<std::string, std::string>, Month> months;
  for (const BatchRow& b : batches) {
    const std::string month = FormatDay(b.start).substr(0, 7);
    Month& m = months[{b.product_id, month}];
    m.max_crew = std::max(m.max_crew, b.inmates);
    ++m.batches;
    m.person_days += b.person_days;
  }
  KindCsv csv("labour");
  for (const auto& [key, m] : months) {
    const std::string yyyymm = key.second.substr(0, 4) + key.second.substr(5, 2);
    csv.Add({{"report_id", absl::StrCat(key.first, "-LAB-", yyyymm)},
             {"product_id", key.first},
             {"month", key.second},
             {"distinct_inmates_engaged", absl::StrCat(m.max_crew + (m.batches > 1 ? 1 : 0))},
             {"inmate_person_days", FormatTenths(m.person_days)}});
  }
  return csv.Take();
}

// Quarterly settlements over the window's whole quarters, from the quarter's sales (gross) and
// batches (direct cost as COGS): a positive profit is split 50 % premi, 15 % PNBP (deposited with
// a SIMPONI billing code and NTPN) and 35 % capital.
absl::StatusOr<std::string> SettlementsCsv(const std::vector<BatchRow>& batches,
                                           const std::vector<SaleRow>& sales,
                                           const Window& window) {
  struct Quarter {
    int64_t gross = 0;
    int64_t cogs = 0;
  };
  std::map<std::pair<std::string, int>, Quarter> quarters;  // (product, index from the start)
  const int whole = static_cast<int>((window.last_month - window.first_month + 1) / 3);
  auto index_of = [&](absl::CivilDay day) {
    return static_cast<int>((absl::CivilMonth(day) - window.first_month) / 3);
  };
  for (const SaleRow& s : sales) {
    if (const int q = index_of(s.date); q >= 0 && q < whole)
      quarters[{s.product_id, q}].gross += s.revenue;
  }
  for (const BatchRow& b : batches) {
    if (const int q = index_of(b.start); q >= 0 && q < whole)
      quarters[{b.product_id, q}].cogs += b.direct_cost;
  }
  KindCsv csv("settlements");
  for (const auto& [key, q] : quarters) {
    const absl::CivilMonth start = window.first_month + 3 * key.second;
    const absl::CivilMonth end = start + 2;
    const int64_t net = q.gross - q.cogs;
    const int64_t premi = net > 0 ? net / 2 : 0;
    const int64_t pnbp = net > 0 ? net * 15 / 100 : 0;
    const int64_t capital = net > 0 ? net - premi - pnbp : 0;
    const uint64_t h = StableHash(absl::StrCat(key.first, "/settlement/", key.second));
    const std::string billing = pnbp > 0 ? absl::StrFormat("8%014d", h % 100000000000000ULL) : "";
    const std::string ntpn = pnbp > 0 ? absl::AsciiStrToUpper(absl::StrFormat("%016x", h)) : "";
    csv.Add(
        {{"settlement_id", absl::StrFormat("%s-STL-%04d%02d", key.first,
                                           static_cast<int>(start.year()), start.month())},
         {"product_id", key.first},
         {"period_start",
          absl::StrFormat("%04d-%02d", static_cast<int>(start.year()), start.month())},
         {"period_end", absl::StrFormat("%04d-%02d", static_cast<int>(end.year()), end.month())},
         {"gross_sales_idr", absl::StrCat(q.gross)},
         {"cogs_idr", absl::StrCat(q.cogs)},
         {"net_profit_idr", absl::StrCat(net)},
         {"premi_total_idr", absl::StrCat(premi)},
         {"pnbp_deposited_idr", absl::StrCat(pnbp)},
         {"billing_code", billing},
         {"ntpn", ntpn},
         {"capital_retained_idr", absl::StrCat(capital)}});
  }
  return csv.Take();
}

// Customer returns: about one sale in 60 comes partly back (a tenth of it, at least one unit),
// a few days later (at the latest on the window's last day), for a defect or transit damage.
absl::StatusOr<std::string> ReturnsCsv(const std::vector<SaleRow>& sales, const Window& window) {
  KindCsv csv("returns");
  int n = 0;
  for (const SaleRow& s : sales) {
    const uint64_t h = StableHash(absl::StrCat(s.id, "/return"));
    if (h % 60 != 0) continue;
    const int64_t qty = std::max<int64_t>(10, s.qty / 10);  // tenths
    csv.Add({{"return_id", absl::StrFormat("%s-RET-%04d", s.product_id, ++n)},
             {"product_id", s.product_id},
             {"sku_code", s.sku_code},
             {"return_date", FormatDay(std::min(s.date + 3, window.last))},
             {"qty", FormatTenths(std::min(qty, s.qty))},
             {"unit", s.unit},
             {"reason", h % 120 == 0 ? "DAMAGED_IN_TRANSIT" : "DEFECT"},
             {"sale_id", s.id}});
  }
  return csv.Take();
}

absl::StatusOr<std::string> SalesCsv(const std::vector<SaleRow>& sales) {
  KindCsv csv("sales");
  for (const SaleRow& s : sales) {
    csv.Add({{"sale_id", s.id},
             {"product_id", s.product_id},
             {"sku_code", s.sku_code},
             {"sale_date", FormatDay(s.date)},
             {"qty", FormatTenths(s.qty)},
             {"unit", s.unit},
             {"unit_price_idr", absl::StrCat(s.unit_price)},
             {"revenue_idr", absl::StrCat(s.revenue)},
             {"channel", s.channel},
             {"buyer_type", s.buyer_type},
             {"buyer_region", s.region},
             {"buyer_regency_code", s.regency},
             {"invoice_no", s.invoice},
             {"payment_method", s.payment}});
  }
  return csv.Take();
}

absl::StatusOr<std::string> CertificationsCsv(const UptSpec& upt, const RegistryUpt& reg,
                                              const Window& window) {
  KindCsv csv("certifications");
  for (const CertSpec& c : upt.certs) {
    const absl::CivilDay issued = window.last - c.issued_days_before_end;
    std::string number = c.number_base;
    const std::string type = c.type;
    if (type == "SPP_IRT") {  // digits 14-15: the year the P-IRT expires
      number = absl::StrFormat("%s-%02d", c.number_base,
                               static_cast<int>((issued.year() + c.valid_years) % 100));
    } else if (type == "HALAL") {  // "ID" + digits ending in the issue month and year
      number = absl::StrFormat("ID%s%02d%02d", c.number_base, issued.month(),
                               static_cast<int>(issued.year() % 100));
    }
    std::string valid_until;
    if (c.valid_years > 0) {
      // Same calendar day `valid_years` later, minus one day (29 Feb normalises to 1 Mar).
      const absl::CivilDay same_day(issued.year() + c.valid_years, issued.month(), issued.day());
      valid_until = FormatDay(same_day - 1);
    }
    csv.Add({{"certification_id", absl::StrCat(upt.upt_code, "-", c.id_suffix)},
             {"product_id", absl::StrCat(upt.upt_code, "-", c.product_suffix)},
             {"type", c.type},
             {"number", number},
             {"issuer", c.issuer},
             {"holder", !c.holder.empty() ? c.holder : reg.official_name},
             {"issued_date", FormatDay(issued)},
             {"valid_until", valid_until},
             {"scope_skus", c.scope_skus}});
  }
  return csv.Take();
}

absl::StatusOr<std::string> TrainingsCsv(const UptSpec& upt, const Window& window, int months,
                                         uint64_t seed) {
  struct Row {
    absl::CivilDay start;
    absl::CivilDay end;
    const TrainingSpec* spec;
    int participants, completed, certificates;
  };
  std::vector<Row> rows;
  if (!upt.trainings.empty()) {
    SplitMix64 rng(seed + StableHash(absl::StrCat(upt.upt_code, "/trainings")));
    const int64_t per_year = rng.Uniform(1, 3);
    const int64_t count = std::max<int64_t>(1, (per_year * months + 6) / 12);
    const int64_t offset = rng.Uniform(0, static_cast<int64_t>(upt.trainings.size()) - 1);
    for (int64_t i = 0; i < count; ++i) {
      const TrainingSpec& t = upt.trainings[static_cast<size_t>(
          (offset + i) % static_cast<int64_t>(upt.trainings.size()))];
      const int64_t days = rng.Uniform(t.days_min, t.days_max);
      const absl::CivilDay start =
          window.first + rng.Uniform(0, std::max<int64_t>(0, window.days() - days));
      Row row{start, std::min(window.last, start + (days - 1)), &t, 0, 0, 0};
      row.participants = static_cast<int>(rng.Uniform(t.participants_min, t.participants_max));
      row.completed = row.participants - static_cast<int>(rng.Uniform(0, row.participants / 5));
      const std::string scheme = t.scheme;
      if (scheme == "BNSP_COMPETENCY") {
        row.certificates = row.completed - static_cast<int>(rng.Uniform(0, row.completed / 4));
      } else if (scheme == "ATTENDANCE") {
        row.certificates = row.completed;
      }
      rows.push_back(row);
    }
    std::stable_sort(rows.begin(), rows.end(),
                     [](const Row& a, const Row& b) { return a.start < b.start; });
  }
  KindCsv csv("trainings");
  std::map<std::string, int> seq;
  for (const Row& r : rows) {
    const std::string prefix = absl::StrCat(upt.upt_code, "-TRN-", Yymmdd(r.start));
    const std::string product = !r.spec->product_suffix.empty()
                                    ? absl::StrCat(upt.upt_code, "-", r.spec->product_suffix)
                                    : std::string();
    csv.Add({{"training_id", absl::StrFormat("%s-%02d", prefix, ++seq[prefix])},
             {"product_id", product},
             {"program_name", r.spec->program},
             {"provider", r.spec->provider},
             {"start_date", FormatDay(r.start)},
             {"end_date", FormatDay(r.end)},
             {"participants_count", absl::StrCat(r.participants)},
             {"completed_count", absl::StrCat(r.completed)},
             {"certificates_count", absl::StrCat(r.certificates)},
             {"certificate_scheme", r.spec->scheme}});
  }
  return csv.Take();
}

}  // namespace

const std::vector<RegistryUpt>& SumselRegistry() {
  static const auto* const kRegistry = new std::vector<RegistryUpt>{
      {"SMS-LP-PALEMBANG", "Lapas Kelas I Palembang", "LAPAS", "", "I", "16.71", false},
      {"SMS-LPN-PALEMBANG", "Lapas Narkotika Kelas IIA Palembang", "LAPAS", "narkotika", "IIA",
       "16.07", true},
      {"SMS-LPP-PALEMBANG", "Lapas Perempuan Kelas IIA Palembang", "LAPAS", "perempuan", "IIA",
       "16.71", false},
      {"SMS-LPKA-PALEMBANG", "LPKA Kelas I Palembang", "LPKA", "", "I", "16.71", false},
      {"SMS-RT-PALEMBANG", "Rutan Kelas I Palembang", "RUTAN", "", "I", "16.71", false},
      {"SMS-LP-BANYUASIN", "Lapas Kelas IIA Banyuasin", "LAPAS", "", "IIA", "16.07", false},
      {"SMS-LP-TANJUNGRAJA", "Lapas Kelas IIA Tanjung Raja", "LAPAS", "", "IIA", "16.10", false},
      {"SMS-LP-LAHAT", "Lapas Kelas IIA Lahat", "LAPAS", "", "IIA", "16.04", false},
      {"SMS-LP-LUBUKLINGGAU", "Lapas Kelas IIA Lubuklinggau", "LAPAS", "", "IIA", "16.74", false},
      {"SMS-LPN-MUARABELITI", "Lapas Narkotika Kelas IIA Muara Beliti", "LAPAS", "narkotika", "IIA",
       "16.05", false},
      {"SMS-LP-SEKAYU", "Lapas Kelas IIB Sekayu", "LAPAS", "", "IIB", "16.06", false},
      {"SMS-LP-MUARAENIM", "Lapas Kelas IIB Muara Enim", "LAPAS", "", "IIB", "16.03", false},
      {"SMS-LP-BATURAJA", "Lapas Kelas IIB Baturaja", "LAPAS", "", "IIB", "16.01", true},
      {"SMS-RT-PRABUMULIH", "Rutan Kelas IIB Prabumulih", "RUTAN", "", "IIB", "16.72", false},
      {"SMS-LP-SURULANGUN", "Lapas Kelas III Surulangun Rawas", "LAPAS", "", "III", "16.13", false},
      {"SMS-LP-PAGARALAM", "Lapas Kelas III Pagar Alam", "LAPAS", "", "III", "16.73", false},
      {"SMS-LP-KAYUAGUNG", "Lapas Kelas III Kayuagung", "LAPAS", "", "III", "16.02", true},
      {"SMS-LP-MARTAPURA", "Lapas Kelas IIB Martapura", "LAPAS", "", "IIB", "16.09", false},
      {"SMS-RT-MUARADUA", "Rutan Kelas IIB Muaradua", "RUTAN", "", "IIB", "16.08", false},
      {"SMS-LPN-BANYUASIN", "Lapas Narkotika Kelas IIB Banyuasin", "LAPAS", "narkotika", "IIB",
       "16.07", true},
      {"SMS-BAPAS-PALEMBANG", "Bapas Kelas I Palembang", "BAPAS", "", "I", "16.71", false},
  };
  return *kRegistry;
}

absl::StatusOr<std::vector<std::string>> WriteSumselFixture(const std::string& out_dir,
                                                            const FixtureOptions& options) {
  UNGGUL_ASSIGN_OR_RETURN(const Window window, MakeWindow(options));
  const absl::StatusOr<std::vector<UptSpec>>& specs = FixtureSpecs();
  if (!specs.ok()) {
    return absl::InternalError(
        absl::StrCat("embedded fixture spec (sumsel.json): ", specs.status().message()));
  }
  const std::filesystem::path root(out_dir);
  UNGGUL_RETURN_IF_ERROR(MakeDirs(root));
  UNGGUL_RETURN_IF_ERROR(WriteFile(root / "registry.csv", RegistryCsv()));

  std::vector<std::string> written;
  for (const UptSpec& upt : *specs) {
    const RegistryUpt* reg = FindUpt(upt.upt_code);
    if (reg == nullptr) {
      return absl::InternalError(absl::StrCat("fixture UPT ", upt.upt_code, " not in registry"));
    }
    const uint64_t seed = options.seed + StableHash(upt.upt_code);
    std::map<std::string, int> code_seq;
    std::vector<BatchRow> batches;
    for (const ProductSpec& p : upt.products) {
      std::vector<BatchRow> product_batches = GenerateBatches(upt, p, window, seed, code_seq);
      for (BatchRow& b : product_batches) batches.push_back(std::move(b));
    }
    const std::vector<SaleRow> sales = GenerateSales(upt, *reg, batches, window, seed);
    std::stable_sort(batches.begin(), batches.end(), [](const BatchRow& a, const BatchRow& b) {
      if (a.start != b.start) return a.start < b.start;
      return a.code < b.code;
    });

    const std::filesystem::path dir = root / upt.upt_code;
    UNGGUL_RETURN_IF_ERROR(MakeDirs(dir));
    const std::pair<const char*, absl::StatusOr<std::string>> files[] = {
        {"products", ProductsCsv(upt, window)},
        {"batches", BatchesCsv(batches)},
        {"sales", SalesCsv(sales)},
        {"labour", LabourCsv(batches)},
        {"settlements", SettlementsCsv(batches, sales, window)},
        {"returns", ReturnsCsv(sales, window)},
        {"certifications", CertificationsCsv(upt, *reg, window)},
        {"trainings", TrainingsCsv(upt, window, options.months, seed)},
    };
    for (const auto& [plural, text] : files) {
      if (!text.ok()) return text.status();
      UNGGUL_RETURN_IF_ERROR(WriteFile(dir / absl::StrCat(plural, ".csv"), *text));
    }
    written.push_back(upt.upt_code);
  }
  return written;
}

}  // namespace unggul::cli

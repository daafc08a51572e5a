#include "services/aggregator/ranking/engine.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <set>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "common/status/status_macros.h"
#include "common/time/month.h"
#include "google/protobuf/arena.h"
#include "services/aggregator/ranking/model.h"

namespace unggul::aggregator {
namespace {

namespace k1 = ::unggul::kanwil::v1;
namespace n1 = ::unggul::node::v1;

// ----- Months and dates ------------------------------------------------------------------------

// Month index (year * 12 + month - 1) of "YYYY-MM" (or a "YYYY-MM-DD" date); nullopt if
// malformed. Months are common/time's Month; the engine computes on their indices.
std::optional<int> MonthIndex(const std::string& text) {
  const std::optional<Month> month = Month::Of(text);
  if (!month) return std::nullopt;
  return month->index();
}

std::string MonthText(int index) { return Month::FromIndex(index).ToString(); }

int DaysInMonth(int index) { return Month::FromIndex(index).days(); }

struct PeriodInfo {
  int first = 0;  // month index
  int last = 0;   // month index, inclusive
  int months = 0;
  std::string start_date;  // "YYYY-MM-01"
  std::string end_date;    // last day of the last month
  bool Contains(int index) const { return index >= first && index <= last; }
};

absl::StatusOr<PeriodInfo> ParsePeriod(const k1::ScoringPeriod& period) {
  std::optional<int> first = MonthIndex(period.start_month());
  std::optional<int> last = MonthIndex(period.end_month());
  if (!first || period.start_month().size() != 7) {
    return absl::InvalidArgumentError("period start_month '" + period.start_month() +
                                      "' is not YYYY-MM");
  }
  if (!last || period.end_month().size() != 7) {
    return absl::InvalidArgumentError("period end_month '" + period.end_month() +
                                      "' is not YYYY-MM");
  }
  if (*first > *last) {
    return absl::InvalidArgumentError("period starts " + period.start_month() + " after it ends " +
                                      period.end_month());
  }
  PeriodInfo p;
  p.first = *first;
  p.last = *last;
  p.months = *last - *first + 1;
  p.start_date = MonthText(*first) + "-01";
  p.end_date = absl::StrFormat("%s-%02d", MonthText(*last), DaysInMonth(*last));
  return p;
}

// ----- Facts: what the inputs say about one product in the period ------------------------------

struct Facts {
  double person_days = 0;
  int64_t batches = 0;
  double qty_produced = 0;
  double qty_rejected = 0;
  int64_t direct_cost_idr = 0;
  int64_t input_cost_idr = 0;
  int64_t local_input_cost_idr = 0;
  int64_t sales = 0;
  int64_t revenue_idr = 0;
  std::map<int, int64_t> revenue_by_channel;  // by n1::Channel number
  std::map<int, int64_t> revenue_by_region;   // by n1::BuyerRegion number
  std::map<int, double> qty_by_active_month;  // months with activity -> output
  // Monthly reports.
  int reports = 0;
  int small_cell_reports = 0;
  int64_t person_months = 0;
  int verified_reports = 0;
  int required_months = 0;
  // Launch.
  bool launched_in_period = false;
  bool launched_after_period = false;
};

bool IsService(const n1::Product& product) { return product.category() == n1::CATEGORY_JASA; }

absl::StatusOr<Facts> GatherFacts(const ProductInput& in, const PeriodInfo& period) {
  Facts f;
  const bool service = IsService(in.product);
  for (const k1::MonthlyRollup& r : in.rollups) {
    std::optional<int> month = MonthIndex(r.month());
    if (!month) {
      return absl::InvalidArgumentError(absl::StrCat(
          "product ", in.product.product_id(), ": rollup month '", r.month(), "' is not YYYY-MM"));
    }
    if (!period.Contains(*month)) continue;
    f.person_days += r.inmate_person_days();
    f.batches += r.batches();
    f.qty_produced += r.qty_produced();
    f.qty_rejected += r.qty_rejected();
    f.direct_cost_idr += r.direct_cost_idr();
    f.input_cost_idr += r.input_cost_idr();
    f.local_input_cost_idr += r.local_input_cost_idr();
    f.sales += r.sales();
    f.revenue_idr += r.revenue_idr();
    for (const auto& [k, v] : r.revenue_by_channel_number()) f.revenue_by_channel[k] += v;
    for (const auto& [k, v] : r.revenue_by_region_number()) f.revenue_by_region[k] += v;
    // Services (JASA) have no batches: a month with sales is an active month.
    if (service ? r.sales() > 0 : r.batches() > 0) {
      f.qty_by_active_month[*month] += service ? r.sales_qty() : r.qty_produced();
    }
  }
  std::set<int> report_months;
  for (const MonthlyReport& rep : in.monthly_reports) {
    std::optional<int> month = MonthIndex(rep.month);
    if (!month || rep.month.size() != 7) {
      return absl::InvalidArgumentError(absl::StrCat("product ", in.product.product_id(),
                                                     ": monthly report month '", rep.month,
                                                     "' is not YYYY-MM"));
    }
    if (rep.distinct_inmates_engaged < 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("product ", in.product.product_id(), ": negative headcount in ", rep.month));
    }
    if (!report_months.insert(*month).second) {
      return absl::InvalidArgumentError(absl::StrCat("product ", in.product.product_id(),
                                                     ": duplicate monthly report ", rep.month));
    }
    if (!period.Contains(*month)) continue;
    ++f.reports;
    if (rep.small_cell) ++f.small_cell_reports;
    f.person_months += rep.distinct_inmates_engaged;
    if (rep.verified) ++f.verified_reports;
  }
  int first_required = period.first;
  if (std::optional<int> launch = MonthIndex(in.product.launch_date())) {
    // Launched in (or after) the period: a new product for growth (B4).
    if (in.product.launch_date() >= period.start_date) f.launched_in_period = true;
    if (*launch > period.last) f.launched_after_period = true;
    first_required = std::max(first_required, *launch);
  }
  f.required_months = std::max(0, period.last - first_required + 1);
  return f;
}

// Valid at `date`: issued on or before it and not expired before it.
bool ValidAt(const n1::Certification& c, const std::string& date) {
  return !c.issued_date().empty() && c.issued_date() <= date &&
         (c.valid_until().empty() || c.valid_until() >= date);
}

// A MEREK is registered when its number is a registration number ("IDM…"); otherwise filed.
bool IsRegisteredMerek(const n1::Certification& c) {
  return absl::StartsWithIgnoreCase(c.number(), "IDM");
}

std::string TypeName(n1::CertificationType t) {
  return n1::CertificationType_Name(t).substr(sizeof("CERTIFICATION_TYPE_") - 1);
}

std::string CategoryName(n1::Category c) {
  return n1::Category_Name(c).substr(sizeof("CATEGORY_") - 1);
}

// Whether a food product is packaged: any SKU with a packaging other than NONE, or no SKU
// packaging known at all (conservative).
bool IsPackaged(const n1::Product& product) {
  bool any_known = false;
  for (const n1::Sku& sku : product.skus()) {
    if (sku.packaging_type() == n1::PACKAGING_TYPE_UNSPECIFIED) continue;
    any_known = true;
    if (sku.packaging_type() != n1::PACKAGING_TYPE_NONE) return true;
  }
  return !any_known;
}

std::string Points(double v) { return absl::StrFormat("%.6g", v); }

// ----- Gates -----------------------------------------------------------------------------------

k1::GateResult EvaluateGate(const k1::Gate& gate, const ProductInput& in, const Facts& f,
                            const PeriodInfo& period) {
  k1::GateResult r;
  r.set_gate(gate.code());
  r.set_name(gate.name());
  auto done = [&](bool passed, std::string reason) {
    r.set_passed(passed);
    r.set_reason(std::move(reason));
    return r;
  };
  switch (gate.kind()) {
    case k1::GATE_KIND_PRODUCER: {
      bool allowed = false;
      for (const std::string& t : gate.allowed_upt_types()) {
        if (!in.upt_type.empty() && absl::EqualsIgnoreCase(t, in.upt_type)) allowed = true;
      }
      if (!allowed) {
        return done(false, absl::StrCat("UPT type '", in.upt_type, "' is not one of ",
                                        absl::StrJoin(gate.allowed_upt_types(), ", ")));
      }
      if (!in.upt_active) return done(false, "UPT is not active");
      if (!(f.person_days > 0)) return done(false, "no inmate person-days in the period");
      return done(true, absl::StrCat(in.upt_type, ", active, ", Points(f.person_days),
                                     " inmate person-days"));
    }
    case k1::GATE_KIND_CONTINUITY: {
      for (int c : gate.harvest_categories()) {
        if (c == in.product.category()) {
          const bool ok = f.batches >= gate.min_harvests();
          return done(ok, absl::StrCat(f.batches, " harvest(s) in the period (",
                                       gate.min_harvests(), " needed)"));
        }
      }
      const int active = static_cast<int>(f.qty_by_active_month.size());
      return done(
          active >= gate.min_active_months(),
          absl::StrCat(active, " month(s) with ", IsService(in.product) ? "sales" : "a batch", " (",
                       gate.min_active_months(), " needed)"));
    }
    case k1::GATE_KIND_LEGAL_MINIMUM: {
      bool applies = false;
      for (int c : gate.legal_categories()) applies = applies || c == in.product.category();
      if (!applies || !IsPackaged(in.product)) {
        return done(true, absl::StrCat("not required: ", applies ? "unpackaged " : "",
                                       CategoryName(in.product.category())));
      }
      const auto& accepted = in.spp_irt_excluded ? gate.accepted_when_spp_irt_excluded()
                                                 : gate.accepted_certifications();
      std::vector<std::string> names;
      for (int t : accepted) names.push_back(TypeName(static_cast<n1::CertificationType>(t)));
      for (const n1::Certification& c : in.certifications) {
        if (std::find(accepted.begin(), accepted.end(), c.type()) == accepted.end()) continue;
        if (!ValidAt(c, period.end_date)) continue;
        return done(true,
                    absl::StrCat(TypeName(c.type()), " ", c.number(), " valid on ", period.end_date,
                                 c.valid_until().empty() ? std::string()
                                                         : " (until " + c.valid_until() + ")"));
      }
      return done(false, absl::StrCat("no ", absl::StrJoin(names, " or "), " certificate valid on ",
                                      period.end_date,
                                      in.spp_irt_excluded ? " (SPP-IRT excluded product)" : ""));
    }
    case k1::GATE_KIND_MARKET:
      return done(f.sales >= gate.min_external_sales(),
                  absl::StrCat(f.sales, " external sale(s) in the period (",
                               gate.min_external_sales(), " needed)"));
    case k1::GATE_KIND_DATA_QUALITY: {
      if (f.launched_after_period || f.required_months == 0) {
        return done(false, "product launched after the period");
      }
      const double fraction = static_cast<double>(f.verified_reports) / f.required_months;
      return done(fraction + kScoreEpsilon >= gate.min_verified_fraction(),
                  absl::StrFormat("%d of %d required monthly reports verified (%.0f%%, %.0f%% "
                                  "needed)",
                                  f.verified_reports, f.required_months, 100 * fraction,
                                  100 * gate.min_verified_fraction()));
    }
    case k1::GATE_KIND_INTEGRITY: {
      if (in.open_incidents.empty()) return done(true, "no open incident");
      std::vector<std::string> open;
      for (const Incident& i : in.open_incidents) {
        const char* kind = i.kind == Incident::Kind::kFoodSafety ? "food-safety incident"
                           : i.kind == Incident::Kind::kRecall   ? "recall"
                                                                 : "audit finding";
        open.push_back(absl::StrCat(kind, " ", i.ref));
      }
      return done(false, "open: " + absl::StrJoin(open, ", "));
    }
    default:
      return done(false, "unknown gate kind");
  }
}

// ----- Raw values ------------------------------------------------------------------------------

struct Raw {
  double value = 0;
  bool missing = false;
  std::string note;
  std::vector<std::pair<std::string, double>> inputs;
  std::optional<double> fixed_n;   // B4 new product
  double points_max = 0;           // POINTS_TABLE
  std::optional<double> adjusted;  // fairness option: value / population
  std::vector<k1::PanelScoreUsed> panel;
};

Raw Missing(std::string note) {
  Raw r;
  r.missing = true;
  r.note = std::move(note);
  return r;
}

const char* kReachNames[] = {"none", "same regency", "same province", "outside the province"};

int ReachOf(int region) {
  switch (region) {
    case n1::BUYER_REGION_SAME_REGENCY:
      return 1;
    case n1::BUYER_REGION_SAME_PROVINCE:
      return 2;
    case n1::BUYER_REGION_OUT_OF_PROVINCE:
    case n1::BUYER_REGION_ABROAD:
      return 3;
    default:
      return 0;
  }
}

// "MARKETPLACE" for CHANNEL_MARKETPLACE; the number for a value this build does not know.
std::string ChannelName(int channel) {
  const google::protobuf::EnumValueDescriptor* v =
      n1::Channel_descriptor()->FindValueByNumber(channel);
  return v == nullptr ? absl::StrCat(channel) : v->name().substr(sizeof("CHANNEL_") - 1);
}

// One function per measure: the raw value of an indicator with its inputs and notes.

Raw RawPersonMonths(const k1::Indicator& /*ind*/, const ProductInput& in, const Facts& f,
                    const PeriodInfo& /*period*/) {
  if (f.reports == 0) return Missing("no monthly labour report in the period");
  Raw r;
  r.value = static_cast<double>(f.person_months);
  r.inputs = {{"months_reported", f.reports}, {"small_cell_months", f.small_cell_reports}};
  if (f.small_cell_reports > 0) {
    r.note = absl::StrCat(f.small_cell_reports, " month(s) bucketed 1-2, counted as 1");
  }
  if (in.avg_inmate_population && *in.avg_inmate_population > 0) {
    r.adjusted = r.value / *in.avg_inmate_population;
  }
  return r;
}

Raw RawTraining(const k1::Indicator& /*ind*/, const ProductInput& in, const Facts& /*f*/,
                const PeriodInfo& period) {
  Raw r;
  int64_t completed = 0;
  int64_t competency = 0;
  int64_t other_certificates = 0;
  int counted = 0;
  for (const n1::Training& t : in.trainings) {
    const std::string& date = t.end_date().empty() ? t.start_date() : t.end_date();
    std::optional<int> month = MonthIndex(date);
    if (!month || !period.Contains(*month)) continue;
    ++counted;
    completed += t.completed_count();
    if (t.certificate_scheme() == n1::CERTIFICATE_SCHEME_BNSP_COMPETENCY) {
      competency += t.certificates_count();
    } else {
      other_certificates += t.certificates_count();
    }
  }
  r.value = static_cast<double>(completed + 2 * competency);
  r.inputs = {{"trainings", counted},
              {"completed", static_cast<double>(completed)},
              {"competency_certificates", static_cast<double>(competency)}};
  if (other_certificates > 0) {
    r.note = absl::StrCat(other_certificates,
                          " attendance/other certificate(s) not counted as competency");
  }
  return r;
}

Raw RawPremiPerPersonMonth(const k1::Indicator& /*ind*/, const ProductInput& in, const Facts& f,
                           const PeriodInfo& /*period*/) {
  if (!in.premi_total_idr) return Missing("premi total not reported (settlement)");
  if (f.reports == 0) return Missing("no monthly labour report: person-months unknown");
  if (f.person_months <= 0) return Missing("0 person-months reported");
  Raw r;
  r.value = static_cast<double>(*in.premi_total_idr) / static_cast<double>(f.person_months);
  r.inputs = {{"premi_total_idr", static_cast<double>(*in.premi_total_idr)},
              {"person_months", static_cast<double>(f.person_months)}};
  return r;
}

Raw RawGrossSales(const k1::Indicator& /*ind*/, const ProductInput& /*in*/, const Facts& f,
                  const PeriodInfo& /*period*/) {
  Raw r;
  r.value = static_cast<double>(f.revenue_idr);
  r.inputs = {{"sales", static_cast<double>(f.sales)}};
  return r;
}

Raw RawPnbp(const k1::Indicator& /*ind*/, const ProductInput& in, const Facts& /*f*/,
            const PeriodInfo& /*period*/) {
  if (!in.pnbp_deposited_idr) return Missing("PNBP deposited not reported (settlement)");
  Raw r;
  r.value = static_cast<double>(*in.pnbp_deposited_idr);
  return r;
}

Raw RawMarketReach(const k1::Indicator& ind, const ProductInput& /*in*/, const Facts& f,
                   const PeriodInfo& /*period*/) {
  const k1::Normalisation& norm = ind.normalisation();
  const k1::MarketReachFormula& p = norm.market_reach();
  std::set<std::string> channels;  // by name: the note lists them alphabetically
  for (const auto& [channel, revenue] : f.revenue_by_channel) {
    if (revenue > 0 && channel != n1::CHANNEL_UNSPECIFIED) channels.insert(ChannelName(channel));
  }
  int reach = 0;
  for (const auto& [region, revenue] : f.revenue_by_region) {
    if (revenue > 0) reach = std::max(reach, ReachOf(region));
  }
  const double ch = static_cast<double>(channels.size());
  Raw r;
  r.value = p.channel_weight() * std::min(ch / p.channel_cap(), 1.0) +
            p.reach_weight() * std::min(reach / p.reach_max(), 1.0);
  r.inputs = {{"channels", ch}, {"reach", static_cast<double>(reach)}};
  r.note = absl::StrCat(channels.size(), " channel(s)",
                        channels.empty() ? "" : " (" + absl::StrJoin(channels, ", ") + ")",
                        "; furthest buyer: ", kReachNames[reach]);
  return r;
}

Raw RawSalesGrowth(const k1::Indicator& ind, const ProductInput& in, const Facts& f,
                   const PeriodInfo& /*period*/) {
  const k1::Normalisation& norm = ind.normalisation();
  const double new_value =
      norm.has_fixed_anchors() ? norm.fixed_anchors().new_product_value() : 0.5;
  Raw r;
  r.inputs = {{"sales_idr", static_cast<double>(f.revenue_idr)}};
  if (f.launched_in_period) {
    r.fixed_n = new_value;
    r.note = "new product (launched " + in.product.launch_date() + ")";
    return r;
  }
  if (!in.previous_period_revenue_idr) {
    return Missing("previous period revenue unknown");
  }
  const double prev = static_cast<double>(*in.previous_period_revenue_idr);
  r.inputs.push_back({"previous_sales_idr", prev});
  if (prev <= 0) {
    r.fixed_n = new_value;
    r.note = "new product (no sales in the previous period)";
    return r;
  }
  r.value = (static_cast<double>(f.revenue_idr) - prev) / prev;
  return r;
}

Raw RawGrossMargin(const k1::Indicator& /*ind*/, const ProductInput& in, const Facts& f,
                   const PeriodInfo& /*period*/) {
  if (f.revenue_idr <= 0) return Missing("no sales revenue in the period");
  Raw r;
  double cogs = 0;
  if (in.cogs_idr) {
    cogs = static_cast<double>(*in.cogs_idr);
  } else if (f.direct_cost_idr > 0) {
    cogs = static_cast<double>(f.direct_cost_idr);
    r.note = "COGS approximated by the batches' direct costs (no settlement)";
  } else {
    return Missing("COGS not reported and no batch direct costs");
  }
  const double sales = static_cast<double>(f.revenue_idr);
  r.value = (sales - cogs) / sales;
  r.inputs = {{"sales_idr", sales}, {"cogs_idr", cogs}};
  return r;
}

Raw RawLegality(const k1::Indicator& ind, const ProductInput& in, const Facts& /*f*/,
                const PeriodInfo& period) {
  const k1::Normalisation& norm = ind.normalisation();
  const k1::PointsTable* table = nullptr;
  for (const k1::PointsTable& t : norm.points().tables()) {
    for (int c : t.categories()) {
      if (c == in.product.category() && table == nullptr) table = &t;
    }
  }
  if (table == nullptr) {
    for (const k1::PointsTable& t : norm.points().tables()) {
      if (t.categories().empty()) table = &t;
    }
  }
  Raw r;
  std::vector<std::string> earned;
  for (const k1::PointsItem& item : table->items()) {
    r.points_max += item.points();
    double best = 0;
    std::string how;
    for (const n1::Certification& c : in.certifications) {
      if (std::find(item.any_of().begin(), item.any_of().end(), c.type()) == item.any_of().end() ||
          !ValidAt(c, period.end_date)) {
        continue;
      }
      double pts = item.points();
      std::string what = TypeName(c.type());
      if (c.type() == n1::CERTIFICATION_TYPE_MEREK && !IsRegisteredMerek(c)) {
        pts = item.filed_points();
        what = "MEREK filed";
      }
      if (pts > best) {
        best = pts;
        how = what;
      }
    }
    r.value += best;
    r.inputs.push_back({item.label(), best});
    if (best > 0) earned.push_back(absl::StrCat(how, " ", Points(best)));
  }
  r.note =
      absl::StrCat(table->name(), ": ", earned.empty() ? "nothing" : absl::StrJoin(earned, " + "),
                   " of ", Points(r.points_max), " points valid on ", period.end_date);
  return r;
}

Raw RawQcPassRate(const k1::Indicator& /*ind*/, const ProductInput& in, const Facts& f,
                  const PeriodInfo& /*period*/) {
  if (!(f.qty_produced > 0)) return Missing("nothing produced in the period");
  Raw r;
  const double returns = in.customer_returns_qty.value_or(0);
  r.value = 1 - (f.qty_rejected + returns) / f.qty_produced;
  r.inputs = {{"qty_produced", f.qty_produced},
              {"qty_rejected", f.qty_rejected},
              {"customer_returns_qty", returns}};
  if (!in.customer_returns_qty) r.note = "no customer returns recorded in the period";
  return r;
}

Raw RawPanel(const k1::Indicator& ind, const ProductInput& in, const Facts& /*f*/,
             const PeriodInfo& /*period*/) {
  const k1::Normalisation& norm = ind.normalisation();
  Raw r;
  std::vector<double> used;
  auto it = in.panel.find(ind.code());
  if (it != in.panel.end()) {
    for (const PanelScore& s : it->second) {
      k1::PanelScoreUsed u;
      u.set_assessor_id(s.assessor_id);
      u.set_score(s.score);
      u.set_external(s.external);
      u.set_conflict_of_interest(s.conflict_of_interest);
      r.panel.push_back(std::move(u));
      if (!s.conflict_of_interest) used.push_back(s.score);
    }
  }
  const int excluded = static_cast<int>(r.panel.size() - used.size());
  const std::string excluded_note =
      excluded > 0 ? absl::StrCat("; ", excluded, " conflicted score(s) excluded") : "";
  const int needed = norm.rubric().min_assessors();
  if (static_cast<int>(used.size()) < needed) {
    r.missing = true;
    r.note =
        absl::StrCat(used.size(), " usable assessor score(s), ", needed, " needed", excluded_note);
    return r;
  }
  std::sort(used.begin(), used.end());
  const size_t n = used.size();
  r.value = n % 2 == 1 ? used[n / 2] : (used[n / 2 - 1] + used[n / 2]) / 2;
  r.inputs = {{"assessors", static_cast<double>(n)}};
  r.note = absl::StrCat("median of ", n, " assessor scores", excluded_note);
  return r;
}

Raw RawLocalInputShare(const k1::Indicator& /*ind*/, const ProductInput& /*in*/, const Facts& f,
                       const PeriodInfo& /*period*/) {
  if (f.input_cost_idr <= 0) return Missing("no input costs recorded in the period");
  Raw r;
  r.value = static_cast<double>(f.local_input_cost_idr) / static_cast<double>(f.input_cost_idr);
  r.inputs = {{"local_input_cost_idr", static_cast<double>(f.local_input_cost_idr)},
              {"input_cost_idr", static_cast<double>(f.input_cost_idr)}};
  return r;
}

Raw RawContinuity(const k1::Indicator& ind, const ProductInput& /*in*/, const Facts& f,
                  const PeriodInfo& period) {
  const k1::Normalisation& norm = ind.normalisation();
  const k1::ContinuityFormula& p = norm.continuity();
  const int active = static_cast<int>(f.qty_by_active_month.size());
  double cv = 0;
  if (active > 0) {
    double mean = 0;
    for (const auto& [m, q] : f.qty_by_active_month) mean += q;
    mean /= active;
    double var = 0;
    for (const auto& [m, q] : f.qty_by_active_month) var += (q - mean) * (q - mean);
    var /= active;
    cv = mean > 0 ? std::sqrt(var) / mean : p.cv_cap();
  }
  Raw r;
  if (active == 0) {
    r.value = 0;
    r.note = "no active month";
  } else {
    r.value = p.active_weight() * std::min(1.0, static_cast<double>(active) / period.months) +
              p.stability_weight() * (1 - std::min(cv, p.cv_cap()) / p.cv_cap());
    r.note = absl::StrFormat("%d of %d months active, CV of monthly output %.3f", active,
                             period.months, cv);
  }
  r.inputs = {{"active_months", static_cast<double>(active)},
              {"period_months", static_cast<double>(period.months)},
              {"cv", cv}};
  return r;
}

using RawFn = Raw (*)(const k1::Indicator&, const ProductInput&, const Facts&, const PeriodInfo&);

// Measure -> its raw-value function. A measure without an entry is "unknown" (the model
// validation refuses such a model before it gets here).
const absl::flat_hash_map<int, RawFn>& RawFunctions() {
  static const auto* table = new absl::flat_hash_map<int, RawFn>{
      {k1::MEASURE_PERSON_MONTHS, &RawPersonMonths},
      {k1::MEASURE_TRAINING, &RawTraining},
      {k1::MEASURE_PREMI_PER_PERSON_MONTH, &RawPremiPerPersonMonth},
      {k1::MEASURE_GROSS_SALES, &RawGrossSales},
      {k1::MEASURE_PNBP, &RawPnbp},
      {k1::MEASURE_MARKET_REACH, &RawMarketReach},
      {k1::MEASURE_SALES_GROWTH, &RawSalesGrowth},
      {k1::MEASURE_GROSS_MARGIN, &RawGrossMargin},
      {k1::MEASURE_LEGALITY, &RawLegality},
      {k1::MEASURE_QC_PASS_RATE, &RawQcPassRate},
      {k1::MEASURE_PANEL, &RawPanel},
      {k1::MEASURE_LOCAL_INPUT_SHARE, &RawLocalInputShare},
      {k1::MEASURE_CONTINUITY, &RawContinuity},
  };
  return *table;
}

Raw RawValue(const k1::Indicator& ind, const ProductInput& in, const Facts& f,
             const PeriodInfo& period) {
  const auto& table = RawFunctions();
  auto it = table.find(ind.measure());
  if (it == table.end()) return Missing("unknown measure");
  return it->second(ind, in, f, period);
}

double Clamp01(double v) { return std::clamp(v, 0.0, 1.0); }

// ----- Scoring under a weight vector -----------------------------------------------------------

struct Weighed {
  std::vector<double> pillar_score;  // model pillar order
  std::vector<double> pillar_max;
  double total = 0;
  std::vector<k1::FloorResult> floors;
  bool floors_passed = true;
};

struct ModelIndex {
  std::map<std::string, int> pillar;     // code -> index
  std::map<std::string, int> indicator;  // code -> index
  std::vector<int> pillar_of;            // indicator index -> pillar index
};

ModelIndex IndexModel(const k1::ScoringModel& model) {
  ModelIndex ix;
  for (int i = 0; i < model.pillars_size(); ++i) ix.pillar[model.pillars(i).code()] = i;
  for (int i = 0; i < model.indicators_size(); ++i) {
    ix.indicator[model.indicators(i).code()] = i;
    ix.pillar_of.push_back(ix.pillar.at(model.indicators(i).pillar()));
  }
  return ix;
}

Weighed Weigh(const k1::ScoringModel& model, const ModelIndex& ix,
              const std::vector<double>& weights, const std::vector<double>& n) {
  Weighed w;
  w.pillar_score.assign(model.pillars_size(), 0);
  w.pillar_max.assign(model.pillars_size(), 0);
  for (size_t i = 0; i < weights.size(); ++i) {
    w.pillar_score[ix.pillar_of[i]] += weights[i] * n[i];
    w.pillar_max[ix.pillar_of[i]] += weights[i];
  }
  for (size_t i = 0; i < weights.size(); ++i) w.total += weights[i] * n[i];
  k1::FloorResult total;
  total.set_floor("TOTAL");
  total.set_required(model.floors().min_total());
  total.set_actual(w.total);
  total.set_passed(w.total + kScoreEpsilon >= model.floors().min_total());
  w.floors.push_back(total);
  for (const k1::PillarFloor& pf : model.floors().pillars()) {
    const int p = ix.pillar.at(pf.pillar());
    k1::FloorResult fr;
    fr.set_floor(pf.pillar());
    fr.set_required(pf.min_fraction() * w.pillar_max[p]);
    fr.set_actual(w.pillar_score[p]);
    fr.set_passed(w.pillar_score[p] + kScoreEpsilon >= fr.required());
    w.floors.push_back(fr);
  }
  for (const k1::FloorResult& fr : w.floors) w.floors_passed = w.floors_passed && fr.passed();
  return w;
}

// ----- Ordering --------------------------------------------------------------------------------

struct Entry {
  int product = 0;  // index into the inputs
  const std::string* product_id = nullptr;
  const Weighed* weighed = nullptr;
  const std::vector<double>* n = nullptr;
  int64_t submitted = 0;
};

// Strict "a ranks before b": total, then the model's tie-breaks, then product_id.
bool RanksBefore(const k1::ScoringModel& model, const ModelIndex& ix, const Entry& a,
                 const Entry& b) {
  auto differ = [](double x, double y) { return std::abs(x - y) > kScoreEpsilon; };
  if (differ(a.weighed->total, b.weighed->total)) return a.weighed->total > b.weighed->total;
  for (const k1::TieBreak& t : model.tie_breaks()) {
    switch (t.kind()) {
      case k1::TIE_BREAK_KIND_PILLAR: {
        const int p = ix.pillar.at(t.code());
        const double x = a.weighed->pillar_score[p];
        const double y = b.weighed->pillar_score[p];
        if (differ(x, y)) return x > y;
        break;
      }
      case k1::TIE_BREAK_KIND_INDICATOR: {
        const int i = ix.indicator.at(t.code());
        const double x = (*a.n)[i];
        const double y = (*b.n)[i];
        if (differ(x, y)) return x > y;
        break;
      }
      case k1::TIE_BREAK_KIND_SUBMISSION_TIME: {
        const int64_t x = a.submitted > 0 ? a.submitted : std::numeric_limits<int64_t>::max();
        const int64_t y = b.submitted > 0 ? b.submitted : std::numeric_limits<int64_t>::max();
        if (x != y) return x < y;
        break;
      }
      default:
        break;
    }
  }
  return *a.product_id < *b.product_id;
}

std::vector<k1::CloseCall> CloseCalls(const k1::ScoringModel& model,
                                      const std::vector<Entry>& ranked) {
  std::vector<k1::CloseCall> calls;
  for (size_t i = 0; i + 1 < ranked.size(); ++i) {
    const double gap = ranked[i].weighed->total - ranked[i + 1].weighed->total;
    if (gap > model.selection().close_call_margin() + kScoreEpsilon) continue;
    k1::CloseCall c;
    c.set_higher_product_id(*ranked[i].product_id);
    c.set_higher_rank(static_cast<int>(i) + 1);
    c.set_lower_product_id(*ranked[i + 1].product_id);
    c.set_gap(gap);
    c.set_at_selection_boundary(static_cast<int>(i) + 1 == model.selection().kanwil_top_n());
    calls.push_back(std::move(c));
  }
  return calls;
}

std::string PercentileName(double p) {
  return p == 1 ? "max" : absl::StrCat("p", std::lround(p * 100));
}

absl::Status ValidateInputs(const k1::ScoringModel& model,
                            const std::vector<const ProductInput*>& in) {
  std::set<std::string> ids;
  std::map<std::string, const k1::Indicator*> panel;
  for (const k1::Indicator& ind : model.indicators()) {
    if (ind.measure() == k1::MEASURE_PANEL) panel[ind.code()] = &ind;
  }
  for (const ProductInput* input : in) {
    const ProductInput& p = *input;
    const std::string& id = p.product.product_id();
    if (id.empty()) return absl::InvalidArgumentError("a product has no product_id");
    if (!ids.insert(id).second) return absl::InvalidArgumentError("duplicate product " + id);
    for (const auto& [code, scores] : p.panel) {
      auto it = panel.find(code);
      if (it == panel.end()) {
        return absl::InvalidArgumentError(absl::StrCat("product ", id, ": panel scores for ", code,
                                                       ", which is not a panel indicator"));
      }
      const double max = it->second->normalisation().rubric().max_score();
      std::set<std::string> assessors;
      for (const PanelScore& s : scores) {
        if (s.score < 0 || s.score > max) {
          return absl::InvalidArgumentError(absl::StrCat("product ", id, ": ", code, " score ",
                                                         s.score, " from ", s.assessor_id,
                                                         " is outside 0..", max));
        }
        if (s.assessor_id.empty()) {
          return absl::InvalidArgumentError(
              absl::StrCat("product ", id, ": a ", code, " score has no assessor"));
        }
        if (!assessors.insert(s.assessor_id).second) {
          return absl::InvalidArgumentError(absl::StrCat(
              "product ", id, ": assessor ", s.assessor_id, " scored ", code, " twice"));
        }
      }
    }
  }
  return absl::OkStatus();
}

}  // namespace

double CohortCapOf(std::vector<double> values, const k1::RatioToCap& rule) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  if (static_cast<int>(values.size()) < rule.min_cohort_for_percentile()) return values.back();
  const double h = (static_cast<double>(values.size()) - 1) * rule.percentile();
  const size_t lo = static_cast<size_t>(std::floor(h));
  const size_t hi = std::min(values.size() - 1, lo + 1);
  return values[lo] + (h - static_cast<double>(lo)) * (values[hi] - values[lo]);
}

// An indicator's raw value normalised to 0..1 by its rule (before the COST direction flip).
// May mark `r` missing (population-adjusted part without a population) and extend `note`.
double NormalisedValue(const k1::Normalisation& norm, Raw& r, double cap, double adjusted_cap,
                       k1::IndicatorScore* is, std::string& note) {
  double value = 0;
  switch (norm.kind()) {
    case k1::NORMALISATION_KIND_RATIO_TO_CAP: {
      is->set_cap(cap);
      value = cap > 0 ? std::min(r.value, cap) / cap : 0;
      if (!(cap > 0)) note = note.empty() ? "cap is 0" : note + "; cap is 0";
      const double share = norm.ratio_to_cap().population_adjusted_share();
      if (share > 0) {
        double adj = 0;
        if (r.adjusted && adjusted_cap > 0) {
          adj = std::min(*r.adjusted, adjusted_cap) / adjusted_cap;
        } else {
          r.missing = true;
          note = (note.empty() ? "" : note + "; ") +
                 "UPT population unknown: population-adjusted part scores 0";
        }
        value = (1 - share) * value + share * adj;
      }
      break;
    }
    case k1::NORMALISATION_KIND_FIXED_ANCHORS: {
      const k1::FixedAnchors& a = norm.fixed_anchors();
      value = r.fixed_n ? *r.fixed_n : (r.value - a.zero_at()) / (a.one_at() - a.zero_at());
      break;
    }
    case k1::NORMALISATION_KIND_RUBRIC_MEDIAN:
      value = r.value / norm.rubric().max_score();
      break;
    case k1::NORMALISATION_KIND_POINTS_TABLE:
      value = r.points_max > 0 ? r.value / r.points_max : 0;
      break;
    case k1::NORMALISATION_KIND_MARKET_REACH:
    case k1::NORMALISATION_KIND_CONTINUITY:
      value = r.value;
      break;
    default:
      break;
  }
  return value;
}

// Pillar scores, total, stars, floors and standing of one product under the default weights.
void SetPillarsAndStanding(const k1::ScoringModel& model, const ModelIndex& ix, const Weighed& w,
                           k1::ProductScore& s) {
  const int num_ind = model.indicators_size();
  const double potential_min = model.selection().potential_min_total();
  for (int q = 0; q < model.pillars_size(); ++q) {
    k1::PillarScore* ps = s.add_pillars();
    ps->set_pillar(model.pillars(q).code());
    ps->set_name(model.pillars(q).name());
    ps->set_score(w.pillar_score[q]);
    ps->set_max(w.pillar_max[q]);
    ps->set_fraction(w.pillar_max[q] > 0 ? w.pillar_score[q] / w.pillar_max[q] : 0);
    int missing = 0;
    for (int k = 0; k < num_ind; ++k) {
      if (ix.pillar_of[k] == q && s.indicators(k).missing()) ++missing;
    }
    ps->set_missing_indicators(missing);
  }
  s.set_total(w.total);
  s.set_stars(StarsForTotal(model, w.total));
  s.set_floors_passed(w.floors_passed);
  for (const k1::FloorResult& fr : w.floors) {
    *s.add_floors() = fr;
    if (!fr.passed()) s.add_failed_floors(fr.floor());
  }
  const bool ranked = s.eligible() && w.floors_passed;
  const bool high = w.total + kScoreEpsilon >= potential_min;
  s.set_potential(!ranked && high);
  s.set_standing(ranked         ? k1::STANDING_RANKED
                 : high         ? k1::STANDING_POTENTIAL
                 : s.eligible() ? k1::STANDING_BELOW_FLOORS
                                : k1::STANDING_INELIGIBLE);
}

// Splits the products into ranked (eligible, floors passed) and the others under the weighed
// totals `ws`, each best first.
void OrderEntries(const k1::ScoringModel& model, const ModelIndex& ix,
                  const std::vector<const ProductInput*>& products,
                  const std::vector<k1::ProductScore*>& scores, const std::vector<Weighed>& ws,
                  const std::vector<std::vector<double>>& n, std::vector<Entry>* ranked,
                  std::vector<Entry>* others) {
  for (size_t i = 0; i < scores.size(); ++i) {
    Entry e{static_cast<int>(i), &scores[i]->product_id(), &ws[i], &n[i],
            products[i]->submitted_at_unix_ms};
    (scores[i]->eligible() && ws[i].floors_passed ? ranked : others)->push_back(e);
  }
  auto before = [&](const Entry& a, const Entry& b) { return RanksBefore(model, ix, a, b); };
  std::sort(ranked->begin(), ranked->end(), before);
  std::sort(others->begin(), others->end(), before);
}

// The ids of the first `top_n` ranked entries.
std::vector<std::string> TopIds(const std::vector<Entry>& ranked, int top_n) {
  std::vector<std::string> ids;
  for (size_t r = 0; r < ranked.size() && static_cast<int>(r) < top_n; ++r) {
    ids.push_back(*ranked[r].product_id);
  }
  return ids;
}

// Step 1 for one product: its facts, identity fields, gates (eligibility) and raw values.
absl::StatusOr<Facts> ScoreGatesAndRawValues(const k1::ScoringModel& model, const PeriodInfo& p,
                                             const ProductInput& in, k1::ProductScore& s,
                                             std::vector<Raw>& raw) {
  UNGGUL_ASSIGN_OR_RETURN(Facts f, GatherFacts(in, p));
  s.set_product_id(in.product.product_id());
  s.set_upt_code(in.upt_code.empty() ? in.product.upt_code() : in.upt_code);
  s.set_name(in.product.name());
  s.set_category(in.product.category());
  s.set_submitted_at_unix_ms(in.submitted_at_unix_ms);
  bool eligible = true;
  for (const k1::Gate& g : model.gates()) {
    *s.add_gates() = EvaluateGate(g, in, f, p);
    eligible = eligible && s.gates(s.gates_size() - 1).passed();
  }
  s.set_eligible(eligible);
  for (const k1::Indicator& ind : model.indicators()) raw.push_back(RawValue(ind, in, f, p));
  return f;
}

// Step 2: the cohort caps of every RATIO_TO_CAP indicator (into `caps`/`adjusted_caps` and the
// ranking), over the raw values of the `cohort`'s products. Returns the cap rules used, for the
// cohort description.
std::set<std::string> SetCohortCaps(const k1::ScoringModel& model,
                                    const std::vector<std::vector<Raw>>& raw,
                                    const std::vector<size_t>& cohort, k1::Ranking& ranking,
                                    std::vector<double>& caps, std::vector<double>& adjusted_caps) {
  std::set<std::string> cap_rules;
  for (int k = 0; k < model.indicators_size(); ++k) {
    const k1::Indicator& ind = model.indicators(k);
    if (ind.normalisation().kind() != k1::NORMALISATION_KIND_RATIO_TO_CAP) continue;
    const k1::RatioToCap& rule = ind.normalisation().ratio_to_cap();
    std::vector<double> values;
    std::vector<double> adjusted;
    for (size_t i : cohort) {
      if (raw[i][k].missing) continue;
      values.push_back(raw[i][k].value);
      if (raw[i][k].adjusted) adjusted.push_back(*raw[i][k].adjusted);
    }
    caps[k] = CohortCapOf(values, rule);
    k1::CohortCap* cap = ranking.add_caps();
    cap->set_indicator(ind.code());
    cap->set_cap(caps[k]);
    cap->set_values(static_cast<int>(values.size()));
    const bool percentile = static_cast<int>(values.size()) >= rule.min_cohort_for_percentile();
    cap->set_rule(percentile ? PercentileName(rule.percentile()) : "max");
    cap_rules.insert(
        percentile ? absl::StrCat(PercentileName(rule.percentile()),
                                  " (cohort >= ", rule.min_cohort_for_percentile(), ")")
                   : absl::StrCat("cohort max (cohort < ", rule.min_cohort_for_percentile(), ")"));
    if (rule.population_adjusted_share() > 0) {
      adjusted_caps[k] = CohortCapOf(adjusted, rule);
      cap->set_population_adjusted_cap(adjusted_caps[k]);
    }
  }
  return cap_rules;
}

// Step 3 for one product: every indicator's normalised value (into `n` and the score's
// breakdown), missing inputs counted.
void NormaliseProduct(const k1::ScoringModel& model, const std::vector<double>& caps,
                      const std::vector<double>& adjusted_caps, std::vector<Raw>& raw,
                      k1::ProductScore& s, std::vector<double>& n) {
  const int num_ind = model.indicators_size();
  int missing = 0;
  for (int k = 0; k < num_ind; ++k) {
    const k1::Indicator& ind = model.indicators(k);
    const k1::Normalisation& norm = ind.normalisation();
    Raw& r = raw[k];
    k1::IndicatorScore* is = s.add_indicators();
    is->set_code(ind.code());
    is->set_name(ind.name());
    is->set_pillar(ind.pillar());
    is->set_unit(ind.unit());
    is->set_weight(ind.weight());
    double value = 0;  // missing input: scores 0, flagged
    std::string note = r.note;
    if (!r.missing) {
      value = NormalisedValue(norm, r, caps[k], adjusted_caps[k], is, note);
      value = Clamp01(value);
      if (norm.direction() == k1::DIRECTION_COST && !r.fixed_n) value = 1 - value;
    }
    if (r.missing) ++missing;
    n[k] = value;
    is->set_raw_value(r.value);
    is->set_normalised(value);
    is->set_contribution(ind.weight() * value);
    is->set_missing(r.missing);
    is->set_note(note);
    for (const auto& [name, v] : r.inputs) {
      k1::NamedValue* nv = is->add_inputs();
      nv->set_name(name);
      nv->set_value(v);
    }
    for (k1::PanelScoreUsed& u : r.panel) *is->add_panel_scores() = std::move(u);
  }
  s.set_missing_indicators(missing);
}

absl::Status RankProductsInto(const k1::ScoringModel& model, const k1::ScoringPeriod& period,
                              const std::vector<const ProductInput*>& products, k1::Ranking* out) {
  UNGGUL_RETURN_IF_ERROR(ValidateScoringModel(model));
  UNGGUL_ASSIGN_OR_RETURN(const PeriodInfo p, ParsePeriod(period));
  UNGGUL_RETURN_IF_ERROR(ValidateInputs(model, products));
  const ModelIndex ix = IndexModel(model);
  const int num_ind = model.indicators_size();
  const size_t num = products.size();

  // 1. Facts, gates and raw values.
  std::vector<Facts> facts;
  std::vector<std::vector<Raw>> raw(num);
  // Product scores live on the result's arena (or on the heap, owned here until handed over).
  google::protobuf::Arena* arena = out->GetArena();
  std::vector<std::unique_ptr<k1::ProductScore>> heap_scores;
  std::vector<k1::ProductScore*> scores(num);
  for (size_t i = 0; i < num; ++i) {
    if (arena != nullptr) {
      scores[i] = google::protobuf::Arena::CreateMessage<k1::ProductScore>(arena);
    } else {
      scores[i] = heap_scores.emplace_back(std::make_unique<k1::ProductScore>()).get();
    }
  }
  for (size_t i = 0; i < num; ++i) {
    UNGGUL_ASSIGN_OR_RETURN(Facts f,
                            ScoreGatesAndRawValues(model, p, *products[i], *scores[i], raw[i]));
    facts.push_back(std::move(f));
  }

  // 2. Cohort and caps.
  std::vector<size_t> cohort;
  for (size_t i = 0; i < num; ++i) {
    if (scores[i]->eligible()) cohort.push_back(i);
  }
  const bool fallback_cohort = cohort.empty();
  if (fallback_cohort) {
    for (size_t i = 0; i < num; ++i) cohort.push_back(i);
  }
  std::vector<double> caps(num_ind, 0);
  std::vector<double> adjusted_caps(num_ind, 0);
  k1::Ranking& ranking = *out;
  ranking.Clear();
  ranking.set_model_version(model.version());
  ranking.set_what_if(model.what_if());
  *ranking.mutable_period() = period;
  ranking.set_cohort_size(fallback_cohort ? 0 : static_cast<int>(cohort.size()));
  const std::set<std::string> cap_rules =
      SetCohortCaps(model, raw, cohort, ranking, caps, adjusted_caps);
  int eligible_count = 0;
  for (const k1::ProductScore* s : scores) eligible_count += s->eligible() ? 1 : 0;
  ranking.set_cohort_description(absl::StrCat(
      eligible_count, " of ", num, " products eligible for ",
      period.label().empty() ? "the period" : period.label(), " (", period.start_month(), "..",
      period.end_month(), ")",
      fallback_cohort ? "; no eligible product, so caps are taken over all products" : "",
      cap_rules.empty() ? "" : "; caps: " + absl::StrJoin(cap_rules, ", ")));

  // 3. Normalise.
  std::vector<std::vector<double>> n(num, std::vector<double>(num_ind, 0));
  for (size_t i = 0; i < num; ++i) {
    NormaliseProduct(model, caps, adjusted_caps, raw[i], *scores[i], n[i]);
  }

  // 4. Default weights: pillars, total, stars, floors, standing.
  std::vector<double> weights;
  for (const k1::Indicator& ind : model.indicators()) weights.push_back(ind.weight());
  std::vector<Weighed> weighed;
  for (size_t i = 0; i < num; ++i) weighed.push_back(Weigh(model, ix, weights, n[i]));
  for (size_t i = 0; i < num; ++i) SetPillarsAndStanding(model, ix, weighed[i], *scores[i]);

  // 5. Rank under a weight vector: returns the ranked entries (best first) and the others.
  const int top_n = model.selection().kanwil_top_n();
  auto order = [&](const std::vector<Weighed>& ws, std::vector<Entry>* ranked,
                   std::vector<Entry>* others) {
    OrderEntries(model, ix, products, scores, ws, n, ranked, others);
  };

  std::vector<Entry> ranked;
  std::vector<Entry> others;
  order(weighed, &ranked, &others);
  std::map<std::string, int> upt_counts;
  for (size_t r = 0; r < ranked.size(); ++r) {
    k1::ProductScore& s = *scores[ranked[r].product];
    s.set_rank(static_cast<int>(r) + 1);
    s.set_proposed_kanwil(static_cast<int>(r) < top_n);
    s.set_upt_rank(++upt_counts[s.upt_code()]);
    s.set_upt_flagship(s.upt_rank() == 1);
  }
  const std::vector<std::string> default_top = TopIds(ranked, top_n);
  for (const std::string& id : default_top) ranking.add_top_product_ids(id);
  for (k1::CloseCall& c : CloseCalls(model, ranked)) *ranking.add_close_calls() = std::move(c);

  // 6. Sensitivity profiles.
  for (const k1::SensitivityProfile& profile : model.profiles()) {
    using WeightMap = std::map<std::string, double>;
    UNGGUL_ASSIGN_OR_RETURN(const WeightMap pw, ProfileWeights(model, profile));
    std::vector<double> w;
    for (const k1::Indicator& ind : model.indicators()) w.push_back(pw.at(ind.code()));
    std::vector<Weighed> pweighed;
    for (size_t i = 0; i < num; ++i) pweighed.push_back(Weigh(model, ix, w, n[i]));
    std::vector<Entry> pranked;
    std::vector<Entry> pothers;
    order(pweighed, &pranked, &pothers);
    k1::SensitivityResult* sr = ranking.add_sensitivity();
    sr->set_profile(profile.name());
    sr->set_label(profile.label());
    for (size_t r = 0; r < pranked.size() + pothers.size(); ++r) {
      const bool is_ranked = r < pranked.size();
      const Entry& e = is_ranked ? pranked[r] : pothers[r - pranked.size()];
      k1::ProfileEntry* pe = sr->add_products();
      pe->set_product_id(*e.product_id);
      pe->set_total(e.weighed->total);
      pe->set_rank(is_ranked ? static_cast<int>(r) + 1 : 0);
      pe->set_stars(StarsForTotal(model, e.weighed->total));
    }
    const std::vector<std::string> top = TopIds(pranked, top_n);
    for (const std::string& id : top) sr->add_top_product_ids(id);
    sr->set_top_set_changed(std::set<std::string>(top.begin(), top.end()) !=
                            std::set<std::string>(default_top.begin(), default_top.end()));
    for (k1::CloseCall& c : CloseCalls(model, pranked)) *sr->add_close_calls() = std::move(c);
  }

  // 7. Products: ranked first, then the others.
  for (auto& owned : heap_scores) owned.release();  // each is handed to `ranking` just below
  ranking.mutable_products()->Reserve(static_cast<int>(num));
  for (const Entry& e : ranked) ranking.mutable_products()->AddAllocated(scores[e.product]);
  for (const Entry& e : others) ranking.mutable_products()->AddAllocated(scores[e.product]);
  return absl::OkStatus();
}

absl::StatusOr<k1::Ranking> RankProducts(const k1::ScoringModel& model,
                                         const k1::ScoringPeriod& period,
                                         const std::vector<const ProductInput*>& products) {
  k1::Ranking ranking;
  UNGGUL_RETURN_IF_ERROR(RankProductsInto(model, period, products, &ranking));
  return ranking;
}

absl::StatusOr<k1::Ranking> RankProducts(const k1::ScoringModel& model,
                                         const k1::ScoringPeriod& period,
                                         const std::vector<ProductInput>& products) {
  std::vector<const ProductInput*> pointers;
  pointers.reserve(products.size());
  for (const ProductInput& p : products) pointers.push_back(&p);
  return RankProducts(model, period, pointers);
}

}  // namespace unggul::aggregator

#pragma once

// The SPUP ranking engine (gates, 16 indicators in 4 pillars, floors, star bands, tie-breaks and
// sensitivity profiles, all read from the model): a pure function from a scoring model, an
// assessment period and per-product inputs to a kanwil::v1::Ranking. No RocksDB, no gRPC, no
// clock: the caller (the aggregator core) gathers the inputs, mostly from the monthly rollups
// maintained at ingest. Thread-safe; keeps no state. services/aggregator/ranking/
// DESIGN.md gives each indicator's formula and inputs.
//
// Missing data is flagged, never imputed: an indicator whose input is absent scores n = 0
// (contribution 0), has `missing` set and a note saying what is absent; the product is still
// scored and ranked. Gate G5 bounds how much can be missing. Bucketed small cells (inmate
// counts of 1..2, exported as 1 with a flag) arrive as their lower bound and are used as such.
//
// Inputs the aggregator does NOT maintain yet (the caller leaves them empty; each then shows as
// missing, or passes/fails its gate, as documented on the field):
//   - spp_irt_excluded (food SPP-IRT cannot cover, e.g. milk products, frozen meat or fish,
//     baby food, bottled water; it needs BPOM MD): gate G3.
//   - avg_inmate_population (fairness option, off in SPUP 1.0).
// Maintained and used (core/ranking_core gathers them): Product, MonthlyRollup (batches, qty
// produced/rejected, person-days, input cost and local input cost, sales, revenue by channel and
// region, monthly labour reports), Certification and Training records, the previous period's
// revenue (older rollups), customer returns in the period (C2, from the rollups; none = no
// returns, noted), Settlement records inside the period (premi, PNBP, COGS: A3, B2, B5;
// without one B5 falls back to the batches' direct costs, noted), Kanwil verification of the
// labour reports (G5), panel assessments
// (C3, C4, D2, D4), incidents the Kanwil recorded that are open on the period's last day (G6),
// upt_type / upt_active from the registry, and submitted_at_unix_ms (the product's creation
// time).

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "unggul/kanwil/v1/dashboard.pb.h"
#include "unggul/kanwil/v1/scoring.pb.h"
#include "unggul/node/v1/records.pb.h"

namespace unggul::aggregator {

// One assessor's rubric score for one panel indicator (C3, C4, D2, D4). Entered at the Kanwil.
struct PanelScore {
  std::string assessor_id;            // opaque staff/external reference; required, unique
  int score = 0;                      // 0..Rubric.max_score
  bool external = false;              // Dinas, university, …
  bool conflict_of_interest = false;  // declared: the score is excluded from the median
};

// The operator-entered monthly labour aggregate of one product-month (a distinct headcount,
// counted outside Unggul, not the sum of batch counts), and whether the Kanwil verified it
// (gate G5).
struct MonthlyReport {
  std::string month;                     // "YYYY-MM"; months outside the period are ignored
  int64_t distinct_inmates_engaged = 0;  // headcount, >= 0; a small cell arrives as 1
  bool small_cell = false;               // 1..2 inmates, reported as the lower bound 1
  bool verified = false;                 // Kanwil-verified
};

// An integrity issue open on the period's last day (gate G6), recorded at the Kanwil.
struct Incident {
  enum class Kind { kFoodSafety, kRecall, kAuditFinding };
  Kind kind = Kind::kFoodSafety;
  std::string ref;  // e.g. a case or finding number; shown in the gate reason
};

// Everything the engine knows about one product for one period.
struct ProductInput {
  // The replicated product (product_id, name, category, launch_date, skus). Required.
  node::v1::Product product;
  // Owning UPT; product.upt_code() when empty.
  std::string upt_code;
  // Registry type of the UPT ("LAPAS", "RUTAN", "LPKA", …) and whether it is active (G1).
  std::string upt_type;
  bool upt_active = true;
  // The product's monthly rollups; months outside the period are ignored, absent months count
  // as empty.
  std::vector<kanwil::v1::MonthlyRollup> rollups;
  // External revenue of the previous period of equal length (B4): nullopt = unknown (B4
  // missing unless the product is new); 0 = no sales then (treated as a new product).
  std::optional<int64_t> previous_period_revenue_idr;
  // The product's certifications (any dates; validity is checked at period end). C1, G3.
  std::vector<node::v1::Certification> certifications;
  // Trainings in the product's trade; those ending (or, without end, starting) in the period
  // count. A2.
  std::vector<node::v1::Training> trainings;
  // Monthly labour reports (A1, A3, G5).
  std::vector<MonthlyReport> monthly_reports;
  // Period settlement: sums of the product's Settlement records inside the period.
  std::optional<int64_t> premi_total_idr;     // A3; nullopt = missing
  std::optional<int64_t> pnbp_deposited_idr;  // B2; nullopt = missing
  std::optional<int64_t> cogs_idr;            // B5; nullopt = rollup direct costs, else missing
  // Customer returns in the period, in the batch unit (C2); nullopt = none recorded.
  std::optional<double> customer_returns_qty;
  // Panel scores by indicator code (C3, C4, D2, D4). Keys must be panel indicators of the
  // model.
  std::map<std::string, std::vector<PanelScore>> panel;
  // Open incidents (G6); empty = none open.
  std::vector<Incident> open_incidents;
  // The product is food SPP-IRT may not cover (e.g. milk products, frozen meat or fish, baby
  // food, bottled water): G3 needs BPOM MD.
  bool spp_irt_excluded = false;
  // Average narapidana population of the UPT (fairness option only).
  std::optional<double> avg_inmate_population;
  // When the product was submitted for assessment, UTC ms; 0 = unknown (sorts last in the
  // submission-time tie-break).
  int64_t submitted_at_unix_ms = 0;
};

// Scores, gates, floors and ranks every product under the model's rules:
// - Gates decide eligibility; the eligible products are the cohort that sets the SAW caps
//   (p90 when the cohort has >= 10 values, else max). With no eligible product, all products
//   form the cohort (said in cohort_description). Ineligible products are scored too, so a
//   product failing a gate or floor with total >= 50 is Produk Potensial.
// - Ranked = eligible and every floor passed; ties broken by the model's tie-breaks, then
//   product_id.
// - Sensitivity: every model profile re-scores and re-ranks (gates unchanged, floors re-checked
//   under the profile's weights), says whether the top-N set changes, and lists close calls.
// InvalidArgument: the model is invalid (ValidateScoringModel), the period is malformed
// (months not "YYYY-MM", start after end), a product id is empty or duplicated, a panel score is
// outside the rubric scale or keyed by a non-panel indicator, an assessor is listed twice for
// one indicator, a rollup or monthly report month is malformed, a monthly report is duplicated
// or has a negative headcount.
absl::StatusOr<kanwil::v1::Ranking> RankProducts(const kanwil::v1::ScoringModel& model,
                                                 const kanwil::v1::ScoringPeriod& period,
                                                 const std::vector<ProductInput>& products);
// The same over borrowed inputs (the aggregator's materialised ranking keeps them cached).
absl::StatusOr<kanwil::v1::Ranking> RankProducts(const kanwil::v1::ScoringModel& model,
                                                 const kanwil::v1::ScoringPeriod& period,
                                                 const std::vector<const ProductInput*>& products);
// The same, built into *out (cleared first). With `out` on a protobuf Arena every message of the
// result is allocated there (one bulk free instead of millions at 30,000 products). On error
// *out is unspecified.
absl::Status RankProductsInto(const kanwil::v1::ScoringModel& model,
                              const kanwil::v1::ScoringPeriod& period,
                              const std::vector<const ProductInput*>& products,
                              kanwil::v1::Ranking* out);

// The cap of a RATIO_TO_CAP indicator from the cohort's values: the `percentile` (linear
// interpolation between order statistics, i.e. h = (n − 1)·p) when values.size() >=
// min_cohort_for_percentile, else the maximum; 0 for no values. Exposed for tests.
double CohortCapOf(std::vector<double> values, const kanwil::v1::RatioToCap& rule);

}  // namespace unggul::aggregator

#include "services/aggregator/core/ranking_inputs.h"

#include <algorithm>
#include <map>
#include <set>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "common/records/records.h"
#include "common/status/status_macros.h"
#include "common/time/dates.h"
#include "common/time/month.h"
#include "services/aggregator/rollup/rollup.h"

namespace unggul::aggregator {
namespace {

namespace kv1 = ::unggul::kanwil::v1;
namespace v1 = ::unggul::node::v1;

std::string MonthText(absl::CivilMonth m) { return Month(m).ToString(); }

}  // namespace

absl::StatusOr<std::vector<ProductInput>> LoadUptInputs(const KanwilStore& records,
                                                        const AssessmentStore& assessments,
                                                        const RegistryEntry& upt,
                                                        absl::CivilMonth start,
                                                        absl::CivilMonth end) {
  const int64_t length = end - start + 1;
  const auto yyyymm = [](absl::CivilMonth m) { return Month(m).yyyymm(); };
  const uint32_t first = yyyymm(start);
  const uint32_t last = yyyymm(end);
  const uint32_t prev_first = yyyymm(start - length);
  const std::string first_month = MonthText(start);
  std::vector<v1::Product> products;
  std::string token;
  do {
    UNGGUL_ASSIGN_OR_RETURN(
        ProductPage page,
        records.ListProducts(upt.upt_code, v1::CATEGORY_UNSPECIFIED, 1000, token));
    for (v1::Product& p : page.products) products.push_back(std::move(p));
    token = page.next_page_token;
  } while (!token.empty());
  std::vector<ProductInput> out;
  if (products.empty()) return out;
  // Certifications and trainings of the UPT (few per product): two prefix scans.
  absl::flat_hash_map<std::string, std::vector<v1::Certification>> certs;
  absl::flat_hash_map<std::string, std::vector<v1::Training>> trainings;
  UNGGUL_ASSIGN_OR_RETURN(std::vector<v1::Record> cert_records,
                          records.ListRecordsOfKind(RecordKind::kCertification, upt.upt_code));
  for (v1::Record& r : cert_records) {
    certs[r.certification().product_id()].push_back(std::move(*r.mutable_certification()));
  }
  UNGGUL_ASSIGN_OR_RETURN(std::vector<v1::Record> training_records,
                          records.ListRecordsOfKind(RecordKind::kTraining, upt.upt_code));
  for (v1::Record& r : training_records) {
    trainings[r.training().product_id()].push_back(std::move(*r.mutable_training()));
  }
  // Settlements lying wholly inside the period: premi (A3), PNBP (B2) and COGS (B5) are their
  // sums; a product without one has those inputs missing (flagged by the engine).
  struct Settled {
    int64_t premi = 0;
    int64_t pnbp = 0;
    int64_t cogs = 0;
  };
  absl::flat_hash_map<std::string, Settled> settled;
  UNGGUL_ASSIGN_OR_RETURN(std::vector<v1::Record> settlement_records,
                          records.ListRecordsOfKind(RecordKind::kSettlement, upt.upt_code));
  const std::string last_month = MonthText(end);
  for (const v1::Record& r : settlement_records) {
    const v1::Settlement& st = r.settlement();
    if (st.period_start() < first_month || st.period_end() > last_month) continue;
    Settled& sum = settled[st.product_id()];
    sum.premi += st.premi_total_idr();
    sum.pnbp += st.pnbp_deposited_idr();
    sum.cogs += st.cogs_idr();
  }
  out.reserve(products.size());
  for (v1::Product& product : products) {
    ProductInput in;
    in.upt_code = upt.upt_code;
    in.upt_type = upt.type;
    in.upt_active = true;
    // This period and the previous one of equal length (B4), in one range scan.
    UNGGUL_ASSIGN_OR_RETURN(
        std::vector<kv1::MonthlyRollup> months,
        records.GetRollupsInRange(upt.upt_code, product.product_id(), prev_first, last, SIZE_MAX));
    // Revenue of the previous period: known when the product has rollups before this period,
    // 0 when it launched inside it, otherwise unknown.
    bool history = false;
    int64_t previous = 0;
    for (kv1::MonthlyRollup& m : months) {
      if (MonthOf(m.month() + "-01") < first) {
        history = true;
        previous += m.revenue_idr();
      } else {
        in.rollups.push_back(std::move(m));
      }
    }
    if (!history && prev_first > 0) {
      UNGGUL_ASSIGN_OR_RETURN(
          std::vector<kv1::MonthlyRollup> older,
          records.GetRollupsInRange(upt.upt_code, product.product_id(), 0, prev_first - 1, 1));
      history = !older.empty();
    }
    if (history) {
      in.previous_period_revenue_idr = previous;
    } else if (!product.launch_date().empty() && product.launch_date() >= first_month) {
      in.previous_period_revenue_idr = 0;
    }
    bool reported = false;
    double returned = 0;
    for (const kv1::MonthlyRollup& m : in.rollups) {
      reported = reported || m.labour_reports() > 0;
      returned += m.returns_qty();
    }
    // Customer returns inside the period (C2); none recorded stays "none recorded".
    if (returned > 0) in.customer_returns_qty = returned;
    if (reported) {
      UNGGUL_ASSIGN_OR_RETURN(std::vector<std::string> verified,
                              assessments.VerifiedLabourMonths(upt.upt_code, product.product_id()));
      const std::set<std::string> verified_set(verified.begin(), verified.end());
      for (const kv1::MonthlyRollup& m : in.rollups) {
        if (m.labour_reports() <= 0) continue;
        MonthlyReport report;
        report.month = m.month();
        report.distinct_inmates_engaged = m.distinct_inmates_engaged();
        report.small_cell = m.labour_small_cells() > 0;
        report.verified = verified_set.count(m.month()) > 0;
        in.monthly_reports.push_back(std::move(report));
      }
    }
    if (auto it = certs.find(product.product_id()); it != certs.end()) {
      in.certifications = std::move(it->second);
    }
    if (auto it = trainings.find(product.product_id()); it != trainings.end()) {
      in.trainings = std::move(it->second);
    }
    if (auto it = settled.find(product.product_id()); it != settled.end()) {
      in.premi_total_idr = it->second.premi;
      in.pnbp_deposited_idr = it->second.pnbp;
      in.cogs_idr = it->second.cogs;
    }
    in.submitted_at_unix_ms = product.created_at_unix_ms();
    in.product = std::move(product);
    out.push_back(std::move(in));
  }
  return out;
}

}  // namespace unggul::aggregator

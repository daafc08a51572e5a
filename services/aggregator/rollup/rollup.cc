#include "services/aggregator/rollup/rollup.h"

#include <cmath>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/records/kinds.h"
#include "common/records/records.h"
#include "common/time/month.h"

namespace unggul::aggregator {
namespace {

namespace v1 = ::unggul::node::v1;

void AddMap(google::protobuf::Map<int32_t, int64_t>& map, int32_t key, int64_t delta) {
  const int64_t value = map[key] + delta;
  if (value == 0) {
    map.erase(key);
  } else {
    map[key] = value;
  }
}

// Sums of doubles are kept rounded to 1e-6 so that adding and removing the same record returns
// exactly to the previous value.
double Round6(double v) { return std::round(v * 1e6) / 1e6; }

}  // namespace

uint32_t MonthOf(const std::string& date) {
  const std::optional<Month> month = Month::Of(date);
  return month ? month->yyyymm() : 0;
}

std::string MonthString(uint32_t yyyymm) { return Month::FromYyyymm(yyyymm).ToString(); }

bool RollupKeyOf(const v1::Record& record, std::pair<std::string, uint32_t>* key) {
  const RecordKindInfo* kind = KindInfoOf(record);
  if (kind == nullptr || !kind->monthly_rollup) return false;
  std::string product = RecordProductId(record);
  const uint32_t month = MonthOf(RecordDate(record));
  if (product.empty() || month == 0) return false;
  key->first = std::move(product);
  key->second = month;
  return true;
}

void ApplyToRollups(const v1::Record& record, int sign, RollupMap& rollups) {
  // The row is the one RollupKeyOf names, so the preload (which reads the rows RollupKeyOf
  // names) and this step can never disagree about where a record's delta goes.
  std::pair<std::string, uint32_t> key;
  if (!RollupKeyOf(record, &key)) return;
  kanwil::v1::MonthlyRollup* r = &rollups[key];
  r->set_month(MonthString(key.second));
  if (record.has_batch()) {
    const v1::ProductionBatch& b = record.batch();
    r->set_batches(r->batches() + sign);
    r->set_qty_produced(Round6(r->qty_produced() + sign * b.qty_produced()));
    r->set_qty_rejected(Round6(r->qty_rejected() + sign * b.qty_rejected()));
    r->set_inmate_person_days(Round6(r->inmate_person_days() + sign * b.inmate_person_days()));
    r->set_inmates_engaged_sum(r->inmates_engaged_sum() + sign * b.inmates_engaged_count());
    r->set_direct_cost_idr(r->direct_cost_idr() + sign * b.direct_cost_idr());
    for (const v1::MaterialInput& in : b.inputs()) {
      r->set_input_cost_idr(r->input_cost_idr() + sign * in.cost_idr());
      if (in.origin_type() == v1::ORIGIN_TYPE_SAE_INTERNAL ||
          in.origin_type() == v1::ORIGIN_TYPE_LOCAL_FARMER ||
          in.origin_type() == v1::ORIGIN_TYPE_MARKET_LOCAL) {
        r->set_local_input_cost_idr(r->local_input_cost_idr() + sign * in.cost_idr());
      }
    }
  } else if (record.has_sale()) {
    const v1::Sale& s = record.sale();
    r->set_sales(r->sales() + sign);
    r->set_sales_qty(Round6(r->sales_qty() + sign * s.qty()));
    r->set_revenue_idr(r->revenue_idr() + sign * s.revenue_idr());
    AddMap(*r->mutable_revenue_by_channel_number(), s.channel(), sign * s.revenue_idr());
    AddMap(*r->mutable_revenue_by_region_number(), s.buyer_region(), sign * s.revenue_idr());
  } else if (record.has_certification()) {
    r->set_certifications(r->certifications() + sign);
  } else if (record.has_labour()) {
    const v1::MonthlyLabour& l = record.labour();
    r->set_labour_reports(r->labour_reports() + sign);
    r->set_distinct_inmates_engaged(r->distinct_inmates_engaged() +
                                    sign * l.distinct_inmates_engaged());
    r->set_labour_small_cells(r->labour_small_cells() + (l.small_cell() ? sign : 0));
  } else if (record.has_customer_return()) {
    const v1::CustomerReturn& c = record.customer_return();
    r->set_returns_qty(Round6(r->returns_qty() + sign * c.qty()));
  } else if (record.has_training()) {
    const v1::Training& t = record.training();
    r->set_training_participants(r->training_participants() + sign * t.participants_count());
    r->set_training_certificates(r->training_certificates() + sign * t.certificates_count());
  }
}

bool IsEmpty(const kanwil::v1::MonthlyRollup& r) {
  kanwil::v1::MonthlyRollup without_month = r;  // every row carries its month
  without_month.clear_month();
  return without_month.ByteSizeLong() == 0;  // proto3: all fields at their defaults
}

namespace {

// Value name without its prefix ("CHANNEL_MARKETPLACE" -> "MARKETPLACE"); the number for an
// unknown value.
std::string ShortName(const google::protobuf::EnumDescriptor* d, int number) {
  const google::protobuf::EnumValueDescriptor* v = d->FindValueByNumber(number);
  if (v == nullptr) return absl::StrCat(number);
  const std::string& zero = d->value(0)->name();  // e.g. CHANNEL_UNSPECIFIED
  const std::string prefix = zero.substr(0, zero.size() - std::string("UNSPECIFIED").size());
  return absl::StartsWith(v->name(), prefix) ? v->name().substr(prefix.size()) : v->name();
}

absl::Status MoveNames(const google::protobuf::EnumDescriptor* d,
                       google::protobuf::Map<std::string, int64_t>& names,
                       google::protobuf::Map<int32_t, int64_t>& numbers) {
  const std::string& zero = d->value(0)->name();
  const std::string prefix = zero.substr(0, zero.size() - std::string("UNSPECIFIED").size());
  for (const auto& [name, value] : names) {
    const google::protobuf::EnumValueDescriptor* v = d->FindValueByName(prefix + name);
    if (v == nullptr) {
      return absl::DataLossError(
          absl::StrCat("stored rollup: \"", name, "\" is not a ", d->name(), " value"));
    }
    AddMap(numbers, v->number(), value);
  }
  names.clear();
  return absl::OkStatus();
}

}  // namespace

void FillRevenueNames(kanwil::v1::MonthlyRollup& rollup) {
  rollup.clear_revenue_by_channel();
  rollup.clear_revenue_by_region();
  for (const auto& [number, value] : rollup.revenue_by_channel_number()) {
    (*rollup.mutable_revenue_by_channel())[ShortName(v1::Channel_descriptor(), number)] = value;
  }
  for (const auto& [number, value] : rollup.revenue_by_region_number()) {
    (*rollup.mutable_revenue_by_region())[ShortName(v1::BuyerRegion_descriptor(), number)] = value;
  }
}

absl::Status MoveRevenueNamesToNumbers(kanwil::v1::MonthlyRollup& rollup) {
  if (absl::Status s = MoveNames(v1::Channel_descriptor(), *rollup.mutable_revenue_by_channel(),
                                 *rollup.mutable_revenue_by_channel_number());
      !s.ok()) {
    return s;
  }
  return MoveNames(v1::BuyerRegion_descriptor(), *rollup.mutable_revenue_by_region(),
                   *rollup.mutable_revenue_by_region_number());
}

}  // namespace unggul::aggregator

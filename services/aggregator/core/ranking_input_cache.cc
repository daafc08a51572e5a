#include "services/aggregator/core/ranking_input_cache.h"

#include "absl/time/civil_time.h"
#include "common/status/status_macros.h"
#include "common/time/dates.h"
#include "common/time/month.h"
#include "services/aggregator/core/ranking_inputs.h"

namespace unggul::aggregator {
namespace {

namespace kv1 = ::unggul::kanwil::v1;
namespace v1 = ::unggul::node::v1;

Incident::Kind IncidentKindOf(kv1::IncidentKind kind) {
  switch (kind) {
    case kv1::INCIDENT_KIND_RECALL:
      return Incident::Kind::kRecall;
    case kv1::INCIDENT_KIND_AUDIT_FINDING:
      return Incident::Kind::kAuditFinding;
    default:
      return Incident::Kind::kFoodSafety;
  }
}

}  // namespace

RankingInputCache::RankingInputCache(const KanwilStore& records, const AssessmentStore& assessments,
                                     const SyncCore& registry)
    : records_(records), assessments_(assessments), registry_(registry) {}

absl::StatusOr<std::vector<const ProductInput*>> RankingInputCache::Gather(
    const RankingSpec& spec, std::vector<ProductInput>& with_kanwil_inputs) {
  UNGGUL_ASSIGN_OR_RETURN(const Month start, Month::Parse(spec.period.start_month(), "start"));
  UNGGUL_ASSIGN_OR_RETURN(const Month end, Month::Parse(spec.period.end_month(), "end"));
  const uint64_t registry_version = registry_.registry_version();
  std::vector<const ProductInput*> out;
  for (const RegistryEntry& upt : registry_.Registry()) {
    if (!spec.upt_filter.empty() && upt.upt_code != spec.upt_filter) continue;
    const uint64_t version = records_.UptDataVersion(upt.upt_code);  // before reading the data
    std::shared_ptr<const UptInputs>& cached =
        inputs_[{spec.period.start_month(), spec.period.end_month(), upt.upt_code}];
    if (cached == nullptr || cached->version != version ||
        cached->registry_version != registry_version) {
      auto fresh = std::make_shared<UptInputs>();
      fresh->version = version;
      fresh->registry_version = registry_version;
      UNGGUL_ASSIGN_OR_RETURN(
          fresh->products, LoadUptInputs(records_, assessments_, upt, start.civil(), end.civil()));
      ++loads_;
      cached = std::move(fresh);
    }
    for (const ProductInput& in : cached->products) {
      if (spec.category != v1::CATEGORY_UNSPECIFIED && in.product.category() != spec.category) {
        continue;
      }
      out.push_back(&in);
    }
  }
  // Kanwil-side inputs: the period's panel scores (one scan) and the incidents open on its last
  // day; only products that have either are copied.
  UNGGUL_ASSIGN_OR_RETURN(
      std::vector<kv1::Assessment> panel,
      assessments_.ListAssessments(spec.period.start_month(), spec.period.end_month(), ""));
  std::map<std::string, std::vector<const kv1::Assessment*>> by_product;
  for (const kv1::Assessment& a : panel) by_product[a.product_id()].push_back(&a);
  const absl::CivilDay last = absl::CivilDay(end.civil() + 1) - 1;
  const std::string last_day = FormatDate(static_cast<int32_t>(last - absl::CivilDay(1970, 1, 1)));
  UNGGUL_ASSIGN_OR_RETURN(std::vector<kv1::Incident> incidents, assessments_.ListIncidents());
  std::map<std::string, std::vector<const kv1::Incident*>> open_incidents;
  for (const kv1::Incident& i : incidents) {
    if (i.opened_date() <= last_day && (i.closed_date().empty() || i.closed_date() > last_day)) {
      open_incidents[i.product_id()].push_back(&i);
    }
  }
  with_kanwil_inputs.clear();
  with_kanwil_inputs.reserve(out.size());  // never reallocates below: pointers stay valid
  for (const ProductInput*& in : out) {
    const std::string& id = in->product.product_id();
    auto assessed = by_product.find(id);
    auto incident = open_incidents.find(id);
    if (assessed == by_product.end() && incident == open_incidents.end()) continue;
    ProductInput& copy = with_kanwil_inputs.emplace_back(*in);
    if (assessed != by_product.end()) {
      for (const kv1::Assessment* a : assessed->second) {
        copy.panel[a->indicator()].push_back(
            {a->assessor_id(), a->score(), a->external(), a->conflict_of_interest()});
      }
    }
    if (incident != open_incidents.end()) {
      for (const kv1::Incident* i : incident->second) {
        copy.open_incidents.push_back({IncidentKindOf(i->kind()), i->reference()});
      }
    }
    in = &copy;
  }
  return out;
}

void RankingInputCache::Retain(const std::set<std::pair<std::string, std::string>>& periods) {
  for (auto it = inputs_.begin(); it != inputs_.end();) {
    it = periods.count({std::get<0>(it->first), std::get<1>(it->first)}) > 0 ? std::next(it)
                                                                             : inputs_.erase(it);
  }
}

}  // namespace unggul::aggregator

#include "services/aggregator/core/dashboard_core.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/status/echo.h"
#include "common/status/status_macros.h"
#include "services/aggregator/rollup/rollup.h"

namespace unggul::aggregator {

namespace kv1 = ::unggul::kanwil::v1;

absl::StatusOr<kv1::ListUptsResponse> DashboardCore::ListUpts() const {
  UNGGUL_ASSIGN_OR_RETURN(std::vector<UptSyncState> states, store_.ListUpts());
  std::map<std::string, UptSyncState> by_code;
  for (UptSyncState& s : states) by_code[s.upt_code] = std::move(s);
  const std::map<std::string, LiveState> live = sync_.Live();
  kv1::ListUptsResponse out;
  out.set_registry_version(sync_.registry_version());
  for (const RegistryEntry& e : sync_.Registry()) {
    kv1::UptStatus* u = out.add_upts();
    u->set_upt_code(e.upt_code);
    u->set_official_name(e.official_name);
    u->set_type(e.type);
    u->set_upt_class(e.upt_class);
    u->set_regency_code(e.regency_code);
    u->set_needs_verification(e.needs_verification);
    uint64_t node_last_seq = 0;
    int64_t last_seen = 0;
    if (auto it = by_code.find(e.upt_code); it != by_code.end()) {
      const UptSyncState& s = it->second;
      u->set_incarnation_id(s.incarnation_id);
      u->set_hwm(s.hwm);
      *u->mutable_digest() = s.digest;
      u->set_products(s.products);
      node_last_seq = s.node_last_seq;
      last_seen = s.last_seen_unix_ms;
    }
    if (auto it = live.find(e.upt_code); it != live.end()) {
      u->set_connected(it->second.connections > 0);
      u->set_sync_alarm(it->second.last_alarm);
      u->set_sync_alarms(it->second.alarms);
      node_last_seq = std::max(node_last_seq, it->second.node_last_seq);
      last_seen = std::max(last_seen, it->second.last_seen_unix_ms);
    }
    u->set_node_last_seq(node_last_seq);
    u->set_lag(node_last_seq > u->hwm() ? node_last_seq - u->hwm() : 0);
    u->set_last_seen_unix_ms(last_seen);
  }
  return out;
}

absl::StatusOr<kv1::ListProductsResponse> DashboardCore::ListProducts(
    const kv1::ListProductsRequest& request) const {
  if (request.page_size() < 0 || request.page_size() > max_page_size_) {
    return absl::InvalidArgumentError(absl::StrCat(
        "page_size: must be 0..", max_page_size_, " (0 means ", std::min(100, max_page_size_),
        "; --max_page_size), got ", request.page_size()));
  }
  if (!request.upt_code().empty() && !sync_.InRegistry(request.upt_code())) {
    return absl::NotFoundError(
        absl::StrCat("UPT ", Echo(request.upt_code()), " is not in the registry"));
  }
  UNGGUL_ASSIGN_OR_RETURN(
      ProductPage page, store_.ListProducts(request.upt_code(), request.category(),
                                            request.page_size() == 0 ? std::min(100, max_page_size_)
                                                                     : request.page_size(),
                                            request.page_token()));
  kv1::ListProductsResponse out;
  for (node::v1::Product& p : page.products) *out.add_products() = std::move(p);
  out.set_next_page_token(page.next_page_token);
  return out;
}

absl::StatusOr<kv1::GetProductResponse> DashboardCore::GetProduct(
    absl::string_view product_id) const {
  if (product_id.empty()) return absl::InvalidArgumentError("product_id: is required");
  const std::string upt = sync_.OwnerOf(product_id);
  if (upt.empty()) {
    return absl::NotFoundError(absl::StrCat("product ", Echo(product_id), " not found"));
  }
  UNGGUL_ASSIGN_OR_RETURN(node::v1::Record record,
                          store_.GetRecord(RecordKind::kProduct, upt, product_id));
  kv1::GetProductResponse out;
  *out.mutable_product() = record.product();
  UNGGUL_ASSIGN_OR_RETURN(std::vector<kv1::MonthlyRollup> months,
                          store_.GetRollups(upt, product_id));
  for (kv1::MonthlyRollup& m : months) {
    FillRevenueNames(m);
    *out.add_months() = std::move(m);
  }
  return out;
}

absl::StatusOr<kv1::UptDigest> DashboardCore::GetUptDigest(absl::string_view upt_code) const {
  if (!sync_.InRegistry(std::string(upt_code))) {
    return absl::NotFoundError(absl::StrCat("UPT ", Echo(upt_code), " is not in the registry"));
  }
  UNGGUL_ASSIGN_OR_RETURN(std::optional<UptSyncState> state, store_.GetUpt(upt_code));
  kv1::UptDigest out;
  out.set_upt_code(std::string(upt_code));
  if (state) {
    out.set_incarnation_id(state->incarnation_id);
    out.set_hwm(state->hwm);
    *out.mutable_digest() = state->digest;
  } else {
    out.mutable_digest();  // empty UPT: count 0
  }
  return out;
}

}  // namespace unggul::aggregator

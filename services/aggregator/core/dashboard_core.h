#pragma once

// Read side of the Kanwil dashboard: registry + sync state per UPT, replicated products with
// their rollups, digests. Codes: NotFound (unknown product or UPT), InvalidArgument (paging).
// Thread-safe; `store` and `sync` must outlive it.

#include "absl/status/statusor.h"
#include "services/aggregator/core/sync_core.h"
#include "services/aggregator/store/kanwil_store.h"
#include "unggul/kanwil/v1/dashboard.pb.h"

namespace unggul::aggregator {

class DashboardCore {
 public:
  DashboardCore(KanwilStore& store, const SyncCore& sync) : store_(store), sync_(sync) {}
  // The largest page ListProducts may ask for (1..1000, default 1000; --max_page_size). Call
  // before serving.
  void SetMaxPageSize(int max) { max_page_size_ = max; }

  absl::StatusOr<kanwil::v1::ListUptsResponse> ListUpts() const;
  absl::StatusOr<kanwil::v1::ListProductsResponse> ListProducts(
      const kanwil::v1::ListProductsRequest& request) const;
  absl::StatusOr<kanwil::v1::GetProductResponse> GetProduct(absl::string_view product_id) const;
  absl::StatusOr<kanwil::v1::UptDigest> GetUptDigest(absl::string_view upt_code) const;

 private:
  KanwilStore& store_;
  const SyncCore& sync_;
  int max_page_size_ = 1000;
};

}  // namespace unggul::aggregator

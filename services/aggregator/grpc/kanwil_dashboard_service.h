#pragma once

// gRPC adapter of the Kanwil dashboard API (sync API): unpack, call DashboardCore, map status.

#include "services/aggregator/core/dashboard_core.h"
#include "unggul/kanwil/v1/dashboard.grpc.pb.h"

namespace unggul::aggregator {

class KanwilDashboardServiceImpl final : public kanwil::v1::KanwilDashboard::Service {
 public:
  explicit KanwilDashboardServiceImpl(const DashboardCore& core) : core_(core) {}

  grpc::Status ListUpts(grpc::ServerContext*, const kanwil::v1::ListUptsRequest*,
                        kanwil::v1::ListUptsResponse*) override;
  grpc::Status ListProducts(grpc::ServerContext*, const kanwil::v1::ListProductsRequest*,
                            kanwil::v1::ListProductsResponse*) override;
  grpc::Status GetProduct(grpc::ServerContext*, const kanwil::v1::GetProductRequest*,
                          kanwil::v1::GetProductResponse*) override;
  grpc::Status GetUptDigest(grpc::ServerContext*, const kanwil::v1::GetUptDigestRequest*,
                            kanwil::v1::UptDigest*) override;

 private:
  const DashboardCore& core_;
};

}  // namespace unggul::aggregator

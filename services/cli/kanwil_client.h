#pragma once

// Client library of the Kanwil dashboard API with an absl::Status interface. Thread-safe.

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "unggul/kanwil/v1/dashboard.grpc.pb.h"

namespace unggul::cli {

class KanwilClient {
 public:
  static std::unique_ptr<KanwilClient> Connect(const std::string& addr, absl::Duration timeout);
  KanwilClient(std::shared_ptr<grpc::ChannelInterface> channel, absl::Duration timeout);

  absl::StatusOr<kanwil::v1::ListUptsResponse> ListUpts();
  absl::StatusOr<kanwil::v1::ListProductsResponse> ListProducts(
      const kanwil::v1::ListProductsRequest& request);
  absl::StatusOr<kanwil::v1::GetProductResponse> GetProduct(const std::string& product_id);
  absl::StatusOr<kanwil::v1::UptDigest> GetUptDigest(const std::string& upt_code);

 private:
  std::unique_ptr<kanwil::v1::KanwilDashboard::Stub> stub_;
  absl::Duration timeout_;
};

}  // namespace unggul::cli

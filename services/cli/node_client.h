#pragma once

// Client library of the UPT node API with an absl::Status interface (FromGrpcStatus at the
// edge). Each call carries a deadline of `timeout`. Thread-safe (the gRPC stub is).

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "unggul/node/v1/node_service.grpc.pb.h"

namespace unggul::cli {

class NodeClient {
 public:
  // Dials `addr` (host:port) without TLS. Never fails: errors show on the first call
  // (UNAVAILABLE when nothing listens).
  static std::unique_ptr<NodeClient> Connect(const std::string& addr, absl::Duration timeout);
  // Over an existing channel (tests use a server's in-process channel).
  NodeClient(std::shared_ptr<grpc::ChannelInterface> channel, absl::Duration timeout);

  absl::StatusOr<node::v1::NodeInfo> GetNodeInfo();
  // Waits up to `wait` (the call's deadline) for the Kanwil to acknowledge min_acked_seq.
  absl::StatusOr<node::v1::NodeInfo> WaitForSync(uint64_t min_acked_seq, absl::Duration wait,
                                                 uint64_t min_designation_revision = 0);
  absl::StatusOr<node::v1::ProductResponse> CreateProduct(const node::v1::CreateProductRequest&);
  absl::StatusOr<node::v1::ProductResponse> UpdateProduct(const node::v1::UpdateProductRequest&);
  absl::StatusOr<node::v1::ProductResponse> GetProduct(const node::v1::GetProductRequest&);
  absl::StatusOr<node::v1::ListProductsResponse> ListProducts(const node::v1::ListProductsRequest&);
  absl::StatusOr<node::v1::ProductResponse> RetireProduct(const node::v1::RetireProductRequest&);
  absl::StatusOr<node::v1::BatchResponse> RecordBatch(const node::v1::RecordBatchRequest&);
  absl::StatusOr<node::v1::BatchResponse> GetBatch(const node::v1::GetBatchRequest&);
  absl::StatusOr<node::v1::ListBatchesResponse> ListBatches(const node::v1::ListRecordsRequest&);
  absl::StatusOr<node::v1::SaleResponse> RecordSale(const node::v1::RecordSaleRequest&);
  absl::StatusOr<node::v1::SaleResponse> GetSale(const node::v1::GetSaleRequest&);
  absl::StatusOr<node::v1::ListSalesResponse> ListSales(const node::v1::ListRecordsRequest&);
  absl::StatusOr<node::v1::CertificationResponse> RecordCertification(
      const node::v1::RecordCertificationRequest&);
  absl::StatusOr<node::v1::CertificationResponse> GetCertification(
      const node::v1::GetCertificationRequest&);
  absl::StatusOr<node::v1::ListCertificationsResponse> ListCertifications(
      const node::v1::ListRecordsRequest&);
  absl::StatusOr<node::v1::TrainingResponse> RecordTraining(const node::v1::RecordTrainingRequest&);
  absl::StatusOr<node::v1::TrainingResponse> GetTraining(const node::v1::GetTrainingRequest&);
  absl::StatusOr<node::v1::ListTrainingsResponse> ListTrainings(
      const node::v1::ListRecordsRequest&);
  absl::StatusOr<node::v1::CustomerReturnResponse> RecordCustomerReturn(
      const node::v1::RecordCustomerReturnRequest&);
  absl::StatusOr<node::v1::CustomerReturnResponse> GetCustomerReturn(
      const node::v1::GetCustomerReturnRequest&);
  absl::StatusOr<node::v1::ListCustomerReturnsResponse> ListCustomerReturns(
      const node::v1::ListRecordsRequest&);
  absl::StatusOr<node::v1::SettlementResponse> RecordSettlement(
      const node::v1::RecordSettlementRequest&);
  absl::StatusOr<node::v1::SettlementResponse> GetSettlement(const node::v1::GetSettlementRequest&);
  absl::StatusOr<node::v1::ListSettlementsResponse> ListSettlements(
      const node::v1::ListRecordsRequest&);
  absl::StatusOr<node::v1::MonthlyLabourResponse> RecordMonthlyLabour(
      const node::v1::RecordMonthlyLabourRequest&);
  absl::StatusOr<node::v1::MonthlyLabourResponse> GetMonthlyLabour(
      const node::v1::GetMonthlyLabourRequest&);
  absl::StatusOr<node::v1::ListMonthlyLabourResponse> ListMonthlyLabour(
      const node::v1::ListRecordsRequest&);
  absl::StatusOr<node::v1::ListDesignationsResponse> ListDesignations(
      const node::v1::ListDesignationsRequest&);

 private:
  std::unique_ptr<node::v1::UptNode::Stub> stub_;
  absl::Duration timeout_;
};

}  // namespace unggul::cli

#pragma once

// gRPC adapter of the UPT node API: unpacks requests, calls NodeCore, maps the status
// (ToGrpcStatus). No logic here. Sync API; thread-safe because NodeCore is. `core` must outlive
// the service.

#include "services/node/core/node_core.h"
#include "unggul/node/v1/node_service.grpc.pb.h"

namespace unggul::node {

class UptNodeServiceImpl final : public v1::UptNode::Service {
 public:
  explicit UptNodeServiceImpl(NodeCore& core) : core_(core) {}

  grpc::Status GetNodeInfo(grpc::ServerContext*, const v1::GetNodeInfoRequest*,
                           v1::NodeInfo*) override;
  grpc::Status WaitForSync(grpc::ServerContext*, const v1::WaitForSyncRequest*,
                           v1::NodeInfo*) override;
  grpc::Status CreateProduct(grpc::ServerContext*, const v1::CreateProductRequest*,
                             v1::ProductResponse*) override;
  grpc::Status UpdateProduct(grpc::ServerContext*, const v1::UpdateProductRequest*,
                             v1::ProductResponse*) override;
  grpc::Status GetProduct(grpc::ServerContext*, const v1::GetProductRequest*,
                          v1::ProductResponse*) override;
  grpc::Status ListProducts(grpc::ServerContext*, const v1::ListProductsRequest*,
                            v1::ListProductsResponse*) override;
  grpc::Status RetireProduct(grpc::ServerContext*, const v1::RetireProductRequest*,
                             v1::ProductResponse*) override;
  grpc::Status RecordBatch(grpc::ServerContext*, const v1::RecordBatchRequest*,
                           v1::BatchResponse*) override;
  grpc::Status GetBatch(grpc::ServerContext*, const v1::GetBatchRequest*,
                        v1::BatchResponse*) override;
  grpc::Status ListBatches(grpc::ServerContext*, const v1::ListRecordsRequest*,
                           v1::ListBatchesResponse*) override;
  grpc::Status RecordSale(grpc::ServerContext*, const v1::RecordSaleRequest*,
                          v1::SaleResponse*) override;
  grpc::Status GetSale(grpc::ServerContext*, const v1::GetSaleRequest*, v1::SaleResponse*) override;
  grpc::Status ListSales(grpc::ServerContext*, const v1::ListRecordsRequest*,
                         v1::ListSalesResponse*) override;
  grpc::Status RecordCertification(grpc::ServerContext*, const v1::RecordCertificationRequest*,
                                   v1::CertificationResponse*) override;
  grpc::Status GetCertification(grpc::ServerContext*, const v1::GetCertificationRequest*,
                                v1::CertificationResponse*) override;
  grpc::Status ListCertifications(grpc::ServerContext*, const v1::ListRecordsRequest*,
                                  v1::ListCertificationsResponse*) override;
  grpc::Status RecordTraining(grpc::ServerContext*, const v1::RecordTrainingRequest*,
                              v1::TrainingResponse*) override;
  grpc::Status GetTraining(grpc::ServerContext*, const v1::GetTrainingRequest*,
                           v1::TrainingResponse*) override;
  grpc::Status ListTrainings(grpc::ServerContext*, const v1::ListRecordsRequest*,
                             v1::ListTrainingsResponse*) override;
  grpc::Status RecordMonthlyLabour(grpc::ServerContext*, const v1::RecordMonthlyLabourRequest*,
                                   v1::MonthlyLabourResponse*) override;
  grpc::Status GetMonthlyLabour(grpc::ServerContext*, const v1::GetMonthlyLabourRequest*,
                                v1::MonthlyLabourResponse*) override;
  grpc::Status ListMonthlyLabour(grpc::ServerContext*, const v1::ListRecordsRequest*,
                                 v1::ListMonthlyLabourResponse*) override;
  grpc::Status RecordCustomerReturn(grpc::ServerContext*, const v1::RecordCustomerReturnRequest*,
                                    v1::CustomerReturnResponse*) override;
  grpc::Status GetCustomerReturn(grpc::ServerContext*, const v1::GetCustomerReturnRequest*,
                                 v1::CustomerReturnResponse*) override;
  grpc::Status ListCustomerReturns(grpc::ServerContext*, const v1::ListRecordsRequest*,
                                   v1::ListCustomerReturnsResponse*) override;
  grpc::Status RecordSettlement(grpc::ServerContext*, const v1::RecordSettlementRequest*,
                                v1::SettlementResponse*) override;
  grpc::Status GetSettlement(grpc::ServerContext*, const v1::GetSettlementRequest*,
                             v1::SettlementResponse*) override;
  grpc::Status ListSettlements(grpc::ServerContext*, const v1::ListRecordsRequest*,
                               v1::ListSettlementsResponse*) override;
  grpc::Status ListDesignations(grpc::ServerContext*, const v1::ListDesignationsRequest*,
                                v1::ListDesignationsResponse*) override;

 private:
  NodeCore& core_;
};

}  // namespace unggul::node

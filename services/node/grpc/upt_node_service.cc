#include "services/node/grpc/upt_node_service.h"

#include <utility>

#include "absl/time/clock.h"
#include "common/status/grpc_status.h"

namespace unggul::node {
namespace {

// Moves a StatusOr's value into the response via `set`, or returns its status.
template <typename T, typename Set>
grpc::Status Reply(absl::StatusOr<T> result, Set set) {
  if (!result.ok()) return ToGrpcStatus(result.status());
  set(*std::move(result));
  return grpc::Status::OK;
}

}  // namespace

grpc::Status UptNodeServiceImpl::GetNodeInfo(grpc::ServerContext*, const v1::GetNodeInfoRequest*,
                                             v1::NodeInfo* response) {
  *response = core_.GetNodeInfo();
  return grpc::Status::OK;
}

grpc::Status UptNodeServiceImpl::WaitForSync(grpc::ServerContext* context,
                                             const v1::WaitForSyncRequest* request,
                                             v1::NodeInfo* response) {
  // Without a client deadline, wait at most 10 minutes.
  const absl::Time deadline =
      std::min(absl::FromChrono(context->deadline()), absl::Now() + absl::Minutes(10));
  return Reply(core_.WaitForSync(*request, deadline),
               [&](v1::NodeInfo info) { *response = std::move(info); });
}

grpc::Status UptNodeServiceImpl::CreateProduct(grpc::ServerContext*,
                                               const v1::CreateProductRequest* request,
                                               v1::ProductResponse* response) {
  return Reply(core_.CreateProduct(*request), [&](Written<v1::Product> w) {
    *response->mutable_product() = std::move(w.value);
    response->set_replayed(w.replayed);
  });
}

grpc::Status UptNodeServiceImpl::UpdateProduct(grpc::ServerContext*,
                                               const v1::UpdateProductRequest* request,
                                               v1::ProductResponse* response) {
  return Reply(core_.UpdateProduct(*request), [&](Written<v1::Product> w) {
    *response->mutable_product() = std::move(w.value);
    response->set_replayed(w.replayed);
  });
}

grpc::Status UptNodeServiceImpl::GetProduct(grpc::ServerContext*,
                                            const v1::GetProductRequest* request,
                                            v1::ProductResponse* response) {
  return Reply(core_.GetProduct(request->product_id()),
               [&](v1::Product p) { *response->mutable_product() = std::move(p); });
}

grpc::Status UptNodeServiceImpl::ListProducts(grpc::ServerContext*,
                                              const v1::ListProductsRequest* request,
                                              v1::ListProductsResponse* response) {
  return Reply(core_.ListProducts(*request),
               [&](v1::ListProductsResponse r) { *response = std::move(r); });
}

grpc::Status UptNodeServiceImpl::RetireProduct(grpc::ServerContext*,
                                               const v1::RetireProductRequest* request,
                                               v1::ProductResponse* response) {
  return Reply(core_.RetireProduct(*request), [&](Written<v1::Product> w) {
    *response->mutable_product() = std::move(w.value);
    response->set_replayed(w.replayed);
  });
}

grpc::Status UptNodeServiceImpl::RecordBatch(grpc::ServerContext*,
                                             const v1::RecordBatchRequest* request,
                                             v1::BatchResponse* response) {
  return Reply(core_.RecordBatch(*request), [&](Written<v1::ProductionBatch> w) {
    *response->mutable_batch() = std::move(w.value);
    response->set_replayed(w.replayed);
  });
}

grpc::Status UptNodeServiceImpl::GetBatch(grpc::ServerContext*, const v1::GetBatchRequest* request,
                                          v1::BatchResponse* response) {
  return Reply(core_.GetBatch(request->batch_code()),
               [&](v1::ProductionBatch b) { *response->mutable_batch() = std::move(b); });
}

grpc::Status UptNodeServiceImpl::ListBatches(grpc::ServerContext*,
                                             const v1::ListRecordsRequest* request,
                                             v1::ListBatchesResponse* response) {
  return Reply(core_.ListBatches(*request),
               [&](v1::ListBatchesResponse r) { *response = std::move(r); });
}

grpc::Status UptNodeServiceImpl::RecordSale(grpc::ServerContext*,
                                            const v1::RecordSaleRequest* request,
                                            v1::SaleResponse* response) {
  return Reply(core_.RecordSale(*request), [&](Written<v1::Sale> w) {
    *response->mutable_sale() = std::move(w.value);
    response->set_replayed(w.replayed);
  });
}

grpc::Status UptNodeServiceImpl::GetSale(grpc::ServerContext*, const v1::GetSaleRequest* request,
                                         v1::SaleResponse* response) {
  return Reply(core_.GetSale(request->sale_id()),
               [&](v1::Sale s) { *response->mutable_sale() = std::move(s); });
}

grpc::Status UptNodeServiceImpl::ListSales(grpc::ServerContext*,
                                           const v1::ListRecordsRequest* request,
                                           v1::ListSalesResponse* response) {
  return Reply(core_.ListSales(*request),
               [&](v1::ListSalesResponse r) { *response = std::move(r); });
}

grpc::Status UptNodeServiceImpl::RecordCertification(grpc::ServerContext*,
                                                     const v1::RecordCertificationRequest* request,
                                                     v1::CertificationResponse* response) {
  return Reply(core_.RecordCertification(*request), [&](Written<v1::Certification> w) {
    *response->mutable_certification() = std::move(w.value);
    response->set_replayed(w.replayed);
  });
}

grpc::Status UptNodeServiceImpl::GetCertification(grpc::ServerContext*,
                                                  const v1::GetCertificationRequest* request,
                                                  v1::CertificationResponse* response) {
  return Reply(core_.GetCertification(request->certification_id()),
               [&](v1::Certification c) { *response->mutable_certification() = std::move(c); });
}

grpc::Status UptNodeServiceImpl::ListCertifications(grpc::ServerContext*,
                                                    const v1::ListRecordsRequest* request,
                                                    v1::ListCertificationsResponse* response) {
  return Reply(core_.ListCertifications(*request),
               [&](v1::ListCertificationsResponse r) { *response = std::move(r); });
}

grpc::Status UptNodeServiceImpl::RecordTraining(grpc::ServerContext*,
                                                const v1::RecordTrainingRequest* request,
                                                v1::TrainingResponse* response) {
  return Reply(core_.RecordTraining(*request), [&](Written<v1::Training> w) {
    *response->mutable_training() = std::move(w.value);
    response->set_replayed(w.replayed);
  });
}

grpc::Status UptNodeServiceImpl::GetTraining(grpc::ServerContext*,
                                             const v1::GetTrainingRequest* request,
                                             v1::TrainingResponse* response) {
  return Reply(core_.GetTraining(request->training_id()),
               [&](v1::Training t) { *response->mutable_training() = std::move(t); });
}

grpc::Status UptNodeServiceImpl::ListTrainings(grpc::ServerContext*,
                                               const v1::ListRecordsRequest* request,
                                               v1::ListTrainingsResponse* response) {
  return Reply(core_.ListTrainings(*request),
               [&](v1::ListTrainingsResponse r) { *response = std::move(r); });
}

grpc::Status UptNodeServiceImpl::RecordMonthlyLabour(grpc::ServerContext*,
                                                     const v1::RecordMonthlyLabourRequest* request,
                                                     v1::MonthlyLabourResponse* response) {
  return Reply(core_.RecordMonthlyLabour(*request), [&](Written<v1::MonthlyLabour> w) {
    *response->mutable_labour() = std::move(w.value);
    response->set_replayed(w.replayed);
  });
}

grpc::Status UptNodeServiceImpl::RecordCustomerReturn(
    grpc::ServerContext*, const v1::RecordCustomerReturnRequest* request,
    v1::CustomerReturnResponse* response) {
  return Reply(core_.RecordCustomerReturn(*request), [&](Written<v1::CustomerReturn> w) {
    *response->mutable_customer_return() = std::move(w.value);
    response->set_replayed(w.replayed);
  });
}

grpc::Status UptNodeServiceImpl::GetCustomerReturn(grpc::ServerContext*,
                                                   const v1::GetCustomerReturnRequest* request,
                                                   v1::CustomerReturnResponse* response) {
  return Reply(core_.GetCustomerReturn(request->return_id()),
               [&](v1::CustomerReturn r) { *response->mutable_customer_return() = std::move(r); });
}

grpc::Status UptNodeServiceImpl::ListCustomerReturns(grpc::ServerContext*,
                                                     const v1::ListRecordsRequest* request,
                                                     v1::ListCustomerReturnsResponse* response) {
  return Reply(core_.ListCustomerReturns(*request),
               [&](v1::ListCustomerReturnsResponse r) { *response = std::move(r); });
}

grpc::Status UptNodeServiceImpl::RecordSettlement(grpc::ServerContext*,
                                                  const v1::RecordSettlementRequest* request,
                                                  v1::SettlementResponse* response) {
  return Reply(core_.RecordSettlement(*request), [&](Written<v1::Settlement> w) {
    *response->mutable_settlement() = std::move(w.value);
    response->set_replayed(w.replayed);
  });
}

grpc::Status UptNodeServiceImpl::GetSettlement(grpc::ServerContext*,
                                               const v1::GetSettlementRequest* request,
                                               v1::SettlementResponse* response) {
  return Reply(core_.GetSettlement(request->settlement_id()),
               [&](v1::Settlement s) { *response->mutable_settlement() = std::move(s); });
}

grpc::Status UptNodeServiceImpl::ListSettlements(grpc::ServerContext*,
                                                 const v1::ListRecordsRequest* request,
                                                 v1::ListSettlementsResponse* response) {
  return Reply(core_.ListSettlements(*request),
               [&](v1::ListSettlementsResponse r) { *response = std::move(r); });
}

grpc::Status UptNodeServiceImpl::GetMonthlyLabour(grpc::ServerContext*,
                                                  const v1::GetMonthlyLabourRequest* request,
                                                  v1::MonthlyLabourResponse* response) {
  return Reply(core_.GetMonthlyLabour(request->report_id()),
               [&](v1::MonthlyLabour l) { *response->mutable_labour() = std::move(l); });
}

grpc::Status UptNodeServiceImpl::ListMonthlyLabour(grpc::ServerContext*,
                                                   const v1::ListRecordsRequest* request,
                                                   v1::ListMonthlyLabourResponse* response) {
  return Reply(core_.ListMonthlyLabour(*request),
               [&](v1::ListMonthlyLabourResponse r) { *response = std::move(r); });
}

grpc::Status UptNodeServiceImpl::ListDesignations(grpc::ServerContext*,
                                                  const v1::ListDesignationsRequest* request,
                                                  v1::ListDesignationsResponse* response) {
  return Reply(core_.ListDesignations(*request),
               [&](v1::ListDesignationsResponse r) { *response = std::move(r); });
}

}  // namespace unggul::node

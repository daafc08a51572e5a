#pragma once

// gRPC adapter of the UPT node API: unpacks requests, calls NodeCore, maps the status
// (ToGrpcStatus). No logic here. `core` and `executor` must outlive the service.
//
// Two parts, registered together by Register():
// - UptNodeServiceImpl: the hand-written handlers (node info, products, the generic
//   WriteRecord/GetRecord/ListRecordsOfKind, designations). Sync API, except WaitForSync: a
//   callback reactor over NodeCore::StartWaitForSync, holding no thread while it waits.
// - the typed per-kind RPCs (RecordBatch, GetSale, ListTrainings, ...), marked generic on this
//   service and served by a callback generic service from RecordRpcTable: one handler for every
//   kind, read off the service descriptor. Their core calls run on `executor`, never on a gRPC
//   callback thread. A method the table does not serve and this class does not override answers
//   UNIMPLEMENTED (the test checks there is none).

#include <memory>

#include "common/executor/executor.h"
#include "grpcpp/generic/async_generic_service.h"
#include "grpcpp/server_builder.h"
#include "services/node/core/node_core.h"
#include "services/node/grpc/record_rpcs.h"
#include "unggul/node/v1/node_service.grpc.pb.h"

namespace unggul::node {

// WaitForSync is a callback method (no thread while it waits; cancelling ends it at once); the
// other hand-written handlers use the sync API.
class UptNodeServiceImpl final
    : public v1::UptNode::WithCallbackMethod_WaitForSync<v1::UptNode::Service> {
 public:
  UptNodeServiceImpl(NodeCore& core, Executor& executor);
  ~UptNodeServiceImpl() override;

  // Registers this service and the table-driven RPCs on `builder`.
  void Register(grpc::ServerBuilder& builder);

  const RecordRpcTable& table() const { return table_; }

  grpc::Status GetNodeInfo(grpc::ServerContext*, const v1::GetNodeInfoRequest*,
                           v1::NodeInfo*) override;
  grpc::ServerUnaryReactor* WaitForSync(grpc::CallbackServerContext* context,
                                        const v1::WaitForSyncRequest* request,
                                        v1::NodeInfo* response) override;
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
  grpc::Status WriteRecord(grpc::ServerContext*, const v1::WriteRecordRequest*,
                           v1::WriteRecordResponse*) override;
  grpc::Status GetRecord(grpc::ServerContext*, const v1::GetRecordRequest*,
                         v1::GetRecordResponse*) override;
  grpc::Status ListRecordsOfKind(grpc::ServerContext*, const v1::ListRecordsOfKindRequest*,
                                 v1::ListRecordsOfKindResponse*) override;
  grpc::Status ListDesignations(grpc::ServerContext*, const v1::ListDesignationsRequest*,
                                v1::ListDesignationsResponse*) override;

 private:
  class TableService;

  NodeCore& core_;
  RecordRpcTable table_;
  std::unique_ptr<TableService> table_service_;
};

}  // namespace unggul::node

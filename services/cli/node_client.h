#pragma once

// Client library of the UPT node API with an absl::Status interface (FromGrpcStatus at the
// edge). Each call carries a deadline of `timeout`. Thread-safe (the gRPC stub is).

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "grpcpp/security/credentials.h"
#include "unggul/node/v1/node_service.grpc.pb.h"

namespace unggul::cli {

class NodeClient {
 public:
  // Dials `addr` (host:port) with `credentials`; every call carries `token` as
  // "authorization: Bearer <token>" when it is not empty. Never fails: errors show on the first
  // call (UNAVAILABLE when nothing listens).
  static std::unique_ptr<NodeClient> Connect(
      const std::string& addr, absl::Duration timeout,
      std::shared_ptr<grpc::ChannelCredentials> credentials = grpc::InsecureChannelCredentials(),
      std::string token = "");
  // Over an existing channel (tests use a server's in-process channel).
  NodeClient(std::shared_ptr<grpc::ChannelInterface> channel, absl::Duration timeout,
             std::string token = "");

  absl::StatusOr<node::v1::NodeInfo> GetNodeInfo();
  // Waits up to `wait` (the call's deadline) for the Kanwil to acknowledge min_acked_seq.
  absl::StatusOr<node::v1::NodeInfo> WaitForSync(uint64_t min_acked_seq, absl::Duration wait,
                                                 uint64_t min_designation_revision = 0);
  absl::StatusOr<node::v1::ProductResponse> CreateProduct(const node::v1::CreateProductRequest&);
  absl::StatusOr<node::v1::ProductResponse> UpdateProduct(const node::v1::UpdateProductRequest&);
  absl::StatusOr<node::v1::ProductResponse> GetProduct(const node::v1::GetProductRequest&);
  absl::StatusOr<node::v1::ListProductsResponse> ListProducts(const node::v1::ListProductsRequest&);
  absl::StatusOr<node::v1::ProductResponse> RetireProduct(const node::v1::RetireProductRequest&);
  // Every record kind but products, through the generic RPCs (a new kind needs nothing here).
  absl::StatusOr<node::v1::WriteRecordResponse> WriteRecord(const node::v1::WriteRecordRequest&);
  absl::StatusOr<node::v1::GetRecordResponse> GetRecord(const node::v1::GetRecordRequest&);
  absl::StatusOr<node::v1::ListRecordsOfKindResponse> ListRecordsOfKind(
      const node::v1::ListRecordsOfKindRequest&);
  absl::StatusOr<node::v1::ListDesignationsResponse> ListDesignations(
      const node::v1::ListDesignationsRequest&);

 private:
  std::unique_ptr<node::v1::UptNode::Stub> stub_;
  absl::Duration timeout_;
  std::string token_;
};

}  // namespace unggul::cli

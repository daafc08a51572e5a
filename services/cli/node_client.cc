#include "services/cli/node_client.h"

#include "common/status/grpc_status.h"
#include "common/time/clock.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"

namespace unggul::cli {
namespace {

using namespace node::v1;  // NOLINT: generated names only

// Calls `method` on `stub` with a deadline and converts the status.
template <typename Response, typename Request, typename Method>
absl::StatusOr<Response> Call(UptNode::Stub& stub, Method method, const Request& request,
                              absl::Duration timeout, const std::string& token) {
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(RealClock().Now() + timeout));
  if (!token.empty()) context.AddMetadata("authorization", "Bearer " + token);
  Response response;
  grpc::Status status = (stub.*method)(&context, request, &response);
  if (!status.ok()) return FromGrpcStatus(status);
  return response;
}

}  // namespace

std::unique_ptr<NodeClient> NodeClient::Connect(
    const std::string& addr, absl::Duration timeout,
    std::shared_ptr<grpc::ChannelCredentials> credentials, std::string token) {
  return std::make_unique<NodeClient>(grpc::CreateChannel(addr, std::move(credentials)), timeout,
                                      std::move(token));
}

NodeClient::NodeClient(std::shared_ptr<grpc::ChannelInterface> channel, absl::Duration timeout,
                       std::string token)
    : stub_(UptNode::NewStub(channel)), timeout_(timeout), token_(std::move(token)) {}

#define UNGGUL_CLIENT_METHOD(Name, Request, Response)                               \
  absl::StatusOr<Response> NodeClient::Name(const Request& request) {               \
    return Call<Response>(*stub_, &UptNode::Stub::Name, request, timeout_, token_); \
  }

absl::StatusOr<NodeInfo> NodeClient::GetNodeInfo() {
  return Call<NodeInfo>(*stub_, &UptNode::Stub::GetNodeInfo, GetNodeInfoRequest(), timeout_,
                        token_);
}
absl::StatusOr<NodeInfo> NodeClient::WaitForSync(uint64_t min_acked_seq, absl::Duration wait,
                                                 uint64_t min_designation_revision) {
  WaitForSyncRequest request;
  request.set_min_acked_seq(min_acked_seq);
  request.set_min_designation_revision(min_designation_revision);
  return Call<NodeInfo>(*stub_, &UptNode::Stub::WaitForSync, request, wait, token_);
}
UNGGUL_CLIENT_METHOD(CreateProduct, CreateProductRequest, ProductResponse)
UNGGUL_CLIENT_METHOD(UpdateProduct, UpdateProductRequest, ProductResponse)
UNGGUL_CLIENT_METHOD(GetProduct, GetProductRequest, ProductResponse)
UNGGUL_CLIENT_METHOD(ListProducts, ListProductsRequest, ListProductsResponse)
UNGGUL_CLIENT_METHOD(RetireProduct, RetireProductRequest, ProductResponse)
UNGGUL_CLIENT_METHOD(ListDesignations, ListDesignationsRequest, ListDesignationsResponse)
UNGGUL_CLIENT_METHOD(WriteRecord, WriteRecordRequest, WriteRecordResponse)
UNGGUL_CLIENT_METHOD(GetRecord, GetRecordRequest, GetRecordResponse)
UNGGUL_CLIENT_METHOD(ListRecordsOfKind, ListRecordsOfKindRequest, ListRecordsOfKindResponse)

#undef UNGGUL_CLIENT_METHOD

}  // namespace unggul::cli

#include "services/cli/kanwil_client.h"

#include "absl/time/clock.h"
#include "common/status/grpc_status.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"

namespace unggul::cli {
namespace {

namespace kv1 = ::unggul::kanwil::v1;

template <typename Response, typename Request, typename Method>
absl::StatusOr<Response> Call(kv1::KanwilDashboard::Stub& stub, Method method,
                              const Request& request, absl::Duration timeout) {
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + timeout));
  Response response;
  grpc::Status status = (stub.*method)(&context, request, &response);
  if (!status.ok()) return FromGrpcStatus(status);
  return response;
}

}  // namespace

std::unique_ptr<KanwilClient> KanwilClient::Connect(const std::string& addr,
                                                    absl::Duration timeout) {
  return std::make_unique<KanwilClient>(
      grpc::CreateChannel(addr, grpc::InsecureChannelCredentials()), timeout);
}

KanwilClient::KanwilClient(std::shared_ptr<grpc::ChannelInterface> channel, absl::Duration timeout)
    : stub_(kv1::KanwilDashboard::NewStub(channel)), timeout_(timeout) {}

absl::StatusOr<kv1::ListUptsResponse> KanwilClient::ListUpts() {
  return Call<kv1::ListUptsResponse>(*stub_, &kv1::KanwilDashboard::Stub::ListUpts,
                                     kv1::ListUptsRequest(), timeout_);
}

absl::StatusOr<kv1::ListProductsResponse> KanwilClient::ListProducts(
    const kv1::ListProductsRequest& request) {
  return Call<kv1::ListProductsResponse>(*stub_, &kv1::KanwilDashboard::Stub::ListProducts, request,
                                         timeout_);
}

absl::StatusOr<kv1::GetProductResponse> KanwilClient::GetProduct(const std::string& product_id) {
  kv1::GetProductRequest request;
  request.set_product_id(product_id);
  return Call<kv1::GetProductResponse>(*stub_, &kv1::KanwilDashboard::Stub::GetProduct, request,
                                       timeout_);
}

absl::StatusOr<kv1::UptDigest> KanwilClient::GetUptDigest(const std::string& upt_code) {
  kv1::GetUptDigestRequest request;
  request.set_upt_code(upt_code);
  return Call<kv1::UptDigest>(*stub_, &kv1::KanwilDashboard::Stub::GetUptDigest, request, timeout_);
}

}  // namespace unggul::cli

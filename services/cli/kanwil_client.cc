#include "services/cli/kanwil_client.h"

#include "common/status/grpc_status.h"
#include "common/time/clock.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"

namespace unggul::cli {
namespace {

namespace kv1 = ::unggul::kanwil::v1;

template <typename Response, typename Stub, typename Request, typename Method>
absl::StatusOr<Response> Call(Stub& stub, Method method, const Request& request,
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

std::unique_ptr<KanwilClient> KanwilClient::Connect(
    const std::string& addr, absl::Duration timeout, std::string token,
    std::shared_ptr<grpc::ChannelCredentials> credentials) {
  return std::make_unique<KanwilClient>(grpc::CreateChannel(addr, std::move(credentials)), timeout,
                                        std::move(token));
}

KanwilClient::KanwilClient(std::shared_ptr<grpc::ChannelInterface> channel, absl::Duration timeout,
                           std::string token)
    : stub_(kv1::KanwilDashboard::NewStub(channel)),
      designations_(kv1::KanwilDesignations::NewStub(channel)),
      timeout_(timeout),
      token_(std::move(token)) {}

absl::StatusOr<kv1::ListUptsResponse> KanwilClient::ListUpts() {
  return Call<kv1::ListUptsResponse>(*stub_, &kv1::KanwilDashboard::Stub::ListUpts,
                                     kv1::ListUptsRequest(), timeout_, token_);
}

absl::StatusOr<kv1::ListProductsResponse> KanwilClient::ListProducts(
    const kv1::ListProductsRequest& request) {
  return Call<kv1::ListProductsResponse>(*stub_, &kv1::KanwilDashboard::Stub::ListProducts, request,
                                         timeout_, token_);
}

absl::StatusOr<kv1::GetProductResponse> KanwilClient::GetProduct(const std::string& product_id) {
  kv1::GetProductRequest request;
  request.set_product_id(product_id);
  return Call<kv1::GetProductResponse>(*stub_, &kv1::KanwilDashboard::Stub::GetProduct, request,
                                       timeout_, token_);
}

absl::StatusOr<kv1::UptDigest> KanwilClient::GetUptDigest(const std::string& upt_code) {
  kv1::GetUptDigestRequest request;
  request.set_upt_code(upt_code);
  return Call<kv1::UptDigest>(*stub_, &kv1::KanwilDashboard::Stub::GetUptDigest, request, timeout_,
                              token_);
}

absl::StatusOr<kv1::Ranking> KanwilClient::GetRanking(const kv1::GetRankingRequest& request) {
  return Call<kv1::Ranking>(*stub_, &kv1::KanwilDashboard::Stub::GetRanking, request, timeout_,
                            token_);
}

absl::StatusOr<kv1::ProductScore> KanwilClient::GetProductScore(
    const kv1::GetProductScoreRequest& request) {
  return Call<kv1::ProductScore>(*stub_, &kv1::KanwilDashboard::Stub::GetProductScore, request,
                                 timeout_, token_);
}

absl::StatusOr<kv1::ProductMap> KanwilClient::GetProductMap(const kv1::GetRankingRequest& request) {
  return Call<kv1::ProductMap>(*stub_, &kv1::KanwilDashboard::Stub::GetProductMap, request,
                               timeout_, token_);
}

absl::StatusOr<kv1::Assessment> KanwilClient::SubmitAssessment(const kv1::Assessment& request) {
  return Call<kv1::Assessment>(*stub_, &kv1::KanwilDashboard::Stub::SubmitAssessment, request,
                               timeout_, token_);
}

absl::StatusOr<kv1::VerifyMonthlyReportsResponse> KanwilClient::VerifyMonthlyReports(
    const kv1::VerifyMonthlyReportsRequest& request) {
  return Call<kv1::VerifyMonthlyReportsResponse>(
      *stub_, &kv1::KanwilDashboard::Stub::VerifyMonthlyReports, request, timeout_, token_);
}

absl::StatusOr<kv1::Incident> KanwilClient::RecordIncident(
    const kv1::RecordIncidentRequest& request) {
  return Call<kv1::Incident>(*stub_, &kv1::KanwilDashboard::Stub::RecordIncident, request, timeout_,
                             token_);
}

absl::StatusOr<kv1::Incident> KanwilClient::CloseIncident(
    const kv1::CloseIncidentRequest& request) {
  return Call<kv1::Incident>(*stub_, &kv1::KanwilDashboard::Stub::CloseIncident, request, timeout_,
                             token_);
}

absl::StatusOr<kv1::ListIncidentsResponse> KanwilClient::ListIncidents(
    const kv1::ListIncidentsRequest& request) {
  return Call<kv1::ListIncidentsResponse>(*stub_, &kv1::KanwilDashboard::Stub::ListIncidents,
                                          request, timeout_, token_);
}

absl::StatusOr<kv1::Designation> KanwilClient::CreateDesignation(
    const kv1::CreateDesignationRequest& request) {
  return Call<kv1::Designation>(*designations_, &kv1::KanwilDesignations::Stub::CreateDesignation,
                                request, timeout_, token_);
}

absl::StatusOr<kv1::Designation> KanwilClient::TransitionDesignation(
    const kv1::TransitionDesignationRequest& request) {
  return Call<kv1::Designation>(*designations_,
                                &kv1::KanwilDesignations::Stub::TransitionDesignation, request,
                                timeout_, token_);
}

absl::StatusOr<kv1::ListDesignationsResponse> KanwilClient::ListDesignations(
    const kv1::ListDesignationsRequest& request) {
  return Call<kv1::ListDesignationsResponse>(
      *designations_, &kv1::KanwilDesignations::Stub::ListDesignations, request, timeout_, token_);
}

absl::StatusOr<kv1::GetAuditLogResponse> KanwilClient::GetAuditLog(
    const kv1::GetAuditLogRequest& request) {
  return Call<kv1::GetAuditLogResponse>(*designations_, &kv1::KanwilDesignations::Stub::GetAuditLog,
                                        request, timeout_, token_);
}

absl::StatusOr<kv1::VerifyAuditLogResponse> KanwilClient::VerifyAuditLog() {
  return Call<kv1::VerifyAuditLogResponse>(*designations_,
                                           &kv1::KanwilDesignations::Stub::VerifyAuditLog,
                                           kv1::VerifyAuditLogRequest(), timeout_, token_);
}

}  // namespace unggul::cli

#include "services/aggregator/grpc/kanwil_dashboard_service.h"

#include <utility>

#include "common/auth/grpc_auth.h"
#include "common/status/grpc_status.h"

namespace unggul::aggregator {
namespace {

template <typename T>
grpc::Status Reply(absl::StatusOr<T> result, T* response) {
  if (!result.ok()) return ToGrpcStatus(result.status());
  *response = *std::move(result);
  return grpc::Status::OK;
}

}  // namespace

grpc::Status KanwilDashboardServiceImpl::ListUpts(grpc::ServerContext*,
                                                  const kanwil::v1::ListUptsRequest*,
                                                  kanwil::v1::ListUptsResponse* response) {
  return Reply(core_.ListUpts(), response);
}

grpc::Status KanwilDashboardServiceImpl::ListProducts(
    grpc::ServerContext*, const kanwil::v1::ListProductsRequest* request,
    kanwil::v1::ListProductsResponse* response) {
  return Reply(core_.ListProducts(*request), response);
}

grpc::Status KanwilDashboardServiceImpl::GetProduct(grpc::ServerContext*,
                                                    const kanwil::v1::GetProductRequest* request,
                                                    kanwil::v1::GetProductResponse* response) {
  return Reply(core_.GetProduct(request->product_id()), response);
}

grpc::Status KanwilDashboardServiceImpl::GetUptDigest(
    grpc::ServerContext*, const kanwil::v1::GetUptDigestRequest* request,
    kanwil::v1::UptDigest* response) {
  return Reply(core_.GetUptDigest(request->upt_code()), response);
}

grpc::Status KanwilDashboardServiceImpl::GetRanking(grpc::ServerContext*,
                                                    const kanwil::v1::GetRankingRequest* request,
                                                    kanwil::v1::Ranking* response) {
  return Reply(ranking_.Rank(*request), response);
}

grpc::Status KanwilDashboardServiceImpl::GetProductScore(
    grpc::ServerContext*, const kanwil::v1::GetProductScoreRequest* request,
    kanwil::v1::ProductScore* response) {
  return Reply(ranking_.ScoreOf(*request), response);
}

grpc::Status KanwilDashboardServiceImpl::GetProductMap(grpc::ServerContext*,
                                                       const kanwil::v1::GetRankingRequest* request,
                                                       kanwil::v1::ProductMap* response) {
  return Reply(ranking_.Map(*request), response);
}

grpc::Status KanwilDashboardServiceImpl::SubmitAssessment(grpc::ServerContext*,
                                                          const kanwil::v1::Assessment* request,
                                                          kanwil::v1::Assessment* response) {
  return Reply(panel_.SubmitAssessment(*request), response);
}

grpc::Status KanwilDashboardServiceImpl::VerifyMonthlyReports(
    grpc::ServerContext* context, const kanwil::v1::VerifyMonthlyReportsRequest* request,
    kanwil::v1::VerifyMonthlyReportsResponse* response) {
  absl::StatusOr<std::optional<auth::Identity>> who = auth_.ActingPerson(*context);
  if (!who.ok()) return ToGrpcStatus(who.status());
  kanwil::v1::VerifyMonthlyReportsRequest req = *request;
  if (*who) req.set_verified_by((*who)->user);
  return Reply(panel_.VerifyMonthlyReports(req), response);
}

grpc::Status KanwilDashboardServiceImpl::RecordIncident(
    grpc::ServerContext* context, const kanwil::v1::RecordIncidentRequest* request,
    kanwil::v1::Incident* response) {
  absl::StatusOr<std::optional<auth::Identity>> who = auth_.ActingPerson(*context);
  if (!who.ok()) return ToGrpcStatus(who.status());
  kanwil::v1::RecordIncidentRequest req = *request;
  if (*who) req.mutable_incident()->set_recorded_by((*who)->user);
  return Reply(incidents_.RecordIncident(req), response);
}

grpc::Status KanwilDashboardServiceImpl::CloseIncident(
    grpc::ServerContext* context, const kanwil::v1::CloseIncidentRequest* request,
    kanwil::v1::Incident* response) {
  absl::StatusOr<std::optional<auth::Identity>> who = auth_.ActingPerson(*context);
  if (!who.ok()) return ToGrpcStatus(who.status());
  kanwil::v1::CloseIncidentRequest req = *request;
  if (*who) req.set_closed_by((*who)->user);
  return Reply(incidents_.CloseIncident(req), response);
}

grpc::Status KanwilDashboardServiceImpl::ListIncidents(
    grpc::ServerContext*, const kanwil::v1::ListIncidentsRequest* request,
    kanwil::v1::ListIncidentsResponse* response) {
  return Reply(incidents_.ListIncidents(*request), response);
}

}  // namespace unggul::aggregator

#pragma once

// Client library of the Kanwil dashboard API with an absl::Status interface. Thread-safe.

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "grpcpp/security/credentials.h"
#include "unggul/kanwil/v1/dashboard.grpc.pb.h"
#include "unggul/kanwil/v1/designation.grpc.pb.h"

namespace unggul::cli {

class KanwilClient {
 public:
  // `token` (optional) is sent as "authorization: Bearer <token>" on every call.
  static std::unique_ptr<KanwilClient> Connect(
      const std::string& addr, absl::Duration timeout, std::string token,
      std::shared_ptr<grpc::ChannelCredentials> credentials = grpc::InsecureChannelCredentials());
  KanwilClient(std::shared_ptr<grpc::ChannelInterface> channel, absl::Duration timeout,
               std::string token = "");

  absl::StatusOr<kanwil::v1::ListUptsResponse> ListUpts();
  absl::StatusOr<kanwil::v1::ListProductsResponse> ListProducts(
      const kanwil::v1::ListProductsRequest& request);
  absl::StatusOr<kanwil::v1::GetProductResponse> GetProduct(const std::string& product_id);
  absl::StatusOr<kanwil::v1::UptDigest> GetUptDigest(const std::string& upt_code);
  absl::StatusOr<kanwil::v1::Ranking> GetRanking(const kanwil::v1::GetRankingRequest& request);
  absl::StatusOr<kanwil::v1::ProductScore> GetProductScore(
      const kanwil::v1::GetProductScoreRequest& request);
  absl::StatusOr<kanwil::v1::ProductMap> GetProductMap(
      const kanwil::v1::GetRankingRequest& request);
  absl::StatusOr<kanwil::v1::Assessment> SubmitAssessment(const kanwil::v1::Assessment& request);
  absl::StatusOr<kanwil::v1::VerifyMonthlyReportsResponse> VerifyMonthlyReports(
      const kanwil::v1::VerifyMonthlyReportsRequest& request);
  absl::StatusOr<kanwil::v1::Incident> RecordIncident(
      const kanwil::v1::RecordIncidentRequest& request);
  absl::StatusOr<kanwil::v1::Incident> CloseIncident(
      const kanwil::v1::CloseIncidentRequest& request);
  absl::StatusOr<kanwil::v1::ListIncidentsResponse> ListIncidents(
      const kanwil::v1::ListIncidentsRequest& request);

  absl::StatusOr<kanwil::v1::Designation> CreateDesignation(
      const kanwil::v1::CreateDesignationRequest& request);
  absl::StatusOr<kanwil::v1::Designation> TransitionDesignation(
      const kanwil::v1::TransitionDesignationRequest& request);
  absl::StatusOr<kanwil::v1::ListDesignationsResponse> ListDesignations(
      const kanwil::v1::ListDesignationsRequest& request);
  absl::StatusOr<kanwil::v1::GetAuditLogResponse> GetAuditLog(
      const kanwil::v1::GetAuditLogRequest& request);
  absl::StatusOr<kanwil::v1::VerifyAuditLogResponse> VerifyAuditLog();

 private:
  std::unique_ptr<kanwil::v1::KanwilDashboard::Stub> stub_;
  std::unique_ptr<kanwil::v1::KanwilDesignations::Stub> designations_;
  absl::Duration timeout_;
  std::string token_;
};

}  // namespace unggul::cli

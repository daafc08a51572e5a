#pragma once

// gRPC adapter of the Kanwil dashboard API (sync API): unpack, call DashboardCore, map status.

#include "common/auth/grpc_auth.h"
#include "services/aggregator/core/dashboard_core.h"
#include "services/aggregator/core/incident_core.h"
#include "services/aggregator/core/panel_core.h"
#include "services/aggregator/core/ranking_core.h"
#include "unggul/kanwil/v1/dashboard.grpc.pb.h"

namespace unggul::aggregator {

class KanwilDashboardServiceImpl final : public kanwil::v1::KanwilDashboard::Service {
 public:
  // Who may call what is decided before any handler (roles.h, common/auth); the writes that
  // record a person (incidents, labour verification) take the authenticated user.
  KanwilDashboardServiceImpl(const DashboardCore& core, RankingCore& ranking, PanelCore& panel,
                             IncidentCore& incidents, auth::AuthProcessor& auth)
      : core_(core), ranking_(ranking), panel_(panel), incidents_(incidents), auth_(auth) {}

  grpc::Status ListUpts(grpc::ServerContext*, const kanwil::v1::ListUptsRequest*,
                        kanwil::v1::ListUptsResponse*) override;
  grpc::Status ListProducts(grpc::ServerContext*, const kanwil::v1::ListProductsRequest*,
                            kanwil::v1::ListProductsResponse*) override;
  grpc::Status GetProduct(grpc::ServerContext*, const kanwil::v1::GetProductRequest*,
                          kanwil::v1::GetProductResponse*) override;
  grpc::Status GetUptDigest(grpc::ServerContext*, const kanwil::v1::GetUptDigestRequest*,
                            kanwil::v1::UptDigest*) override;
  grpc::Status GetRanking(grpc::ServerContext*, const kanwil::v1::GetRankingRequest*,
                          kanwil::v1::Ranking*) override;
  grpc::Status GetProductScore(grpc::ServerContext*, const kanwil::v1::GetProductScoreRequest*,
                               kanwil::v1::ProductScore*) override;
  grpc::Status GetProductMap(grpc::ServerContext*, const kanwil::v1::GetRankingRequest*,
                             kanwil::v1::ProductMap*) override;
  grpc::Status SubmitAssessment(grpc::ServerContext*, const kanwil::v1::Assessment*,
                                kanwil::v1::Assessment*) override;
  grpc::Status VerifyMonthlyReports(grpc::ServerContext*,
                                    const kanwil::v1::VerifyMonthlyReportsRequest*,
                                    kanwil::v1::VerifyMonthlyReportsResponse*) override;
  grpc::Status RecordIncident(grpc::ServerContext*, const kanwil::v1::RecordIncidentRequest*,
                              kanwil::v1::Incident*) override;
  grpc::Status CloseIncident(grpc::ServerContext*, const kanwil::v1::CloseIncidentRequest*,
                             kanwil::v1::Incident*) override;
  grpc::Status ListIncidents(grpc::ServerContext*, const kanwil::v1::ListIncidentsRequest*,
                             kanwil::v1::ListIncidentsResponse*) override;

 private:
  const DashboardCore& core_;
  RankingCore& ranking_;
  PanelCore& panel_;
  IncidentCore& incidents_;
  auth::AuthProcessor& auth_;
};

}  // namespace unggul::aggregator

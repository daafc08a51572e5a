// The dashboard's gRPC adapter over an in-process channel: statuses reach the client with the
// core's code and message, and bearer tokens map callers to roles.

#include "services/aggregator/grpc/kanwil_dashboard_service.h"

#include <memory>
#include <string>

#include "common/testing/status_matchers.h"
#include "common/time/clock.h"
#include "gmock/gmock.h"
#include "grpcpp/server.h"
#include "grpcpp/server_builder.h"
#include "gtest/gtest.h"
#include "services/aggregator/ranking/default_model.h"
#include "services/aggregator/ranking/model.h"
#include "services/aggregator/testing/kanwil_test_bed.h"

namespace unggul::aggregator {
namespace {

namespace kv1 = ::unggul::kanwil::v1;
using ::testing::HasSubstr;

using testing::kLahat;
constexpr char kViewer[] = "viewer-token-0123456789";
constexpr char kVerifier[] = "verifier-token-0123456789";

class DashboardServiceTest : public ::testing::Test {
 protected:
  void Start(const std::string& tokens_csv) {
    auto model = ParseScoringModel(DefaultScoringModelJson());
    ASSERT_TRUE(model.ok()) << model.status();
    ranking_ = std::make_unique<RankingCore>(kanwil_.store(), kanwil_.store().panel(),
                                             kanwil_.sync(), kanwil_.clock(), *model);
    incidents_ = std::make_unique<IncidentCore>(kanwil_.store(), kanwil_.store().panel(),
                                                kanwil_.sync(), kanwil_.clock());
    panel_ = std::make_unique<PanelCore>(kanwil_.store(), kanwil_.store().panel(), kanwil_.sync(),
                                         kanwil_.clock());
    dashboard_ = std::make_unique<DashboardCore>(kanwil_.store(), kanwil_.sync());
    if (!tokens_csv.empty()) {
      auto access = AccessPolicy::Parse(tokens_csv);
      ASSERT_TRUE(access.ok()) << access.status();
      access_ = *std::move(access);
    }
    service_ = std::make_unique<KanwilDashboardServiceImpl>(*dashboard_, *ranking_, *panel_,
                                                            *incidents_, access_);
    grpc::ServerBuilder builder;
    builder.RegisterService(service_.get());
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    stub_ = kv1::KanwilDashboard::NewStub(server_->InProcessChannel(grpc::ChannelArguments()));
  }

  void TearDown() override {
    if (server_ != nullptr) server_->Shutdown();
  }

  static std::unique_ptr<grpc::ClientContext> Context(const std::string& token = "") {
    auto context = std::make_unique<grpc::ClientContext>();
    context->set_deadline(absl::ToChronoTime(unggul::RealClock().Now() + absl::Seconds(30)));
    if (!token.empty()) context->AddMetadata("authorization", "Bearer " + token);
    return context;
  }

  testing::KanwilTestBed kanwil_;
  std::unique_ptr<RankingCore> ranking_;
  std::unique_ptr<PanelCore> panel_;
  std::unique_ptr<IncidentCore> incidents_;
  std::unique_ptr<DashboardCore> dashboard_;
  AccessPolicy access_;
  std::unique_ptr<KanwilDashboardServiceImpl> service_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<kv1::KanwilDashboard::Stub> stub_;
};

TEST_F(DashboardServiceTest, CoreStatusesReachTheClientWithCodeAndMessage) {
  Start("");
  kv1::ListUptsResponse upts;
  ASSERT_TRUE(stub_->ListUpts(Context().get(), kv1::ListUptsRequest(), &upts).ok());
  ASSERT_EQ(upts.upts_size(), 3);
  EXPECT_EQ(upts.upts(0).official_name(), "Lapas Kelas IIA Lahat");

  kv1::GetProductRequest product;
  product.set_product_id("SMS-LP-LAHAT-TIDAKADA");
  kv1::GetProductResponse got;
  grpc::Status s = stub_->GetProduct(Context().get(), product, &got);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(s.error_message(), "product SMS-LP-LAHAT-TIDAKADA not found");

  kv1::GetRankingRequest ranking;
  ranking.set_start_month("2026-10");
  ranking.set_end_month("2025-11");
  kv1::Ranking out;
  s = stub_->GetRanking(Context().get(), ranking, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("end_month: must not be before start_month"));
  ranking.set_end_month("2026-13");
  s = stub_->GetRanking(Context().get(), ranking, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("end_month: must be a month YYYY-MM, got \"2026-13\""));
}

TEST_F(DashboardServiceTest, BearerTokensMapCallersToRoles) {
  Start(absl::StrCat("token,user,role\n", kViewer, ",dasbor,viewer\n", kVerifier,
                     ",kasi.bimker,verifier\n"));
  kv1::ListUptsResponse upts;
  grpc::Status s = stub_->ListUpts(Context().get(), kv1::ListUptsRequest(), &upts);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  s = stub_->ListUpts(Context("wrong-token-0123456789").get(), kv1::ListUptsRequest(), &upts);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_TRUE(stub_->ListUpts(Context(kViewer).get(), kv1::ListUptsRequest(), &upts).ok());

  kv1::VerifyMonthlyReportsRequest verify;
  verify.set_upt_code(kLahat);
  verify.set_verified_by("kasi.bimker");
  verify.set_start_month("2025-11");
  verify.set_end_month("2026-10");
  kv1::VerifyMonthlyReportsResponse verified;
  s = stub_->VerifyMonthlyReports(Context(kViewer).get(), verify, &verified);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  ASSERT_TRUE(stub_->VerifyMonthlyReports(Context(kVerifier).get(), verify, &verified).ok());
  EXPECT_EQ(verified.product_months_verified(), 0);  // nothing synced yet
}

}  // namespace
}  // namespace unggul::aggregator

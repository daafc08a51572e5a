// The dashboard's gRPC adapter on a loopback port with the Kanwil's auth processor (local
// credentials, as --insecure serves): statuses reach the client with the core's code and
// message, bearer tokens of the access policy map callers to roles, and the person recorded is
// the authenticated one.

#include "services/aggregator/grpc/kanwil_dashboard_service.h"

#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/auth/grpc_auth.h"
#include "common/auth/policy_file.h"
#include "common/testing/status_matchers.h"
#include "common/testing/temp_dir.h"
#include "common/time/clock.h"
#include "gmock/gmock.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/server.h"
#include "grpcpp/server_builder.h"
#include "gtest/gtest.h"
#include "services/aggregator/grpc/roles.h"
#include "services/aggregator/ranking/default_model.h"
#include "services/aggregator/ranking/model.h"
#include "services/aggregator/testing/kanwil_test_bed.h"

namespace unggul::aggregator {
namespace {

namespace kv1 = ::unggul::kanwil::v1;
using ::testing::HasSubstr;

using testing::kLahat;

class DashboardServiceTest : public ::testing::Test {
 protected:
  // `policy` null: open, as --insecure without --access_policy.
  void Start(const auth::AccessPolicy* policy) {
    auto model = ParseScoringModel(DefaultScoringModelJson());
    ASSERT_TRUE(model.ok()) << model.status();
    ranking_ = std::make_unique<RankingCore>(kanwil_.store(), kanwil_.store().panel(),
                                             kanwil_.sync(), kanwil_.clock(), *model);
    incidents_ = std::make_unique<IncidentCore>(kanwil_.store(), kanwil_.store().panel(),
                                                kanwil_.sync(), kanwil_.clock());
    panel_ = std::make_unique<PanelCore>(kanwil_.store(), kanwil_.store().panel(), kanwil_.sync(),
                                         kanwil_.clock());
    dashboard_ = std::make_unique<DashboardCore>(kanwil_.store(), kanwil_.sync());
    std::unique_ptr<auth::PolicyFile> policy_file;
    if (policy != nullptr) {
      const std::string path = dir_.path() + "/access.csv";
      ASSERT_TRUE(auth::CreatePolicyFile(path, auth::Service::kKanwil).ok());
      ASSERT_TRUE(auth::EditPolicyFile(path, [&](auth::AccessPolicy& p) {
                    p = *policy;
                    return absl::OkStatus();
                  }).ok());
      auto opened = auth::PolicyFile::Open(path, auth::Service::kKanwil);
      ASSERT_TRUE(opened.ok()) << opened.status();
      policy_file = *std::move(opened);
    }
    auto processor = std::make_shared<auth::AuthProcessor>(
        auth::Authorizer(KanwilRoleTable(), "ADMIN", /*plaintext=*/true), std::move(policy_file),
        nullptr);
    service_ = std::make_unique<KanwilDashboardServiceImpl>(*dashboard_, *ranking_, *panel_,
                                                            *incidents_, *processor);
    processor_ = processor;
    tls::TlsFiles files;
    files.insecure = true;
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort(
        "127.0.0.1:0",
        auth::ServerCredentialsWithAuth(files, tls::ClientCerts::kOptional, processor), &port);
    builder.RegisterService(service_.get());
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    stub_ = kv1::KanwilDashboard::NewStub(
        grpc::CreateChannel(absl::StrCat("127.0.0.1:", port), grpc::InsecureChannelCredentials()));
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

  unggul::testing::ScopedTempDir dir_;
  std::shared_ptr<auth::AuthProcessor> processor_;
  testing::KanwilTestBed kanwil_;
  std::unique_ptr<RankingCore> ranking_;
  std::unique_ptr<PanelCore> panel_;
  std::unique_ptr<IncidentCore> incidents_;
  std::unique_ptr<DashboardCore> dashboard_;
  std::unique_ptr<KanwilDashboardServiceImpl> service_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<kv1::KanwilDashboard::Stub> stub_;
};

TEST_F(DashboardServiceTest, CoreStatusesReachTheClientWithCodeAndMessage) {
  Start(nullptr);
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

TEST_F(DashboardServiceTest, BearerTokensMapCallersToRolesAndTheVerifierIsTheCaller) {
  auth::AccessPolicy policy(auth::Service::kKanwil);
  UNGGUL_ASSERT_OK_AND_ASSIGN(const std::string kViewer, policy.AddToken("dasbor", "VIEWER"));
  UNGGUL_ASSERT_OK_AND_ASSIGN(const std::string kVerifier,
                              policy.AddToken("kasi.bimker", "VERIFIER"));
  Start(&policy);
  kv1::ListUptsResponse upts;
  grpc::Status s = stub_->ListUpts(Context().get(), kv1::ListUptsRequest(), &upts);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  std::string wrong = kViewer;
  wrong.back() = wrong.back() == 'a' ? 'b' : 'a';
  s = stub_->ListUpts(Context(wrong).get(), kv1::ListUptsRequest(), &upts);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_TRUE(stub_->ListUpts(Context(kViewer).get(), kv1::ListUptsRequest(), &upts).ok());

  kv1::VerifyMonthlyReportsRequest verify;
  verify.set_upt_code(kLahat);
  verify.set_verified_by("someone.else");  // display only: the caller is recorded
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

#include "common/auth/authorizer.h"

#include "absl/strings/str_cat.h"
#include "common/testing/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace unggul::auth {
namespace {

using ::testing::HasSubstr;
using ::unggul::testing::StatusIs;

constexpr char kList[] = "/unggul.kanwil.v1.KanwilDesignations/ListDesignations";
constexpr char kCreate[] = "/unggul.kanwil.v1.KanwilDesignations/CreateDesignation";
constexpr char kSync[] = "/unggul.sync.v1.KanwilSync/Sync";

RoleTable Table() {
  return {{kList, {"VIEWER", "PROPOSER", "ADMIN"}},
          {kCreate, {"PROPOSER", "ADMIN"}},
          {kSync, {kUptNode}}};
}

pki::PeerId Person(const std::string& user) {
  return pki::PeerId{pki::PeerId::Kind::kUser, "SUMSEL", user};
}

class AuthorizerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    UNGGUL_ASSERT_OK_AND_ASSIGN(viewer_, policy_.AddToken("budi", "VIEWER"));
    UNGGUL_ASSERT_OK_AND_ASSIGN(proposer_, policy_.AddToken("sari", "PROPOSER"));
    UNGGUL_ASSERT_OK(policy_.Grant(pki::SpiffeUri(Person("ani")), "PROPOSER"));
  }
  Caller Bearer(const std::string& token) {
    Caller c;
    c.authorization = absl::StrCat("Bearer ", token);
    return c;
  }
  Caller Cert(const pki::PeerId& id, bool revoked = false) {
    Caller c;
    c.cert = id;
    c.cert_serial = "8a1f";
    c.cert_revoked = revoked;
    return c;
  }

  AccessPolicy policy_{Service::kKanwil};
  std::string viewer_, proposer_;
  Authorizer tls_{Table(), "ADMIN", /*plaintext=*/false};
};

TEST_F(AuthorizerTest, RoleInTheEntryIsAllowedOthersAreDeniedNamingTheRule) {
  UNGGUL_ASSERT_OK_AND_ASSIGN(Identity who, tls_.Decide(kCreate, Bearer(proposer_), &policy_));
  EXPECT_EQ(who.user, "sari");
  UNGGUL_EXPECT_OK(tls_.Decide(kList, Bearer(viewer_), &policy_));
  EXPECT_THAT(tls_.Decide(kCreate, Bearer(viewer_), &policy_),
              StatusIs(absl::StatusCode::kPermissionDenied,
                       HasSubstr("CreateDesignation: needs PROPOSER or ADMIN; budi (role VIEWER")));
}

TEST_F(AuthorizerTest, CertificateOfAPersonTakesItsRoleFromThePolicy) {
  UNGGUL_ASSERT_OK_AND_ASSIGN(Identity who, tls_.Decide(kCreate, Cert(Person("ani")), &policy_));
  EXPECT_EQ(who.kind, Identity::Kind::kCert);
  EXPECT_EQ(who.user, "ani");
  EXPECT_EQ(who.role, "PROPOSER");
  EXPECT_THAT(tls_.Decide(kList, Cert(Person("dodi")), &policy_),
              StatusIs(absl::StatusCode::kPermissionDenied, HasSubstr("dodi (no role")));
  EXPECT_THAT(tls_.Decide(kList, Cert(Person("ani"), /*revoked=*/true), &policy_),
              StatusIs(absl::StatusCode::kPermissionDenied,
                       "certificate 8a1f of spiffe://unggul/kanwil/SUMSEL/user/ani is revoked"));
}

TEST_F(AuthorizerTest, NoCredentialsOrABadHeaderIsUnauthenticated) {
  EXPECT_THAT(tls_.Decide(kList, Caller{}, &policy_),
              StatusIs(absl::StatusCode::kUnauthenticated, HasSubstr("no credentials")));
  Caller basic;
  basic.authorization = "Basic YWxpOnB3";
  EXPECT_THAT(
      tls_.Decide(kList, basic, &policy_),
      StatusIs(absl::StatusCode::kUnauthenticated, HasSubstr("must be \"Bearer <token>\"")));
}

TEST_F(AuthorizerTest, SyncTakesOnlyUptNodeCertificates) {
  const pki::PeerId lahat{pki::PeerId::Kind::kUpt, "SUMSEL", "SMS-LP-LAHAT"};
  UNGGUL_ASSERT_OK_AND_ASSIGN(Identity node, tls_.Decide(kSync, Cert(lahat), &policy_));
  EXPECT_EQ(node.kind, Identity::Kind::kNode);
  EXPECT_EQ(node.user, "SMS-LP-LAHAT");
  EXPECT_THAT(
      tls_.Decide(kSync, Bearer(proposer_), &policy_),
      StatusIs(absl::StatusCode::kPermissionDenied, HasSubstr("only a UPT node's certificate")));
  EXPECT_THAT(tls_.Decide(kList, Cert(lahat), &policy_),
              StatusIs(absl::StatusCode::kPermissionDenied));
  Authorizer plaintext(Table(), "ADMIN", /*plaintext=*/true);
  UNGGUL_EXPECT_OK(plaintext.Decide(kSync, Caller{}, &policy_));
  EXPECT_THAT(plaintext.Decide(kList, Caller{}, &policy_),
              StatusIs(absl::StatusCode::kUnauthenticated));
}

TEST_F(AuthorizerTest, UnknownMethodsAreRefusedAndPublicOnesNeedNothing) {
  EXPECT_THAT(
      tls_.Decide("/unggul.kanwil.v1.KanwilDesignations/DropAll", Bearer(proposer_), &policy_),
      StatusIs(absl::StatusCode::kUnimplemented,
               "/unggul.kanwil.v1.KanwilDesignations/DropAll: not served here"));
  UNGGUL_ASSERT_OK_AND_ASSIGN(Identity anyone,
                              tls_.Decide("/grpc.health.v1.Health/Check", Caller{}, &policy_));
  EXPECT_EQ(anyone.kind, Identity::Kind::kAnonymous);
}

TEST_F(AuthorizerTest, WithoutAPolicyEveryoneIsTheOpenRole) {
  UNGGUL_ASSERT_OK_AND_ASSIGN(Identity open, tls_.Decide(kCreate, Caller{}, nullptr));
  EXPECT_EQ(open.kind, Identity::Kind::kOpen);
  EXPECT_EQ(open.role, "ADMIN");
}

}  // namespace
}  // namespace unggul::auth

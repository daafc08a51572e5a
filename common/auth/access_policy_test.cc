#include "common/auth/access_policy.h"

#include "absl/strings/str_cat.h"
#include "common/testing/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace unggul::auth {
namespace {

using ::testing::HasSubstr;
using ::unggul::testing::StatusIs;

constexpr char kAni[] = "spiffe://unggul/kanwil/SUMSEL/user/ani.approver";

TEST(AccessPolicyTest, AddedTokenAuthenticatesAndTheFileHoldsOnlyItsSaltedHash) {
  AccessPolicy policy(Service::kKanwil);
  UNGGUL_ASSERT_OK_AND_ASSIGN(std::string token, policy.AddToken("budi", "VIEWER"));
  ASSERT_EQ(token.size(), 4u + 8 + 1 + 64);
  const std::string file = policy.Serialize();
  EXPECT_EQ(file.find(token.substr(13)), std::string::npos) << "secret stored in clear";
  UNGGUL_ASSERT_OK_AND_ASSIGN(AccessPolicy reread, AccessPolicy::Parse(file));
  UNGGUL_ASSERT_OK_AND_ASSIGN(Identity who, reread.AuthenticateToken(token));
  EXPECT_EQ(who.kind, Identity::Kind::kToken);
  EXPECT_EQ(who.user, "budi");
  EXPECT_EQ(who.role, "VIEWER");
  EXPECT_EQ(who.credential, absl::StrCat("token ", token.substr(4, 8)));
  EXPECT_EQ(reread.Serialize(), file);
}

TEST(AccessPolicyTest, WrongSecretUnknownIdAndMalformedTokensAreUnauthenticated) {
  AccessPolicy policy(Service::kKanwil);
  UNGGUL_ASSERT_OK_AND_ASSIGN(std::string token, policy.AddToken("budi", "VIEWER"));
  std::string wrong = token;
  wrong.back() = wrong.back() == '0' ? '1' : '0';
  EXPECT_THAT(policy.AuthenticateToken(wrong),
              StatusIs(absl::StatusCode::kUnauthenticated, "bearer token: unknown"));
  std::string other_id = token;
  other_id[4] = other_id[4] == '0' ? '1' : '0';
  EXPECT_THAT(policy.AuthenticateToken(other_id),
              StatusIs(absl::StatusCode::kUnauthenticated, "bearer token: unknown"));
  EXPECT_THAT(policy.AuthenticateToken("0123456789abcdef0123"),
              StatusIs(absl::StatusCode::kUnauthenticated, HasSubstr("must be ung_")));
}

TEST(AccessPolicyTest, RevokedTokenIsRefusedNamingItsUser) {
  AccessPolicy policy(Service::kNode);
  UNGGUL_ASSERT_OK_AND_ASSIGN(std::string first, policy.AddToken("op.lahat", "OPERATOR"));
  UNGGUL_ASSERT_OK_AND_ASSIGN(std::string second, policy.AddToken("op.lahat", "VIEWER"));
  UNGGUL_ASSERT_OK_AND_ASSIGN(int revoked, policy.RevokeTokens(first.substr(4, 8)));
  EXPECT_EQ(revoked, 1);
  EXPECT_THAT(policy.AuthenticateToken(first),
              StatusIs(absl::StatusCode::kUnauthenticated,
                       absl::StrCat("bearer token: token ", first.substr(4, 8),
                                    " of op.lahat is revoked")));
  UNGGUL_EXPECT_OK(policy.AuthenticateToken(second));
  UNGGUL_ASSERT_OK_AND_ASSIGN(revoked, policy.RevokeTokens("op.lahat"));
  EXPECT_EQ(revoked, 1);
  EXPECT_THAT(policy.RevokeTokens("op.lahat"), StatusIs(absl::StatusCode::kNotFound));
  UNGGUL_ASSERT_OK_AND_ASSIGN(AccessPolicy reread, AccessPolicy::Parse(policy.Serialize()));
  EXPECT_THAT(reread.AuthenticateToken(second), StatusIs(absl::StatusCode::kUnauthenticated));
}

TEST(AccessPolicyTest, RolesAreThoseOfTheService) {
  AccessPolicy kanwil(Service::kKanwil);
  AccessPolicy node(Service::kNode);
  EXPECT_THAT(kanwil.AddToken("budi", "OPERATOR"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "role: must be one of VIEWER, ASSESSOR, PROPOSER, VERIFIER, APPROVER, "
                       "ADMIN (kanwil), got OPERATOR"));
  EXPECT_THAT(node.AddToken("budi", "APPROVER"), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(kanwil.AddToken("Budi", "VIEWER"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("user: must be 1..64")));
  EXPECT_THAT(kanwil.Grant("spiffe://unggul/kanwil/SUMSEL/upt/SMS-LP-LAHAT", "VIEWER"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("a person's identity")));
}

TEST(AccessPolicyTest, CertificateRolesAreGrantedReplacedAndRemoved) {
  AccessPolicy policy(Service::kKanwil);
  EXPECT_EQ(policy.RoleOfCert(kAni), std::nullopt);
  UNGGUL_ASSERT_OK(policy.Grant(kAni, "VERIFIER"));
  UNGGUL_ASSERT_OK(policy.Grant(kAni, "APPROVER"));
  EXPECT_EQ(policy.RoleOfCert(kAni), "APPROVER");
  EXPECT_EQ(policy.entries().size(), 1u);
  UNGGUL_ASSERT_OK_AND_ASSIGN(AccessPolicy reread, AccessPolicy::Parse(policy.Serialize()));
  EXPECT_EQ(reread.RoleOfCert(kAni), "APPROVER");
  UNGGUL_ASSERT_OK(policy.Ungrant(kAni));
  EXPECT_EQ(policy.RoleOfCert(kAni), std::nullopt);
  EXPECT_THAT(policy.Ungrant(kAni), StatusIs(absl::StatusCode::kNotFound));
}

TEST(AccessPolicyTest, ParseNamesTheLineAndTheRule) {
  EXPECT_THAT(AccessPolicy::Parse(""),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("unggulctl access init")));
  EXPECT_THAT(AccessPolicy::Parse("kind,subject,role,token_id,token_hash,state\n"
                                  "cert,x,VIEWER,,,active\n"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("access policy line 2: the first row must be service")));
  EXPECT_THAT(
      AccessPolicy::Parse(absl::StrCat("service,kanwil,,,,\ncert,", kAni, ",BOSS,,,active\n")),
      StatusIs(absl::StatusCode::kInvalidArgument,
               HasSubstr("access policy line 2: role: must be one of")));
  EXPECT_THAT(AccessPolicy::Parse("service,node,,,,\ntoken,budi,VIEWER,zz,ab:cd,active\n"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("line 2: token_id: must be 8 lower-case hex digits")));
  EXPECT_THAT(AccessPolicy::Parse("service,node,,,,\ntoken,budi,VIEWER\n"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("must have 6 cells")));
  EXPECT_THAT(
      AccessPolicy::Parse(absl::StrCat("service,kanwil,,,,\ncert,", kAni, ",VIEWER,,,active\ncert,",
                                       kAni, ",ADMIN,,,active\n")),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("line 3: subject: named twice")));
}

}  // namespace
}  // namespace unggul::auth

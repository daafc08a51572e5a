#include "services/aggregator/core/access.h"

#include "common/testing/status_matchers.h"
#include "gtest/gtest.h"

namespace unggul::aggregator {
namespace {

using ::testing::HasSubstr;
using ::unggul::testing::StatusIs;

constexpr char kTokens[] =
    "token,user,role\n"
    "viewer-token-0123456789,dashboard,viewer\n"
    "kalapas-token-0123456789,kalapas.lahat,proposer\n"
    "kabid-token-01234567890,kabid.yanbin,verifier\n"
    "kakanwil-token-01234567,kakanwil,approver\n";

TEST(AccessPolicyTest, RolesGrantTheirPermissionsOnly) {
  UNGGUL_ASSERT_OK_AND_ASSIGN(AccessPolicy p, AccessPolicy::Parse(kTokens));
  EXPECT_TRUE(p.enabled());
  UNGGUL_ASSERT_OK_AND_ASSIGN(Principal v,
                              p.Authorize("Bearer viewer-token-0123456789", Permission::kRead));
  EXPECT_EQ(v.user, "dashboard");
  EXPECT_THAT(p.Authorize("Bearer viewer-token-0123456789", Permission::kPropose).status(),
              StatusIs(absl::StatusCode::kPermissionDenied, HasSubstr("role viewer")));
  EXPECT_TRUE(p.Authorize("Bearer kalapas-token-0123456789", Permission::kPropose).ok());
  EXPECT_THAT(p.Authorize("Bearer kalapas-token-0123456789", Permission::kApprove).status(),
              StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_TRUE(p.Authorize("Bearer kabid-token-01234567890", Permission::kVerify).ok());
  EXPECT_TRUE(p.Authorize("Bearer kakanwil-token-01234567", Permission::kApprove).ok());
  EXPECT_THAT(p.Authorize("", Permission::kRead).status(),
              StatusIs(absl::StatusCode::kUnauthenticated));
  EXPECT_THAT(p.Authorize("Bearer nope-nope-nope-nope", Permission::kRead).status(),
              StatusIs(absl::StatusCode::kUnauthenticated));
  AccessPolicy open;
  EXPECT_FALSE(open.enabled());
  EXPECT_EQ(open.Authorize("", Permission::kApprove)->role, "admin");
}

TEST(AccessPolicyTest, RefusesBadFiles) {
  EXPECT_THAT(AccessPolicy::Parse("short,u,viewer\n").status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("at least 16")));
  EXPECT_THAT(AccessPolicy::Parse("0123456789abcdefgh,u,king\n").status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("unknown role \"king\"")));
  EXPECT_THAT(
      AccessPolicy::Parse("0123456789abcdefgh,u,viewer\n0123456789abcdefgh,v,admin\n").status(),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("line 2: duplicate token")));
}

}  // namespace
}  // namespace unggul::aggregator

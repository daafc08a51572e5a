#include "common/auth/policy_file.h"

#include <fstream>

#include "common/testing/status_matchers.h"
#include "common/testing/temp_dir.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace unggul::auth {
namespace {

using ::testing::HasSubstr;
using ::unggul::testing::StatusIs;

TEST(PolicyFileTest, ARevokedTokenIsRefusedOnTheNextCallWithoutARestart) {
  unggul::testing::ScopedTempDir dir;
  const std::string path = dir.path() + "/access.csv";
  UNGGUL_ASSERT_OK(CreatePolicyFile(path, Service::kKanwil));
  EXPECT_THAT(CreatePolicyFile(path, Service::kKanwil), StatusIs(absl::StatusCode::kAlreadyExists));
  std::string token;
  UNGGUL_ASSERT_OK(EditPolicyFile(path, [&](AccessPolicy& p) -> absl::Status {
    absl::StatusOr<std::string> t = p.AddToken("budi", "VIEWER");
    if (t.ok()) token = *t;
    return t.status();
  }));
  UNGGUL_ASSERT_OK_AND_ASSIGN(std::unique_ptr<PolicyFile> file,
                              PolicyFile::Open(path, Service::kKanwil));
  UNGGUL_EXPECT_OK(file->Current()->AuthenticateToken(token));
  UNGGUL_ASSERT_OK(
      EditPolicyFile(path, [&](AccessPolicy& p) { return p.RevokeTokens("budi").status(); }));
  EXPECT_THAT(file->Current()->AuthenticateToken(token),
              StatusIs(absl::StatusCode::kUnauthenticated, HasSubstr("is revoked")));
}

TEST(PolicyFileTest, ABrokenEditKeepsTheLastGoodPolicy) {
  unggul::testing::ScopedTempDir dir;
  const std::string path = dir.path() + "/access.csv";
  UNGGUL_ASSERT_OK(CreatePolicyFile(path, Service::kNode));
  std::string token;
  UNGGUL_ASSERT_OK(EditPolicyFile(path, [&](AccessPolicy& p) -> absl::Status {
    absl::StatusOr<std::string> t = p.AddToken("op.lahat", "OPERATOR");
    if (t.ok()) token = *t;
    return t.status();
  }));
  UNGGUL_ASSERT_OK_AND_ASSIGN(std::unique_ptr<PolicyFile> file,
                              PolicyFile::Open(path, Service::kNode));
  std::ofstream(path, std::ios::app) << "token,\"unterminated\n";
  UNGGUL_EXPECT_OK(file->Current()->AuthenticateToken(token));
  EXPECT_THAT(EditPolicyFile(path, [](AccessPolicy&) { return absl::OkStatus(); }),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(PolicyFileTest, APolicyOfTheOtherServiceIsRefusedAtStart) {
  unggul::testing::ScopedTempDir dir;
  const std::string path = dir.path() + "/access.csv";
  UNGGUL_ASSERT_OK(CreatePolicyFile(path, Service::kNode));
  EXPECT_THAT(PolicyFile::Open(path, Service::kKanwil),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("is a policy for node, not for kanwil")));
  EXPECT_THAT(PolicyFile::Open(dir.path() + "/missing.csv", Service::kKanwil),
              StatusIs(absl::StatusCode::kNotFound));
}

}  // namespace
}  // namespace unggul::auth

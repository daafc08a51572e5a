// End to end with the real binaries: a Kanwil aggregator and the Lahat node with the Sumsel
// fixture; labour reports verified, panel scores entered, the ranking computed, a designation
// taken through the workflow to PUBLISHED, and the publication received by the node over the
// sync stream. Waits are event-driven (port FIFOs, WaitForSync with a deadline).

#include <cstdio>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/testing/status_matchers.h"
#include "common/testing/temp_dir.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/e2e/process.h"

namespace unggul::testing {
namespace {

using ::testing::HasSubstr;

class DesignationE2eTest : public ::testing::Test {
 protected:
  int Start(Process& process, const std::vector<std::string>& argv, const std::string& name) {
    absl::StatusOr<StartedServer> server =
        StartServer(argv, dir_.path() + "/port-" + name, dir_.path() + "/" + name + ".log");
    EXPECT_TRUE(server.ok()) << server.status();
    if (!server.ok()) return 0;
    process = std::move(server->process);
    return server->port;
  }

  RunResult Ctl(int port, const std::vector<std::string>& args) {
    return RunCtl(UNGGULCTL_BIN, port, args);
  }

  ScopedTempDir dir_;
  Process kanwil_ = Process::Start({"/bin/true"}, "/dev/null").value();
  Process node_ = Process::Start({"/bin/true"}, "/dev/null").value();
};

TEST_F(DesignationE2eTest, RankVerifyAssessDesignatePublishAndTheNodeReceivesIt) {
  const std::string fx = dir_.path() + "/fixture";
  ASSERT_EQ(
      ::unggul::testing::Run({UNGGULCTL_BIN, "fixture", "--out", fx, "--end-month", "2026-10"})
          ->exit_code,
      0);
  const int k = Start(kanwil_,
                      {KANWIL_AGGREGATOR_BIN, "--insecure", "--data_dir=" + dir_.path() + "/kanwil",
                       "--registry_file=" + fx + "/registry.csv"},
                      "kanwil");
  const int n = Start(
      node_,
      {UPT_NODE_BIN, "--insecure", "--upt_code=SMS-LP-LAHAT",
       "--data_dir=" + dir_.path() + "/lahat", absl::StrCat("--aggregator_addr=127.0.0.1:", k)},
      "lahat");
  ASSERT_EQ(Ctl(n, {"import", "dir", fx + "/SMS-LP-LAHAT"}).exit_code, 0);
  RunResult r = Ctl(n, {"sync", "wait", "--wait", "120"});
  ASSERT_EQ(r.exit_code, 0) << r.err;

  // Before verification, gate G5 keeps the product out.
  r = Ctl(k, {"kanwil", "score", "SMS-LP-LAHAT-GSJM", "--from", "2025-11", "--to", "2026-10"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("G5    FAIL"));
  r = Ctl(k, {"kanwil", "designation", "create", "SMS-LP-LAHAT-GSJM", "--actor",
              "kalapas.lahat:KEPALA_UPT", "--from", "2025-11", "--to", "2026-10"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("FAILED_PRECONDITION"));
  EXPECT_THAT(r.err, HasSubstr("G5"));

  r = Ctl(k, {"kanwil", "verify-labour", "--upt", "SMS-LP-LAHAT", "--by", "kasi.bimker", "--from",
              "2025-11", "--to", "2026-10"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("12 product-month report(s) verified"));
  for (const char* ind : {"C3", "C4", "D2", "D4"}) {
    for (const char* assessor : {"asesor.1", "asesor.2", "asesor.3"}) {
      ASSERT_EQ(Ctl(k, {"kanwil", "assess", "SMS-LP-LAHAT-GSJM", "--indicator", ind, "--assessor",
                        assessor, "--score", "3"})
                    .exit_code,
                0);
    }
  }
  r = Ctl(k, {"kanwil", "ranking", "--from", "2025-11", "--to", "2026-10"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("SMS-LP-LAHAT-GSJM"));
  EXPECT_THAT(r.out, HasSubstr("RANKED"));

  r = Ctl(k, {"-o", "json", "kanwil", "designation", "create", "SMS-LP-LAHAT-GSJM", "--actor",
              "kalapas.lahat:KEPALA_UPT", "--from", "2025-11", "--to", "2026-10"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const size_t at = r.out.find("\"designation_id\": \"");
  ASSERT_NE(at, std::string::npos);
  const std::string id = r.out.substr(at + 19, 20);
  ASSERT_EQ(id.rfind("DSG-", 0), 0u) << id;
  EXPECT_THAT(r.out, HasSubstr("\"title\": \"Gula Semut Jahe Merah — Produk Unggulan Kanwil "
                               "Ditjenpas Sumatera Selatan"));
  // One open designation per product, level and period; actors take the known roles.
  r = Ctl(k, {"kanwil", "designation", "create", "SMS-LP-LAHAT-GSJM", "--actor",
              "kalapas.lahat:KEPALA_UPT", "--from", "2025-11", "--to", "2026-10"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr(absl::StrCat("ALREADY_EXISTS: product SMS-LP-LAHAT-GSJM already "
                                            "has designation ",
                                            id, " (DRAFT) at level KANWIL")));
  r = Ctl(k, {"kanwil", "designation", "create", "SMS-LP-LAHAT-GSJM", "--level", "UPT", "--actor",
              "kalapas.lahat:BOSS", "--from", "2025-11", "--to", "2026-10"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("INVALID_ARGUMENT: actor.role: must be one of KEPALA_UPT"));

  // Illegal transition and separation of duties: exit 1, nothing changes.
  r = Ctl(k, {"kanwil", "designation", "act", id, "PUBLISH", "--actor", "humas:HUMAS"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("FAILED_PRECONDITION: cannot PUBLISH"));
  ASSERT_EQ(
      Ctl(k, {"kanwil", "designation", "act", id, "SUBMIT", "--actor", "kalapas.lahat:KEPALA_UPT"})
          .exit_code,
      0);
  r = Ctl(k, {"kanwil", "designation", "act", id, "VERIFY", "--actor", "kalapas.lahat:KEPALA_UPT"});
  EXPECT_THAT(r.err, HasSubstr("separation of duties"));
  ASSERT_EQ(Ctl(k, {"kanwil", "designation", "act", id, "VERIFY", "--actor",
                    "kabid.yanbin:KABID_YANBIN_KANWIL"})
                .exit_code,
            0);
  ASSERT_EQ(Ctl(k, {"kanwil", "designation", "act", id, "APPROVE", "--actor", "kakanwil:KAKANWIL",
                    "--decree", "W6-PAS.04/2026"})
                .exit_code,
            0);
  r = Ctl(k, {"kanwil", "designation", "act", id, "PUBLISH", "--actor", "humas:HUMAS"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("PUBLISHED"));

  // The Lahat node receives the publication over its sync stream.
  r = Ctl(n, {"sync", "wait", "--designation-revision", "1", "--wait", "120"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = Ctl(n, {"designations", "--own"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("SMS-LP-LAHAT-GSJM"));
  EXPECT_THAT(r.out, HasSubstr("PUBLISHED"));
  EXPECT_THAT(r.out, HasSubstr("Produk Unggulan Kanwil Ditjenpas Sumatera Selatan"));
  EXPECT_THAT(r.out, HasSubstr("W6-PAS.04/2026"));

  r = Ctl(k, {"kanwil", "audit", "--verify"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("audit log OK: 5 entries verified"));
}

TEST_F(DesignationE2eTest, BearerTokensMapCallersToRoles) {
  const std::string fx = dir_.path() + "/fixture";
  ASSERT_EQ(
      ::unggul::testing::Run({UNGGULCTL_BIN, "fixture", "--out", fx, "--end-month", "2026-10"})
          ->exit_code,
      0);
  // The policy is made the way an operator makes it: unggulctl access init + token add.
  const std::string policy = dir_.path() + "/access.csv";
  ASSERT_EQ(::unggul::testing::Run(
                {UNGGULCTL_BIN, "access", "init", "--policy", policy, "--service", "kanwil"})
                ->exit_code,
            0);
  auto add = [&](const std::string& user, const std::string& role) {
    absl::StatusOr<RunResult> r = ::unggul::testing::Run(
        {UNGGULCTL_BIN, "token", "add", "--policy", policy, "--user", user, "--role", role});
    EXPECT_EQ(r->exit_code, 0) << r->err;
    return std::string(absl::StripAsciiWhitespace(r->out));
  };
  const std::string viewer = add("dashboard", "VIEWER");
  const std::string kalapas = add("kalapas.lahat", "PROPOSER");
  const int k = Start(kanwil_,
                      {KANWIL_AGGREGATOR_BIN, "--insecure", "--data_dir=" + dir_.path() + "/kanwil",
                       "--registry_file=" + fx + "/registry.csv", "--access_policy=" + policy},
                      "kanwil");
  RunResult r = Ctl(k, {"kanwil", "upts"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("UNAUTHENTICATED: no credentials"));
  std::string wrong = viewer;
  wrong.back() = wrong.back() == 'a' ? 'b' : 'a';
  r = Ctl(k, {"--token", wrong, "kanwil", "upts"});
  EXPECT_THAT(r.err, HasSubstr("UNAUTHENTICATED: bearer token: unknown"));
  r = Ctl(k, {"--token", viewer, "kanwil", "upts"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  r = Ctl(k, {"--token", viewer, "kanwil", "designation", "create", "SMS-LP-LAHAT-GSJM"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err,
              HasSubstr("PERMISSION_DENIED: /unggul.kanwil.v1.KanwilDesignations/"
                        "CreateDesignation: needs PROPOSER or ADMIN; dashboard (role VIEWER"));
  // The proposer passes authorization (the product has not been replicated yet); naming another
  // person as the actor is refused.
  r = Ctl(k, {"--token", kalapas, "kanwil", "designation", "create", "SMS-LP-LAHAT-GSJM", "--actor",
              "kakanwil:KAKANWIL"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("PERMISSION_DENIED: actor.user: must be the caller kalapas.lahat"));
  r = Ctl(k, {"--token", kalapas, "kanwil", "designation", "create", "SMS-LP-LAHAT-GSJM"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("NOT_FOUND"));
  // Revoked with unggulctl: refused on the next call, without a restart.
  ASSERT_EQ(::unggul::testing::Run(
                {UNGGULCTL_BIN, "token", "revoke", "--policy", policy, "--user", "dashboard"})
                ->exit_code,
            0);
  r = Ctl(k, {"--token", viewer, "kanwil", "upts"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("UNAUTHENTICATED: bearer token: token " + viewer.substr(4, 8) +
                               " of dashboard is revoked"));
}

}  // namespace
}  // namespace unggul::testing

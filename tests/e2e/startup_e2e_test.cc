// Start-up checks of the real server binaries (the operator's first minutes): flags that would
// make a dead node or a server on the wrong port are refused at start with exit code 2 and one
// line naming the flag and the rule, before anything is written; a data directory whose parents
// are missing is created.

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/testing/temp_dir.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/e2e/process.h"

namespace unggul::testing {
namespace {

using ::testing::HasSubstr;

class StartupE2eTest : public ::testing::Test {
 protected:
  RunResult RunServer(std::vector<std::string> argv) {
    absl::StatusOr<RunResult> r = ::unggul::testing::Run(argv, absl::Seconds(60));
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? *r : RunResult();
  }
  ScopedTempDir dir_;
};

TEST_F(StartupE2eTest, AnInvalidUptCodeIsRefusedBeforeTheDatabaseIsCreated) {
  const std::string data = dir_.path() + "/sekayu";
  const RunResult r =
      RunServer({UPT_NODE_BIN, "--insecure", "--upt_code=sms-lp-sekayu", "--data_dir=" + data});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("upt-node: --upt_code: must be the UPT's code in the Kanwil "
                               "registry, 3-64 characters of A-Z, 0-9 and '-' (e.g. "
                               "SMS-LP-LAHAT), got \"sms-lp-sekayu\""));
  EXPECT_FALSE(std::filesystem::exists(data));
}

TEST_F(StartupE2eTest, AListenAddressWithoutAPortIsRefused) {
  for (const std::string listen : {"localhost", "127.0.0.1:", "::1", "[::1]", "host:http"}) {
    RunResult r = RunServer({UPT_NODE_BIN, "--insecure", "--upt_code=SMS-LP-SEKAYU",
                             "--data_dir=" + dir_.path() + "/sekayu", "--listen=" + listen});
    EXPECT_EQ(r.exit_code, 2) << listen;
    EXPECT_THAT(r.err, HasSubstr(absl::StrCat("--listen: must be host:port (e.g. 0.0.0.0:7401, "
                                              "127.0.0.1:0, [::]:7401), got \"",
                                              listen, "\"")));
    r = RunServer({KANWIL_AGGREGATOR_BIN, "--insecure", "--data_dir=" + dir_.path() + "/kanwil",
                   "--listen=" + listen});
    EXPECT_EQ(r.exit_code, 2) << listen;
    EXPECT_THAT(r.err, HasSubstr("--listen: must be host:port")) << listen;
  }
  EXPECT_FALSE(std::filesystem::exists(dir_.path() + "/sekayu"));
}

TEST_F(StartupE2eTest, AScoringModelWithARenamedIndicatorIsRefused) {
  std::ifstream in(SPUP_MODEL_JSON);
  std::stringstream text;
  text << in.rdbuf();
  std::string json = text.str();
  const size_t at = json.find("\"code\": \"B5\"");
  ASSERT_NE(at, std::string::npos);
  json.replace(at, 12, "\"code\": \"B9\"");
  const std::string model = dir_.path() + "/spup-renamed.json";
  std::ofstream(model) << json;
  const RunResult r =
      RunServer({KANWIL_AGGREGATOR_BIN, "--insecure", "--data_dir=" + dir_.path() + "/kanwil",
                 "--registry_file=" + dir_.path() + "/registry.csv", "--scoring_model=" + model});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("invalid --scoring_model: indicator B9: unknown code (SPUP "
                               "indicators: A1, A2, A3, B1, B2, B3, B4, B5, C1, C2, C3, C4, D1, "
                               "D2, D3, D4)"));
}

TEST_F(StartupE2eTest, HelpAndVersionSucceedAndUsageErrorsExitTwo) {
  for (const char* bin : {UPT_NODE_BIN, KANWIL_AGGREGATOR_BIN}) {
    const std::string name = std::filesystem::path(bin).filename();
    RunResult r = RunServer({bin, "--help"});
    EXPECT_EQ(r.exit_code, 0) << name;
    EXPECT_THAT(r.out + r.err, HasSubstr("--access_policy")) << name;
    r = RunServer({bin, "--version"});
    EXPECT_EQ(r.exit_code, 0) << name;
    EXPECT_THAT(r.out, ::testing::MatchesRegex(name + " [0-9]+\\.[0-9]+\\.[0-9]+ \\(git "
                                                      "([0-9a-f]+(-dirty)?|unknown)\\)\n"))
        << name;
    r = RunServer({bin, "--no_such_flag=1"});
    EXPECT_EQ(r.exit_code, 2) << name;
    EXPECT_THAT(r.err, HasSubstr("no_such_flag")) << name;
  }
  RunResult r = RunServer({UNGGULCTL_BIN, "--version"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_THAT(r.out, HasSubstr("unggulctl "));
  EXPECT_THAT(r.out, HasSubstr(" (git "));
  EXPECT_EQ(RunServer({UNGGULCTL_BIN, "--help"}).exit_code, 0);
  for (const std::vector<std::string>& usage :
       {std::vector<std::string>{UNGGULCTL_BIN},
        {UNGGULCTL_BIN, "info", "--no-such-option"},
        {UNGGULCTL_BIN, "kanwil", "ranking", "--limit", "many"},
        {UNGGULCTL_BIN, "token", "add", "--user", "budi"}}) {
    r = RunServer(usage);
    EXPECT_EQ(r.exit_code, 2) << usage.back() << ": " << r.err;
  }
}

TEST_F(StartupE2eTest, ADataDirectoryWithMissingParentsIsCreated) {
  const std::string data = dir_.path() + "/var/lib/unggul/sekayu/db";
  absl::StatusOr<StartedServer> node =
      StartServer({UPT_NODE_BIN, "--insecure", "--upt_code=SMS-LP-SEKAYU", "--data_dir=" + data},
                  dir_.path() + "/port", dir_.path() + "/node.log");
  ASSERT_TRUE(node.ok()) << node.status();
  const RunResult info = RunCtl(UNGGULCTL_BIN, node->port, {"info"});
  EXPECT_EQ(info.exit_code, 0) << info.err;
  EXPECT_THAT(info.out, HasSubstr("SMS-LP-SEKAYU"));
  EXPECT_TRUE(std::filesystem::is_directory(data));
}

// unggulctl finds its server from the environment, accepts global options after the subcommand,
// and says so when the address is the wrong kind of server.
TEST_F(StartupE2eTest, TheCliFindsItsServerAndNamesTheWrongOne) {
  absl::StatusOr<StartedServer> node =
      StartServer({UPT_NODE_BIN, "--insecure", "--upt_code=SMS-LP-SEKAYU",
                   "--data_dir=" + dir_.path() + "/sekayu", "--max_page_size=100"},
                  dir_.path() + "/port", dir_.path() + "/node.log");
  ASSERT_TRUE(node.ok()) << node.status();
  const std::string addr = absl::StrCat("127.0.0.1:", node->port);
  // A page beyond --max_page_size is refused naming the limit.
  RunResult page = RunCtl(UNGGULCTL_BIN, node->port, {"product", "list", "--page-size", "101"});
  EXPECT_EQ(page.exit_code, 1);
  EXPECT_THAT(page.err, HasSubstr("INVALID_ARGUMENT: page_size: must be 0..100 (0 means 100; "
                                  "--max_page_size), got 101"));
  RunResult r = RunServer(
      {"/usr/bin/env", "UNGGUL_ADDR=" + addr, UNGGULCTL_BIN, "--insecure", "info", "-o", "json"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("\"upt_code\": \"SMS-LP-SEKAYU\""));
  r = RunServer({"/usr/bin/env", "UNGGUL_KANWIL_ADDR=" + addr, UNGGULCTL_BIN, "--insecure",
                 "kanwil", "upts"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err,
              HasSubstr(absl::StrCat("UNIMPLEMENTED: ", addr, " is not the Kanwil aggregator (")));
  EXPECT_THAT(r.err, HasSubstr("kanwil commands take the aggregator's address: --addr or "
                               "UNGGUL_KANWIL_ADDR"));
}

}  // namespace
}  // namespace unggul::testing

// End to end: the real upt-node binary on port 0, driven by the real unggulctl binary.

#include <signal.h>

#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/testing/status_matchers.h"
#include "common/testing/temp_dir.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/e2e/process.h"

namespace unggul::testing {
namespace {

using ::testing::HasSubstr;

constexpr char kUpt[] = "SMS-LP-LAHAT";

class NodeE2eTest : public ::testing::Test {
 protected:
  // Starts upt-node and blocks (with a deadline) until it reports its port.
  void StartNode(const std::string& upt = kUpt) {
    const std::string fifo = absl::StrCat(dir_.path(), "/port-", starts_++);
    UNGGUL_ASSERT_OK_AND_ASSIGN(FifoReader reader, FifoReader::Create(fifo));
    UNGGUL_ASSERT_OK_AND_ASSIGN(
        node_, Process::Start({UPT_NODE_BIN, "--insecure", "--upt_code=" + upt,
                               "--data_dir=" + dir_.path() + "/db", "--listen=127.0.0.1:0",
                               "--port_file=" + fifo},
                              dir_.path() + "/node.log"));
    UNGGUL_ASSERT_OK_AND_ASSIGN(std::string line, reader.ReadLine(absl::Seconds(60)));
    ASSERT_TRUE(absl::SimpleAtoi(line, &port_)) << line;
  }

  RunResult Ctl(const std::vector<std::string>& args) { return RunCtl(UNGGULCTL_BIN, port_, args); }

  std::string WriteFile(const std::string& name, const std::string& text) {
    const std::string path = dir_.path() + "/" + name;
    std::ofstream(path) << text;
    return path;
  }

  ScopedTempDir dir_;
  Process node_ = Process::Start({"/bin/true"}, "/dev/null").value();
  int port_ = 0;
  int starts_ = 0;
};

constexpr char kProductJson[] = R"({
  "product_id": "SMS-LP-LAHAT-GSJM", "name": "Gula Semut Jahe Merah",
  "category": "CATEGORY_PANGAN_OLAHAN", "brand": "Gula Semut Lahat",
  "skus": [{"sku_code": "GSJM250", "net_content": 250, "net_content_unit": "UNIT_G",
            "packaging_type": "PACKAGING_TYPE_PLASTIC", "list_price_idr": 30000}]})";

TEST_F(NodeE2eTest, CliDrivesEveryKindOfRpcWithExactCodes) {
  StartNode();
  RunResult r = Ctl({"product", "create", "--json", kProductJson, "--request-id", "p-1"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("(written)"));
  r = Ctl({"product", "create", "--json", kProductJson, "--request-id", "p-1"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("already recorded; nothing written"));

  r = Ctl({"batch", "record", "--json",
           R"({"batch_code":"SMS-LP-LAHAT-GSJM250-261102-01","product_id":"SMS-LP-LAHAT-GSJM",
               "sku_code":"GSJM250","start_date":"2026-11-02","qty_produced":24.5,
               "qty_rejected":0.5,"unit":"UNIT_KG","inmates_engaged_count":8})"});
  ASSERT_EQ(r.exit_code, 0) << r.err;

  // Invalid input: exit 1, the code and the field on stderr, nothing written.
  r = Ctl({"batch", "record", "--json",
           R"({"batch_code":"SMS-LP-LAHAT-GSJM250-261103-01","product_id":"SMS-LP-LAHAT-GSJM",
               "start_date":"2026-11-03","qty_produced":10,"qty_rejected":12,"unit":"UNIT_KG"})"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("INVALID_ARGUMENT: batch.qty_rejected: must be <= qty_produced"));
  r = Ctl({"product", "get", "SMS-LP-LAHAT-NOPE"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("NOT_FOUND: product SMS-LP-LAHAT-NOPE not found"));
  r = Ctl({"product", "create", "--json", R"({"product_id": 5, "colour": "red"})"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("INVALID_ARGUMENT: record JSON"));

  r = Ctl({"batch", "list", "--product", "SMS-LP-LAHAT-GSJM"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("BATCH_CODE"));
  EXPECT_THAT(r.out, HasSubstr("SMS-LP-LAHAT-GSJM250-261102-01"));
  EXPECT_THAT(r.out, HasSubstr("24.5"));

  r = Ctl({"--output=json", "info"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("\"upt_code\": \"SMS-LP-LAHAT\""));
  EXPECT_THAT(r.out, HasSubstr("\"last_seq\": \"2\""));
  EXPECT_THAT(r.out, HasSubstr("\"batches\": \"1\""));

  r = Ctl({"product", "retire", "SMS-LP-LAHAT-GSJM", "--reason", "resep baru"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = Ctl({"batch", "record", "--json",
           R"({"batch_code":"SMS-LP-LAHAT-GSJM250-261104-01","product_id":"SMS-LP-LAHAT-GSJM",
               "start_date":"2026-11-04","qty_produced":10,"unit":"UNIT_KG"})"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("FAILED_PRECONDITION: product SMS-LP-LAHAT-GSJM is discontinued"));

  // Nothing listens: UNAVAILABLE.
  node_.Signal(SIGTERM);
  EXPECT_EQ(node_.Wait(), 0);
  r = Ctl({"--timeout=5", "info"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("UNAVAILABLE"));
}

TEST_F(NodeE2eTest, AHugeInvalidValueGetsAShortError) {
  StartNode();
  // 100 KB in one field (a command-line argument holds at most 128 KB): the error names the
  // field and shows the value's first 64 bytes and its length, so it fits gRPC's headers.
  const std::string huge(100 * 1024, '9');
  RunResult r = Ctl({"batch", "record", "--json",
                     absl::StrCat(R"({"batch_code":"SMS-LP-LAHAT-GSJM250-261103-02",)",
                                  R"("product_id":"SMS-LP-LAHAT-GSJM","start_date":")", huge,
                                  R"(","qty_produced":10,"unit":"UNIT_KG"})")});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("INVALID_ARGUMENT: batch.start_date: must be"));
  EXPECT_THAT(r.err, HasSubstr(absl::StrCat(std::string(64, '9'), "... (102400 bytes)")));
  EXPECT_LT(r.err.size(), 1024u) << r.err.substr(0, 300);
  // The node still answers on the same port.
  EXPECT_EQ(Ctl({"info"}).exit_code, 0);
}

TEST_F(NodeE2eTest, CsvImportReportsBadRowsAndReimportWritesNothing) {
  StartNode();
  const std::string products = WriteFile(
      "products.csv",
      "product_id,name,category,skus\n"
      "SMS-LP-LAHAT-GSJM,Gula Semut Jahe Merah,PANGAN_OLAHAN,GSJM250|250|g|PLASTIC|30000\n");
  const std::string batches =
      WriteFile("batches.csv",
                "batch_code,product_id,start_date,qty_produced,qty_rejected,unit\n"
                "SMS-LP-LAHAT-B-261001-01,SMS-LP-LAHAT-GSJM,2026-10-01,24,0,kg\n"
                "SMS-LP-LAHAT-B-261002-01,SMS-LP-LAHAT-GSJM,2026-10-02,24,30,kg\n"
                "SMS-LP-LAHAT-B-261003-01,SMS-LP-LAHAT-GSJM,2026-13-03,24,0,kg\n"
                "SMS-LP-LAHAT-B-261004-01,SMS-LP-LAHAT-GSJM,2026-10-04,21,1,kg\n");
  RunResult r = Ctl({"import", "products", products});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = Ctl({"import", "batches", batches});
  EXPECT_EQ(r.exit_code, 3) << r.err;  // finished, with rejected rows
  EXPECT_THAT(r.out, HasSubstr("4 rows, 2 written, 0 already present, 2 rejected"));
  EXPECT_THAT(r.out,
              HasSubstr(":3: SMS-LP-LAHAT-B-261002-01: INVALID_ARGUMENT: batch.qty_rejected"));
  EXPECT_THAT(r.out, HasSubstr(":4: SMS-LP-LAHAT-B-261003-01: INVALID_ARGUMENT: batch.start_date: "
                               "must be a real calendar day"));
  r = Ctl({"import", "batches", batches});
  EXPECT_THAT(r.out, HasSubstr("4 rows, 0 written, 2 already present, 2 rejected"));
  r = Ctl({"--output=json", "info"});
  EXPECT_THAT(r.out, HasSubstr("\"last_seq\": \"3\""));
}

TEST_F(NodeE2eTest, DataSurvivesSigtermAndKillNine) {
  StartNode();
  ASSERT_EQ(Ctl({"product", "create", "--json", kProductJson}).exit_code, 0);
  std::vector<std::string> codes;
  for (int i = 1; i <= 20; ++i) {
    const std::string code = absl::StrCat("SMS-LP-LAHAT-GSJM250-2610", i < 10 ? "0" : "", i, "-01");
    RunResult r = Ctl({"batch", "record", "--json",
                       absl::StrCat(R"({"batch_code":")", code,
                                    R"(","product_id":"SMS-LP-LAHAT-GSJM","start_date":"2026-10-)",
                                    i < 10 ? "0" : "", i, R"(","qty_produced":)", 20 + i,
                                    R"(,"unit":"UNIT_KG"})")});
    ASSERT_EQ(r.exit_code, 0) << r.err;  // acknowledged
    codes.push_back(code);
  }
  RunResult info = Ctl({"--output=json", "info"});
  node_.Signal(SIGKILL);
  EXPECT_EQ(node_.Wait(), -SIGKILL);

  StartNode();
  RunResult after = Ctl({"--output=json", "info"});
  EXPECT_EQ(after.out, info.out);  // same incarnation, last_seq and counts
  for (size_t i = 0; i < codes.size(); ++i) {
    RunResult r = Ctl({"--output=json", "batch", "get", codes[i]});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_THAT(r.out, HasSubstr(absl::StrCat("\"qty_produced\": ", 21 + i)));
  }
  node_.Signal(SIGTERM);
  EXPECT_EQ(node_.Wait(), 0);
  // A node for another UPT refuses this data dir.
  RunResult wrong =
      ::unggul::testing::Run({UPT_NODE_BIN, "--insecure", "--upt_code=SMS-LP-SEKAYU",
                              "--data_dir=" + dir_.path() + "/db", "--listen=127.0.0.1:0"})
          .value();
  EXPECT_EQ(wrong.exit_code, 2);
  EXPECT_THAT(wrong.err, HasSubstr("belongs to UPT SMS-LP-LAHAT, not SMS-LP-SEKAYU"));
}

TEST_F(NodeE2eTest, SumselFixtureImportsWithoutRejects) {
  const std::string out = dir_.path() + "/fixture";
  RunResult r =
      ::unggul::testing::Run({UNGGULCTL_BIN, "fixture", "--out", out, "--end-month", "2026-10"})
          .value();
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("SMS-LP-LAHAT"));
  StartNode(kUpt);
  r = Ctl({"--output=json", "import", "dir", out + "/" + kUpt});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("\"rejected\": 0"));
  EXPECT_THAT(r.out, ::testing::Not(HasSubstr("\"written\": 0,")));
  r = Ctl({"product", "get", "SMS-LP-LAHAT-GSJM"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("Gula Semut Jahe Merah"));
}

// Without --end-month the fixture ends with the last complete month in Jakarta, so the demo's
// data always covers the ranking's default period. UNGGUL_NOW shifts the CLI's clock.
TEST_F(NodeE2eTest, FixtureWindowEndsWithTheLastCompleteMonth) {
  struct Case {
    const char* now;
    const char* first_month;  // labour.csv's month column
    const char* last_month;
    const char* outside;
  };
  for (const Case& c : {Case{"2031-01-15T10:00:00+07:00", ",2030-01,", ",2030-12,", ",2031-01,"},
                        Case{"2027-03-01T00:30:00+07:00", ",2026-03,", ",2027-02,", ",2026-02,"}}) {
    const std::string out = dir_.path() + "/fixture-" + c.first_month;
    RunResult r = ::unggul::testing::Run({"/usr/bin/env", std::string("UNGGUL_NOW=") + c.now,
                                          UNGGULCTL_BIN, "fixture", "--out", out})
                      .value();
    ASSERT_EQ(r.exit_code, 0) << r.err;
    std::ifstream in(out + "/SMS-LP-LAHAT/labour.csv");
    const std::string labour((std::istreambuf_iterator<char>(in)),
                             std::istreambuf_iterator<char>());
    EXPECT_THAT(labour, HasSubstr(c.first_month)) << c.now;
    EXPECT_THAT(labour, HasSubstr(c.last_month)) << c.now;
    EXPECT_THAT(labour, ::testing::Not(HasSubstr(c.outside))) << c.now;
  }
  RunResult bad = ::unggul::testing::Run({"/usr/bin/env", "UNGGUL_NOW=next week", UNGGULCTL_BIN,
                                          "fixture", "--out", dir_.path() + "/bad"})
                      .value();
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_THAT(bad.err, HasSubstr("INVALID_ARGUMENT: UNGGUL_NOW: must be RFC 3339"));
}

// Exhibitions were added as a record kind with a message, a oneof entry, a count and a validator
// only: the typed-free API, the CLI commands, the CSV import and the table come from the registry.
TEST_F(NodeE2eTest, ANewRecordKindWorksThroughTheGenericApiCliAndCsv) {
  StartNode();
  ASSERT_EQ(Ctl({"product", "create", "--json", kProductJson}).exit_code, 0);
  constexpr char kBazaar[] = R"({"exhibition_id": "SMS-LP-LAHAT-GSJM-PMR-251115",
      "product_id": "SMS-LP-LAHAT-GSJM", "event_name": "Bazar UMKM Pemasyarakatan OPI Mall",
      "start_date": "2025-11-15", "end_date": "2025-11-17", "regency_code": "16.71",
      "sales_idr": 4250000, "award": "Stand terbaik"})";
  RunResult r = Ctl({"exhibition", "record", "--json", kBazaar, "--request-id", "pmr-1"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("(written)"));
  r = Ctl({"exhibition", "record", "--json", kBazaar, "--request-id", "pmr-1"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("already recorded; nothing written"));
  r = Ctl({"exhibition", "record", "--json",
           R"({"exhibition_id": "SMS-LP-LAHAT-GSJM-PMR-BAD", "product_id": "SMS-LP-LAHAT-GSJM",
               "event_name": "Pameran", "start_date": "2025-11-15", "end_date": "2025-11-14"})"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("INVALID_ARGUMENT: exhibition.end_date: must be on or after "
                               "start_date (2025-11-14 < 2025-11-15)"));

  const std::string csv = WriteFile(
      "exhibitions.csv",
      "exhibition_id,product_id,event_name,start_date,regency_code,sales_idr\n"
      "SMS-LP-LAHAT-GSJM-PMR-250427,SMS-LP-LAHAT-GSJM,\"Pameran HBP, Kanwil Sumsel\",2025-04-27,"
      "16.71,1250000\n"
      "SMS-LP-LAHAT-GSJM-PMR-250817,SMS-LP-LAHAT-GSJM,Hari Pengayoman,2025-08-17,Palembang,0\n");
  r = Ctl({"import", "exhibitions", csv});
  EXPECT_EQ(r.exit_code, 3) << r.err;  // a row was rejected
  EXPECT_THAT(r.out, HasSubstr("2 rows, 1 written, 0 already present, 1 rejected"));
  EXPECT_THAT(r.out, HasSubstr("exhibition.regency_code"));

  r = Ctl({"exhibition", "list", "--product", "SMS-LP-LAHAT-GSJM"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("EXHIBITION_ID"));
  EXPECT_THAT(r.out, HasSubstr("EVENT"));
  EXPECT_THAT(r.out, HasSubstr("Pameran HBP, Kanwil Sumsel"));
  EXPECT_THAT(r.out, HasSubstr("4.250.000"));
  r = Ctl({"--output=json", "exhibition", "get", "SMS-LP-LAHAT-GSJM-PMR-251115"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("\"award\": \"Stand terbaik\""));
  r = Ctl({"--output=json", "info"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("\"exhibitions\": \"2\""));
}

}  // namespace
}  // namespace unggul::testing

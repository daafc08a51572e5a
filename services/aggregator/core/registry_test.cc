#include "services/aggregator/core/registry.h"

#include "common/testing/status_matchers.h"
#include "gtest/gtest.h"

namespace unggul::aggregator {
namespace {

using ::testing::HasSubstr;
using ::unggul::testing::StatusIs;

constexpr char kHeader[] =
    "upt_code,official_name,type,subtype,class,regency_code,kanwil_code,needs_verification\n";

TEST(RegistryTest, ParsesRowsAndHashesContent) {
  const std::string text =
      std::string(kHeader) +
      "SMS-LP-LAHAT,Lapas Kelas IIA Lahat,LAPAS,,IIA,16.04,SUMSEL,false\n"
      "SMS-LP-BATURAJA,Lapas Kelas IIB Baturaja,LAPAS,,IIB,16.01,SUMSEL,true\n";
  UNGGUL_ASSERT_OK_AND_ASSIGN(ParsedRegistry r, ParseRegistryCsv(text));
  ASSERT_EQ(r.entries.size(), 2u);
  EXPECT_EQ(r.entries[0].official_name, "Lapas Kelas IIA Lahat");
  EXPECT_TRUE(r.entries[1].needs_verification);
  EXPECT_EQ(r.content_hash.size(), 16u);
  // A class change is a different registry.
  std::string changed = text;
  changed.replace(changed.find(",IIA,"), 5, ",IIB,");
  EXPECT_NE(ParseRegistryCsv(changed)->content_hash, r.content_hash);
  EXPECT_EQ(ParseRegistryCsv(text)->content_hash, r.content_hash);
}

TEST(RegistryTest, RejectsBadRowsWithLine) {
  EXPECT_THAT(ParseRegistryCsv("upt_code,official_name\nX,Y\n").status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("missing column \"type\"")));
  EXPECT_THAT(
      ParseRegistryCsv(std::string(kHeader) + "SMS-LP-LAHAT,A,LAPAS,,IIA,16.04,SUMSEL,false\n"
                                              "SMS-LP-LAHAT,B,LAPAS,,IIA,16.04,SUMSEL,false\n")
          .status(),
      StatusIs(absl::StatusCode::kInvalidArgument,
               HasSubstr("registry line 3: duplicate upt_code SMS-LP-LAHAT")));
  EXPECT_THAT(ParseRegistryCsv(std::string(kHeader) + "sms lahat,A,LAPAS,,IIA,16.04,SUMSEL,false\n")
                  .status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("line 2: upt_code")));
  EXPECT_THAT(
      ParseRegistryCsv(std::string(kHeader) + "SMS-X,A,LAPAS,,IIA,1604,SUMSEL,false\n").status(),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("regency_code")));
  EXPECT_THAT(
      ParseRegistryCsv(std::string(kHeader) + "SMS-X,A,LAPAS,,IIA,16.04,SUMSEL,maybe\n").status(),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("needs_verification")));
}

}  // namespace
}  // namespace unggul::aggregator

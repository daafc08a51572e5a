#include "common/server/certificate_watch.h"

#include <filesystem>
#include <fstream>

#include "common/pki/pki.h"
#include "common/testing/fake_clock.h"
#include "common/testing/status_matchers.h"
#include "common/testing/temp_dir.h"
#include "gtest/gtest.h"

namespace unggul {
namespace {

constexpr char kAggregator[] = "spiffe://unggul/kanwil/SUMSEL/aggregator";

class CertificateWatchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    UNGGUL_ASSERT_OK(pki::CreateCa(dir_.path() + "/ca", "SUMSEL", now_, absl::Hours(24 * 30)));
  }
  std::string Issue(pki::PeerId id, const std::string& name) {
    pki::IssueRequest req;
    req.id = std::move(id);
    req.validity = absl::Hours(24);
    absl::StatusOr<pki::Issued> issued =
        pki::Issue(dir_.path() + "/ca", req, now_, dir_.path() + "/" + name);
    EXPECT_TRUE(issued.ok()) << issued.status();
    return dir_.path() + "/" + name + ".crt";
  }
  absl::Time now_ = absl::FromUnixSeconds(1795921200);
  testing::ScopedTempDir dir_;
  testing::FakeClock clock_{now_};
};

TEST_F(CertificateWatchTest, LogsARotationOnceAndRefusesAnotherIdentityOrGarbage) {
  const std::string served = Issue({pki::PeerId::Kind::kAggregator, "SUMSEL", ""}, "kanwil");
  CertificateWatch watch(clock_, served, kAggregator, absl::Seconds(10));
  EXPECT_EQ(watch.Check(), "");
  std::filesystem::rename(Issue({pki::PeerId::Kind::kAggregator, "SUMSEL", ""}, "next"), served);
  EXPECT_EQ(watch.Check(), "certificate_reloaded");
  EXPECT_EQ(watch.Check(), "");
  std::filesystem::rename(Issue({pki::PeerId::Kind::kUpt, "SUMSEL", "SMS-LP-LAHAT"}, "node"),
                          served);
  EXPECT_EQ(watch.Check(), "certificate_unusable");
  std::ofstream(served) << "not a certificate";
  EXPECT_EQ(watch.Check(), "certificate_unusable");
}

}  // namespace
}  // namespace unggul

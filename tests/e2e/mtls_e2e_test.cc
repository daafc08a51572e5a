// Mutual TLS end to end with the real binaries and certificates from the Kanwil's CA: a node can
// sync only as the UPT its certificate names, a revoked certificate is refused on its next
// connect, a node refuses an aggregator of another CA, and a rotated aggregator certificate takes
// effect without a restart. Waits are event-driven or bounded by deadlines.

#include <signal.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/auth/policy_file.h"
#include "common/pki/pki.h"
#include "common/testing/status_matchers.h"
#include "common/testing/temp_dir.h"
#include "common/time/clock.h"
#include "common/tls/tls.h"
#include "gmock/gmock.h"
#include "grpc/grpc_security_constants.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "tests/e2e/process.h"
#include "unggul/kanwil/v1/dashboard.grpc.pb.h"
#include "unggul/sync/v1/sync.grpc.pb.h"

namespace unggul::testing {
namespace {

using ::testing::HasSubstr;
namespace s1 = ::unggul::sync::v1;
namespace kv1 = ::unggul::kanwil::v1;
using Kind = pki::PeerId::Kind;

constexpr char kLahat[] = "SMS-LP-LAHAT";
constexpr char kPagarAlam[] = "SMS-LP-PAGARALAM";

class MtlsE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fixture_ = dir_.path() + "/fixture";
    ASSERT_EQ(::unggul::testing::Run(
                  {UNGGULCTL_BIN, "fixture", "--out", fixture_, "--end-month", "2026-10"})
                  ->exit_code,
              0);
    ca_ = dir_.path() + "/ca";
    UNGGUL_ASSERT_OK(pki::CreateCa(ca_, "SUMSEL", Now(), absl::Hours(24 * 30)));
    // unggulctl calls the Kanwil as a VIEWER and the node as its OPERATOR, with tokens.
    kanwil_token_ = AddPolicyToken(dir_.path() + "/kanwil-access.csv", auth::Service::kKanwil,
                                   "dasbor", "VIEWER");
    node_token_ = AddPolicyToken(dir_.path() + "/lahat-access.csv", auth::Service::kNode,
                                 "operator", "OPERATOR");
  }
  static std::string AddPolicyToken(const std::string& path, auth::Service service,
                                    const std::string& user, const std::string& role) {
    std::string token;
    EXPECT_TRUE(auth::CreatePolicyFile(path, service).ok());
    EXPECT_TRUE(auth::EditPolicyFile(path, [&](auth::AccessPolicy& p) {
                  absl::StatusOr<std::string> t = p.AddToken(user, role);
                  if (t.ok()) token = *t;
                  return t.status();
                }).ok());
    return token;
  }
  static absl::Time Now() { return RealClock().Now(); }
  // Issues `id` from the CA in `ca_dir` to dir/<name>.{crt,key}; returns the serial.
  std::string Issue(const std::string& ca_dir, pki::PeerId id, const std::string& name) {
    pki::IssueRequest req;
    req.id = std::move(id);
    req.ip_addresses = {"127.0.0.1"};
    req.validity = absl::Hours(24);
    absl::StatusOr<pki::Issued> issued = pki::Issue(ca_dir, req, Now(), dir_.path() + "/" + name);
    EXPECT_TRUE(issued.ok()) << issued.status();
    return issued.ok() ? issued->serial_hex : "";
  }
  std::vector<std::string> TlsFlags(const std::string& name, const std::string& ca_file) {
    return {"--tls_cert=" + dir_.path() + "/" + name + ".crt",
            "--tls_key=" + dir_.path() + "/" + name + ".key", "--tls_ca=" + ca_file};
  }
  int Start(Process& process, std::vector<std::string> argv, const std::string& name) {
    absl::StatusOr<StartedServer> server =
        StartServer(std::move(argv), dir_.path() + "/port-" + name + std::to_string(starts_++),
                    dir_.path() + "/" + name + ".log");
    EXPECT_TRUE(server.ok()) << server.status();
    if (!server.ok()) return 0;
    process = std::move(server->process);
    return server->port;
  }
  int StartKanwil(const std::string& cert_name, const std::string& ca_file,
                  std::vector<std::string> extra = {}) {
    std::vector<std::string> argv = {KANWIL_AGGREGATOR_BIN, "--data_dir=" + dir_.path() + "/kanwil",
                                     "--registry_file=" + fixture_ + "/registry.csv",
                                     "--tls_revoked=" + ca_ + "/revoked.txt",
                                     "--access_policy=" + dir_.path() + "/kanwil-access.csv"};
    for (const std::string& f : TlsFlags(cert_name, ca_file)) argv.push_back(f);
    for (std::string& f : extra) argv.push_back(std::move(f));
    kanwil_port_ = Start(kanwil_, std::move(argv), "kanwil");
    return kanwil_port_;
  }
  int StartLahat(int kanwil_port) {
    std::vector<std::string> argv = {UPT_NODE_BIN,
                                     std::string("--upt_code=") + kLahat,
                                     "--data_dir=" + dir_.path() + "/lahat",
                                     absl::StrCat("--aggregator_addr=127.0.0.1:", kanwil_port),
                                     "--sync_max_backoff=1s",
                                     "--access_policy=" + dir_.path() + "/lahat-access.csv"};
    for (const std::string& f : TlsFlags("lahat", ca_ + "/ca.crt")) argv.push_back(f);
    return Start(node_, std::move(argv), "lahat");
  }
  RunResult Ctl(int port, const std::vector<std::string>& args) {
    return RunCtlWith(UNGGULCTL_BIN, port,
                      {"--tls_ca=" + ca_ + "/ca.crt", "--token",
                       port == kanwil_port_ ? kanwil_token_ : node_token_},
                      args);
  }
  RunResult CreateProduct(int node_port, const std::string& id) {
    return Ctl(node_port,
               {"product", "create", "--json",
                absl::StrCat(R"({"product_id": ")", id,
                             R"(", "name": "Produk", "category": "CATEGORY_MINUMAN"})")});
  }
  // A TLS client presenting dir/<name>.crt that expects the SUMSEL aggregator.
  std::shared_ptr<grpc::Channel> ChannelAs(const std::string& name, int port) {
    tls::TlsFiles files;
    files.ca = ca_ + "/ca.crt";
    if (!name.empty()) {
      files.cert = dir_.path() + "/" + name + ".crt";
      files.key = dir_.path() + "/" + name + ".key";
    }
    return grpc::CreateChannel(
        absl::StrCat("127.0.0.1:", port),
        tls::ChannelCredentials(files, pki::PeerId{Kind::kAggregator, "SUMSEL", ""}));
  }
  // Opens Sync with a Hello for `upt` and returns how the stream ended.
  grpc::Status HelloAs(const std::shared_ptr<grpc::Channel>& channel, const std::string& upt) {
    auto stub = s1::KanwilSync::NewStub(channel);
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(Now() + absl::Seconds(30)));
    auto stream = stub->Sync(&context);
    s1::NodeMessage hello;
    hello.mutable_hello()->set_upt_code(upt);
    hello.mutable_hello()->set_incarnation_id("0123456789abcdef0123456789abcdef");
    hello.mutable_hello()->set_last_seq(1);
    hello.mutable_hello()->set_oldest_seq(1);
    hello.mutable_hello()->set_protocol_version(s1::PROTOCOL_VERSION_1);
    stream->Write(hello);
    stream->WritesDone();
    s1::AggregatorMessage answer;
    while (stream->Read(&answer)) {
    }
    return stream->Finish();
  }

  ScopedTempDir dir_;
  std::string fixture_;
  std::string ca_;
  int starts_ = 0;
  int kanwil_port_ = -1;
  std::string kanwil_token_;
  std::string node_token_;
  Process kanwil_ = Process::Start({"/bin/true"}, "/dev/null").value();
  Process node_ = Process::Start({"/bin/true"}, "/dev/null").value();
};

TEST_F(MtlsE2eTest, ALahatCertificateCannotSyncAsPagarAlam) {
  Issue(ca_, {Kind::kAggregator, "SUMSEL", ""}, "kanwil");
  Issue(ca_, {Kind::kUpt, "SUMSEL", kLahat}, "lahat");
  Issue(ca_, {Kind::kUser, "SUMSEL", "kabid.yanbin"}, "staff");
  const int k = StartKanwil("kanwil", ca_ + "/ca.crt");
  grpc::Status s = HelloAs(ChannelAs("lahat", k), kPagarAlam);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED) << s.error_message();
  EXPECT_THAT(s.error_message(),
              HasSubstr("its certificate identifies UPT SMS-LP-LAHAT, its Hello names "
                        "SMS-LP-PAGARALAM"));
  // Without a client certificate, or with a person's, no UPT at all.
  s = HelloAs(ChannelAs("", k), kLahat);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED) << s.error_message();
  EXPECT_THAT(s.error_message(), HasSubstr("no credentials"));
  s = HelloAs(ChannelAs("staff", k), kLahat);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED) << s.error_message();
  EXPECT_THAT(s.error_message(), HasSubstr("only a UPT node's certificate may call it"));
  // Nothing reached Pagar Alam's replica; the real Lahat node syncs as itself.
  const int n = StartLahat(k);
  ASSERT_EQ(CreateProduct(n, "SMS-LP-LAHAT-GSJM").exit_code, 0);
  ASSERT_EQ(Ctl(n, {"sync", "wait", "--wait", "60"}).exit_code, 0);
  RunResult r = Ctl(k, {"kanwil", "products"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("SMS-LP-LAHAT-GSJM"));
  EXPECT_THAT(r.out, ::testing::Not(HasSubstr("SMS-LP-PAGARALAM")));
  // A plaintext client gets no answer from a TLS server.
  EXPECT_NE(RunCtl(UNGGULCTL_BIN, k, {"kanwil", "upts"}).exit_code, 0);
}

TEST_F(MtlsE2eTest, ARevokedNodeCertificateIsRefusedOnItsNextConnect) {
  Issue(ca_, {Kind::kAggregator, "SUMSEL", ""}, "kanwil");
  const std::string serial = Issue(ca_, {Kind::kUpt, "SUMSEL", kLahat}, "lahat");
  const int k = StartKanwil("kanwil", ca_ + "/ca.crt");
  int n = StartLahat(k);
  ASSERT_EQ(CreateProduct(n, "SMS-LP-LAHAT-GSJM").exit_code, 0);
  ASSERT_EQ(Ctl(n, {"sync", "wait", "--wait", "60"}).exit_code, 0);
  // The node is seized: its certificate is revoked, the node restarted (a new connection).
  RunResult r = *::unggul::testing::Run(
      {UNGGULCTL_BIN, "pki", "revoke", "--ca_dir=" + ca_, "--serial=" + serial});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  node_.Signal(SIGKILL);
  node_.Wait();
  n = StartLahat(k);
  ASSERT_EQ(CreateProduct(n, "SMS-LP-LAHAT-KOPI").exit_code, 0);
  r = Ctl(n, {"sync", "wait", "--wait", "6"});  // never acknowledged: says how far behind
  EXPECT_NE(r.exit_code, 0);
  EXPECT_THAT(r.err, HasSubstr("DEADLINE_EXCEEDED: not acknowledged within 6s: the Kanwil "
                               "acknowledged seq 1 of 2 (1 behind); sync is not connected"));
  r = Ctl(n, {"info"});
  EXPECT_THAT(r.out, HasSubstr(absl::StrCat("certificate ", serial,
                                            " of "
                                            "spiffe://unggul/kanwil/SUMSEL/upt/SMS-LP-LAHAT "
                                            "is revoked")));
  r = Ctl(k, {"kanwil", "products"});
  EXPECT_THAT(r.out, HasSubstr("SMS-LP-LAHAT-GSJM"));
  EXPECT_THAT(r.out, ::testing::Not(HasSubstr("SMS-LP-LAHAT-KOPI")));
}

TEST_F(MtlsE2eTest, ANodeRefusesAnAggregatorOfAnotherCa) {
  // An impostor Kanwil: a certificate for the SUMSEL aggregator from another CA. It trusts the
  // real CA too, so only the node's check can stop the stream.
  const std::string other_ca = dir_.path() + "/other-ca";
  UNGGUL_ASSERT_OK(pki::CreateCa(other_ca, "SUMSEL", Now(), absl::Hours(24 * 30)));
  Issue(other_ca, {Kind::kAggregator, "SUMSEL", ""}, "impostor");
  Issue(ca_, {Kind::kUpt, "SUMSEL", kLahat}, "lahat");
  const std::string bundle = dir_.path() + "/both-cas.crt";
  {
    std::ofstream out(bundle);
    for (const std::string& f : {ca_ + "/ca.crt", other_ca + "/ca.crt"}) {
      std::ifstream in(f);
      out << in.rdbuf();
    }
  }
  const int k = StartKanwil("impostor", bundle);
  const int n = StartLahat(k);
  ASSERT_EQ(CreateProduct(n, "SMS-LP-LAHAT-GSJM").exit_code, 0);
  EXPECT_NE(Ctl(n, {"sync", "wait", "--wait", "6"}).exit_code, 0);
  RunResult r =
      RunCtlWith(UNGGULCTL_BIN, k, {"--tls_ca=" + other_ca + "/ca.crt", "--token", kanwil_token_},
                 {"kanwil", "upts"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, ::testing::ContainsRegex("SMS-LP-LAHAT +no +NEVER +- +0 "));  // never synced
}

TEST_F(MtlsE2eTest, ARotatedAggregatorCertificateTakesEffectWithoutARestart) {
  Issue(ca_, {Kind::kAggregator, "SUMSEL", ""}, "kanwil");
  Issue(ca_, {Kind::kUpt, "SUMSEL", kLahat}, "lahat");
  const int k = StartKanwil("kanwil", ca_ + "/ca.crt", {"--tls_reload_interval=1s"});
  const int n = StartLahat(k);
  ASSERT_EQ(CreateProduct(n, "SMS-LP-LAHAT-GSJM").exit_code, 0);
  ASSERT_EQ(Ctl(n, {"sync", "wait", "--wait", "60"}).exit_code, 0);
  // A new certificate is issued aside and renamed over the served one (key and cert together).
  const std::string fresh = Issue(ca_, {Kind::kAggregator, "SUMSEL", ""}, "kanwil-next");
  for (const char* ext : {".key", ".crt"}) {
    std::filesystem::rename(dir_.path() + "/kanwil-next" + ext, dir_.path() + "/kanwil" + ext);
  }
  // New connections see it within a few reload intervals (deadline 30 s).
  std::string served;
  const absl::Time deadline = Now() + absl::Seconds(30);
  while (served != fresh && Now() < deadline) {
    auto stub = kv1::KanwilDashboard::NewStub(ChannelAs("lahat", k));
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(Now() + absl::Seconds(5)));
    context.AddMetadata("authorization", "Bearer " + kanwil_token_);  // a node may not read
    kv1::ListUptsResponse response;
    if (!stub->ListUpts(&context, kv1::ListUptsRequest(), &response).ok()) continue;
    const auto pems = context.auth_context()->FindPropertyValues(GRPC_X509_PEM_CERT_PROPERTY_NAME);
    if (pems.size() != 1) continue;
    absl::StatusOr<pki::CertInfo> info =
        pki::InspectCertificatePem(absl::string_view(pems[0].data(), pems[0].size()));
    if (info.ok()) served = info->serial_hex;
  }
  EXPECT_EQ(served, fresh);
  // Sync goes on.
  ASSERT_EQ(CreateProduct(n, "SMS-LP-LAHAT-KOPI").exit_code, 0);
  EXPECT_EQ(Ctl(n, {"sync", "wait", "--wait", "60"}).exit_code, 0);
}

}  // namespace
}  // namespace unggul::testing

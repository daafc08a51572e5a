// The authorization matrix, generated from the role tables (services/aggregator/grpc/roles.h,
// services/node/grpc/roles.h) and checked against the real binaries over mutual TLS: every RPC
// of every service x {no credentials, unknown token, revoked token, revoked certificate, a
// person's certificate without a role, each role by token, a role by certificate, a UPT node's
// certificate} gets exactly the code the tables say: UNAUTHENTICATED, PERMISSION_DENIED, or
// through to the handler (any other code: with an empty request most handlers answer
// INVALID_ARGUMENT or NOT_FOUND). A method of a service descriptor without a table entry, or an
// entry without a method, fails the test. TransitionDesignation's second step (the action's
// roles) is checked per action the same way.

#include <algorithm>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "common/auth/authorizer.h"
#include "common/auth/policy_file.h"
#include "common/pki/pki.h"
#include "common/testing/status_matchers.h"
#include "common/testing/temp_dir.h"
#include "common/time/clock.h"
#include "common/tls/tls.h"
#include "gmock/gmock.h"
#include "google/protobuf/descriptor.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/support/byte_buffer.h"
#include "gtest/gtest.h"
#include "services/aggregator/grpc/roles.h"
#include "services/node/grpc/roles.h"
#include "tests/e2e/process.h"
#include "unggul/kanwil/v1/dashboard.grpc.pb.h"
#include "unggul/kanwil/v1/designation.grpc.pb.h"
#include "unggul/node/v1/node_service.grpc.pb.h"
#include "unggul/sync/v1/sync.grpc.pb.h"

namespace unggul::testing {
namespace {

namespace kv1 = ::unggul::kanwil::v1;
using Kind = pki::PeerId::Kind;

constexpr char kLahat[] = "SMS-LP-LAHAT";

// How one caller presents itself.
struct Credential {
  std::string label;
  std::string cert;   // file prefix of a client certificate, "" for none
  std::string token;  // bearer token, "" for none
  // The expected outcome for a method's roles: nullopt = reaches the handler.
  std::function<std::optional<grpc::StatusCode>(const std::vector<std::string>& roles)> expect;
};

bool Has(const std::vector<std::string>& roles, const std::string& role) {
  return std::find(roles.begin(), roles.end(), role) != roles.end();
}

std::optional<grpc::StatusCode> NeedsRole(const std::vector<std::string>& roles,
                                          const std::string& role) {
  if (Has(roles, role)) return std::nullopt;
  return grpc::StatusCode::PERMISSION_DENIED;
}

// One finished call.
struct Outcome {
  grpc::StatusCode code = grpc::StatusCode::UNKNOWN;
  std::string message;
  std::string body;  // the last response message, serialized
};

// A bidi reactor over raw bytes: writes one message, half-closes, reads until the end. Serves
// unary, server-streaming and bidi methods alike.
class RawCall final : public grpc::ClientBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer> {
 public:
  RawCall(grpc::GenericStub& stub, const std::string& method, const std::string& body,
          const std::string& token, absl::Duration deadline) {
    context_.set_deadline(absl::ToChronoTime(RealClock().Now() + deadline));
    if (!token.empty()) context_.AddMetadata("authorization", "Bearer " + token);
    grpc::Slice slice(body);
    request_ = grpc::ByteBuffer(&slice, 1);
    stub.PrepareBidiStreamingCall(&context_, method, grpc::StubOptions(), this);
    StartWriteLast(&request_, grpc::WriteOptions());
    StartRead(&response_);
    StartCall();
  }
  void OnReadDone(bool ok) override {
    if (!ok) return;
    std::vector<grpc::Slice> slices;
    if (response_.Dump(&slices).ok()) {
      outcome_.body.clear();
      for (const grpc::Slice& slice : slices) {
        outcome_.body.append(reinterpret_cast<const char*>(slice.begin()), slice.size());
      }
    }
    StartRead(&response_);
  }
  void OnDone(const grpc::Status& status) override {
    outcome_.code = status.error_code();
    outcome_.message = status.error_message();
    done_.Notify();
  }
  Outcome Wait() {
    EXPECT_TRUE(done_.WaitForNotificationWithTimeout(absl::Seconds(60)));
    return outcome_;
  }

 private:
  grpc::ClientContext context_;
  grpc::ByteBuffer request_;
  grpc::ByteBuffer response_;
  Outcome outcome_;
  absl::Notification done_;
};

class AuthzMatrixE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // Links the generated files in, so their services are in the generated descriptor pool.
    ASSERT_NE(sync::v1::NodeMessage::descriptor(), nullptr);
    ASSERT_NE(kv1::ListUptsRequest::descriptor(), nullptr);
    ASSERT_NE(kv1::Designation::descriptor(), nullptr);
    ASSERT_NE(node::v1::NodeInfo::descriptor(), nullptr);
    fixture_ = dir_.path() + "/fixture";
    ASSERT_EQ(::unggul::testing::Run(
                  {UNGGULCTL_BIN, "fixture", "--out", fixture_, "--end-month", "2026-10"})
                  ->exit_code,
              0);
    ca_ = dir_.path() + "/ca";
    UNGGUL_ASSERT_OK(pki::CreateCa(ca_, "SUMSEL", RealClock().Now(), absl::Hours(24 * 30)));
    Issue({Kind::kAggregator, "SUMSEL", ""}, "kanwil");
    Issue({Kind::kUpt, "SUMSEL", kLahat}, "lahat");
    Issue({Kind::kUser, "SUMSEL", "ani"}, "ani");           // a role by certificate
    Issue({Kind::kUser, "SUMSEL", "tanpa.peran"}, "none");  // a certificate without a role
    const std::string seized = Issue({Kind::kUser, "SUMSEL", "disita"}, "seized");
    UNGGUL_ASSERT_OK(pki::Revoke(ca_, seized, RealClock().Now(), "device seized"));
  }

  std::string Issue(pki::PeerId id, const std::string& name) {
    pki::IssueRequest req;
    req.id = std::move(id);
    req.ip_addresses = {"127.0.0.1"};
    req.validity = absl::Hours(24);
    absl::StatusOr<pki::Issued> issued =
        pki::Issue(ca_, req, RealClock().Now(), dir_.path() + "/" + name);
    EXPECT_TRUE(issued.ok()) << issued.status();
    return issued.ok() ? issued->serial_hex : "";
  }

  // A policy of `service` with one token per role (returned by role), a revoked token (under
  // "revoked"), and certificate roles: ani gets `cert_role`, the seized person ADMIN/OPERATOR.
  std::map<std::string, std::string> MakePolicy(const std::string& path, auth::Service service,
                                                const std::string& cert_role) {
    std::map<std::string, std::string> tokens;
    UNGGUL_EXPECT_OK(auth::CreatePolicyFile(path, service));
    UNGGUL_EXPECT_OK(auth::EditPolicyFile(path, [&](auth::AccessPolicy& p) -> absl::Status {
      for (const std::string& role : auth::RolesOf(service)) {
        absl::StatusOr<std::string> t = p.AddToken(absl::AsciiStrToLower(role) + ".user", role);
        if (!t.ok()) return t.status();
        tokens[role] = *t;
      }
      const std::string strongest = auth::RolesOf(service).back() == "ADMIN" ? "ADMIN" : "OPERATOR";
      absl::StatusOr<std::string> t = p.AddToken("mantan.pegawai", strongest);
      if (!t.ok()) return t.status();
      tokens["revoked"] = *t;
      if (absl::StatusOr<int> n = p.RevokeTokens("mantan.pegawai"); !n.ok()) return n.status();
      if (absl::Status s = p.Grant("spiffe://unggul/kanwil/SUMSEL/user/ani", cert_role); !s.ok()) {
        return s;
      }
      return p.Grant("spiffe://unggul/kanwil/SUMSEL/user/disita", strongest);
    }));
    return tokens;
  }

  int StartServer(Process& process, std::vector<std::string> argv, const std::string& cert,
                  const std::string& name) {
    for (std::string f : {"--tls_cert=" + dir_.path() + "/" + cert + ".crt",
                          "--tls_key=" + dir_.path() + "/" + cert + ".key",
                          "--tls_ca=" + ca_ + "/ca.crt", "--tls_revoked=" + ca_ + "/revoked.txt"}) {
      argv.push_back(std::move(f));
    }
    absl::StatusOr<StartedServer> server = ::unggul::testing::StartServer(
        std::move(argv), dir_.path() + "/port-" + name, dir_.path() + "/" + name + ".log");
    EXPECT_TRUE(server.ok()) << server.status();
    if (!server.ok()) return 0;
    process = std::move(server->process);
    return server->port;
  }

  int StartKanwil(const std::string& policy) {
    return StartServer(
        kanwil_,
        {KANWIL_AGGREGATOR_BIN, "--data_dir=" + dir_.path() + "/kanwil",
         "--registry_file=" + fixture_ + "/registry.csv", "--access_policy=" + policy},
        "kanwil", "kanwil");
  }
  int StartLahat(const std::string& policy) {
    return StartServer(node_,
                       {UPT_NODE_BIN, std::string("--upt_code=") + kLahat,
                        "--data_dir=" + dir_.path() + "/lahat", "--access_policy=" + policy},
                       "lahat", "lahat");
  }

  std::shared_ptr<grpc::Channel> Channel(int port, const std::string& cert) {
    tls::TlsFiles files;
    files.ca = ca_ + "/ca.crt";
    if (!cert.empty()) {
      files.cert = dir_.path() + "/" + cert + ".crt";
      files.key = dir_.path() + "/" + cert + ".key";
    }
    return grpc::CreateChannel(absl::StrCat("127.0.0.1:", port),
                               tls::ChannelCredentials(files, std::nullopt));
  }

  // The credentials common to both servers plus one token per role.
  std::vector<Credential> Credentials(const std::map<std::string, std::string>& tokens,
                                      auth::Service service, const std::string& cert_role) {
    const std::optional<grpc::StatusCode> unauthenticated = grpc::StatusCode::UNAUTHENTICATED;
    const std::optional<grpc::StatusCode> denied = grpc::StatusCode::PERMISSION_DENIED;
    std::string unknown = tokens.at("revoked");
    unknown[4] = unknown[4] == '0' ? '1' : '0';  // another token id
    std::vector<Credential> out = {
        {"no credentials", "", "", [=](const auto&) { return unauthenticated; }},
        {"unknown token", "", unknown, [=](const auto&) { return unauthenticated; }},
        {"revoked token", "", tokens.at("revoked"), [=](const auto&) { return unauthenticated; }},
        {"revoked certificate", "seized", "", [=](const auto&) { return denied; }},
        {"certificate without a role", "none", "", [=](const auto&) { return denied; }},
        {"certificate with role " + cert_role, "ani", "",
         [=](const auto& roles) { return NeedsRole(roles, cert_role); }},
        {"UPT node certificate", "lahat", "",
         [=](const auto& roles) { return NeedsRole(roles, auth::kUptNode); }},
    };
    for (const std::string& role : auth::RolesOf(service)) {
      out.push_back({"token of role " + role, "", tokens.at(role),
                     [=](const auto& roles) { return NeedsRole(roles, role); }});
    }
    return out;
  }

  // Calls every method of `services` with every credential at once and checks each outcome.
  void CheckMatrix(int port, const std::vector<std::string>& services, const auth::RoleTable& table,
                   const std::vector<Credential>& credentials) {
    struct Pending {
      std::string method;
      const Credential* credential;
      std::optional<grpc::StatusCode> expected;
      std::unique_ptr<RawCall> call;
    };
    std::map<std::string, std::unique_ptr<grpc::GenericStub>> stubs;  // by certificate
    std::vector<Pending> calls;
    std::set<std::string> served;
    for (const std::string& name : services) {
      const google::protobuf::ServiceDescriptor* service =
          google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(name);
      ASSERT_NE(service, nullptr) << name;
      for (int i = 0; i < service->method_count(); ++i) {
        const std::string method = absl::StrCat("/", name, "/", service->method(i)->name());
        served.insert(method);
        auto rule = std::find_if(table.begin(), table.end(),
                                 [&](const auth::MethodRule& r) { return r.method == method; });
        ASSERT_NE(rule, table.end()) << method << " has no entry in the role table";
        for (const Credential& c : credentials) {
          auto& stub = stubs[c.cert];
          if (stub == nullptr) stub = std::make_unique<grpc::GenericStub>(Channel(port, c.cert));
          const std::optional<grpc::StatusCode> expected = c.expect(rule->roles);
          // A call let through may wait for data that never comes (a watch): 5 s is enough to
          // tell it was not refused, which happens before any handler.
          calls.push_back({method, &c, expected,
                           std::make_unique<RawCall>(*stub, method, "", c.token,
                                                     absl::Seconds(expected ? 60 : 5))});
        }
      }
    }
    for (const auth::MethodRule& rule : table) {
      EXPECT_TRUE(served.count(rule.method)) << rule.method << ": a table entry of no method";
    }
    for (Pending& p : calls) {
      const Outcome got = p.call->Wait();
      const std::string what =
          absl::StrCat(p.method, " with ", p.credential->label, ": ", got.code, " ", got.message);
      if (p.expected) {
        EXPECT_EQ(got.code, *p.expected) << what;
      } else {
        EXPECT_NE(got.code, grpc::StatusCode::UNAUTHENTICATED) << what;
        EXPECT_NE(got.code, grpc::StatusCode::PERMISSION_DENIED) << what;
        EXPECT_NE(got.code, grpc::StatusCode::UNIMPLEMENTED) << what;
        EXPECT_NE(got.code, grpc::StatusCode::UNAVAILABLE) << what;
      }
    }
  }

  ScopedTempDir dir_;
  std::string fixture_;
  std::string ca_;
  Process kanwil_ = Process::Start({"/bin/true"}, "/dev/null").value();
  Process node_ = Process::Start({"/bin/true"}, "/dev/null").value();
};

TEST_F(AuthzMatrixE2eTest, EveryKanwilRpcAnswersEveryCallerAsItsRoleTableSays) {
  const std::string policy = dir_.path() + "/kanwil-access.csv";
  const auto tokens = MakePolicy(policy, auth::Service::kKanwil, "APPROVER");
  const int k = StartKanwil(policy);
  ASSERT_NE(k, 0);
  CheckMatrix(k,
              {"unggul.sync.v1.KanwilSync", "unggul.kanwil.v1.KanwilDashboard",
               "unggul.kanwil.v1.KanwilDesignations"},
              aggregator::KanwilRoleTable(),
              Credentials(tokens, auth::Service::kKanwil, "APPROVER"));
}

TEST_F(AuthzMatrixE2eTest, EveryNodeRpcAnswersEveryCallerAsItsRoleTableSays) {
  const std::string policy = dir_.path() + "/node-access.csv";
  const auto tokens = MakePolicy(policy, auth::Service::kNode, "VIEWER");
  const int n = StartLahat(policy);
  ASSERT_NE(n, 0);
  CheckMatrix(n, {"unggul.node.v1.UptNode"}, node::NodeRoleTable(),
              Credentials(tokens, auth::Service::kNode, "VIEWER"));
}

TEST_F(AuthzMatrixE2eTest, EachDesignationActionTakesOnlyItsRoles) {
  const std::string policy = dir_.path() + "/kanwil-access.csv";
  const auto tokens = MakePolicy(policy, auth::Service::kKanwil, "APPROVER");
  const int k = StartKanwil(policy);
  ASSERT_NE(k, 0);
  const auth::RoleTable table = aggregator::KanwilRoleTable();
  const std::string method = "/unggul.kanwil.v1.KanwilDesignations/TransitionDesignation";
  const auto door = std::find_if(table.begin(), table.end(),
                                 [&](const auth::MethodRule& r) { return r.method == method; });
  ASSERT_NE(door, table.end());
  grpc::GenericStub stub(Channel(k, ""));
  const google::protobuf::EnumDescriptor* actions = kv1::DesignationAction_descriptor();
  for (int i = 0; i < actions->value_count(); ++i) {
    const auto action = static_cast<kv1::DesignationAction>(actions->value(i)->number());
    const std::vector<std::string> roles = aggregator::RolesForAction(action);
    if (roles.empty()) continue;  // UNSPECIFIED: refused by validation
    kv1::TransitionDesignationRequest request;
    request.set_designation_id("DSG-0000000000000001");
    request.set_action(action);
    for (const std::string& role : auth::RolesOf(auth::Service::kKanwil)) {
      RawCall call(stub, method, request.SerializeAsString(), tokens.at(role), absl::Seconds(60));
      const Outcome got = call.Wait();
      const std::string what =
          absl::StrCat(kv1::DesignationAction_Name(action), " by ", role, ": ", got.message);
      if (Has(door->roles, role) && Has(roles, role)) {
        EXPECT_EQ(got.code, grpc::StatusCode::NOT_FOUND) << what;  // reached the workflow
      } else {
        EXPECT_EQ(got.code, grpc::StatusCode::PERMISSION_DENIED) << what;
      }
    }
  }
}

// Input limits: a request that is not a protobuf or exceeds --max_message_bytes, sent to every
// node RPC by its operator, is refused and changes nothing (digest and last_seq unchanged);
// writes beyond --write_rate_limit are refused with RESOURCE_EXHAUSTED while reads go on.
TEST_F(AuthzMatrixE2eTest, MalformedOversizedAndTooFrequentWritesChangeNothing) {
  const std::string policy = dir_.path() + "/node-access.csv";
  const auto tokens = MakePolicy(policy, auth::Service::kNode, "VIEWER");
  const std::string operator_token = tokens.at("OPERATOR");
  auto start = [&](Process& process, const std::string& data, const std::string& limit) {
    return StartServer(process,
                       {UPT_NODE_BIN, std::string("--upt_code=") + kLahat,
                        "--data_dir=" + dir_.path() + "/" + data, "--access_policy=" + policy,
                        "--max_message_bytes=65536", "--write_rate_limit=" + limit},
                       "lahat", data);
  };
  auto create = [&](grpc::GenericStub& stub, const std::string& id) {
    node::v1::CreateProductRequest request;
    request.mutable_product()->set_product_id(id);
    request.mutable_product()->set_name("Gula Semut Jahe Merah");
    request.mutable_product()->set_category(node::v1::CATEGORY_PANGAN_OLAHAN);
    RawCall call(stub, "/unggul.node.v1.UptNode/CreateProduct", request.SerializeAsString(),
                 operator_token, absl::Seconds(60));
    return call.Wait();
  };
  auto info = [&](grpc::GenericStub& stub) {
    RawCall call(stub, "/unggul.node.v1.UptNode/GetNodeInfo", "", operator_token,
                 absl::Seconds(60));
    const Outcome got = call.Wait();
    EXPECT_EQ(got.code, grpc::StatusCode::OK) << got.message;
    node::v1::NodeInfo parsed;
    EXPECT_TRUE(parsed.ParseFromString(got.body));
    return parsed;
  };
  const int n = start(node_, "lahat", "0");
  ASSERT_NE(n, 0);
  grpc::GenericStub stub(Channel(n, ""));
  ASSERT_EQ(create(stub, "SMS-LP-LAHAT-GSJM").code, grpc::StatusCode::OK);
  const node::v1::NodeInfo before = info(stub);
  const std::string garbage("\xff\xff\xff\xff\x0f", 5);
  const std::string oversized(65536 + 1, 'x');
  const google::protobuf::ServiceDescriptor* service =
      google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(
          "unggul.node.v1.UptNode");
  ASSERT_NE(service, nullptr);
  for (int i = 0; i < service->method_count(); ++i) {
    const std::string method = absl::StrCat("/unggul.node.v1.UptNode/", service->method(i)->name());
    RawCall bad(stub, method, garbage, operator_token, absl::Seconds(60));
    RawCall big(stub, method, oversized, operator_token, absl::Seconds(60));
    const Outcome got_bad = bad.Wait();
    const Outcome got_big = big.Wait();
    EXPECT_NE(got_bad.code, grpc::StatusCode::OK) << method;
    EXPECT_EQ(got_big.code, grpc::StatusCode::RESOURCE_EXHAUSTED) << method << got_big.message;
  }
  const node::v1::NodeInfo after = info(stub);
  EXPECT_EQ(after.last_seq(), before.last_seq());
  EXPECT_EQ(after.digest().DebugString(), before.digest().DebugString());

  // The rate limit, on a second node: 3 writes a minute per caller, reads go on.
  const int limited_port = start(kanwil_, "limited", "3");
  ASSERT_NE(limited_port, 0);
  grpc::GenericStub limited(Channel(limited_port, ""));
  for (const char* id : {"SMS-LP-LAHAT-GSJM", "SMS-LP-LAHAT-KOPI", "SMS-LP-LAHAT-ROTI"}) {
    ASSERT_EQ(create(limited, id).code, grpc::StatusCode::OK) << id;
  }
  const Outcome refused = create(limited, "SMS-LP-LAHAT-PAVING");
  EXPECT_EQ(refused.code, grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_THAT(refused.message, ::testing::HasSubstr("write rate limit: operator.user may write 3 "
                                                    "times a minute (--write_rate_limit)"));
  EXPECT_EQ(info(limited).last_seq(), 3u);
}

// The same for every Kanwil RPC, by an ADMIN: what the Kanwil shows (UPTs with their sync state
// and digests, incidents, designations, the audit log) is byte for byte the same afterwards.
TEST_F(AuthzMatrixE2eTest, MalformedAndOversizedKanwilRequestsChangeNothing) {
  const std::string policy = dir_.path() + "/kanwil-access.csv";
  const auto tokens = MakePolicy(policy, auth::Service::kKanwil, "APPROVER");
  const int k = StartServer(kanwil_,
                            {KANWIL_AGGREGATOR_BIN, "--data_dir=" + dir_.path() + "/kanwil",
                             "--registry_file=" + fixture_ + "/registry.csv",
                             "--access_policy=" + policy, "--max_message_bytes=65536"},
                            "kanwil", "kanwil");
  ASSERT_NE(k, 0);
  grpc::GenericStub stub(Channel(k, ""));
  const std::string admin = tokens.at("ADMIN");
  auto snapshot = [&]() {
    std::string all;
    for (const char* method : {"/unggul.kanwil.v1.KanwilDashboard/ListUpts",
                               "/unggul.kanwil.v1.KanwilDashboard/ListIncidents",
                               "/unggul.kanwil.v1.KanwilDesignations/ListDesignations",
                               "/unggul.kanwil.v1.KanwilDesignations/GetAuditLog"}) {
      RawCall call(stub, method, "", admin, absl::Seconds(60));
      const Outcome got = call.Wait();
      EXPECT_EQ(got.code, grpc::StatusCode::OK) << method << ": " << got.message;
      absl::StrAppend(&all, method, "=", got.body, ";");
    }
    return all;
  };
  const std::string before = snapshot();
  const std::string garbage("\xff\xff\xff\xff\x0f", 5);
  const std::string oversized(65536 + 1, 'x');
  for (const char* name : {"unggul.sync.v1.KanwilSync", "unggul.kanwil.v1.KanwilDashboard",
                           "unggul.kanwil.v1.KanwilDesignations"}) {
    const google::protobuf::ServiceDescriptor* service =
        google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(name);
    ASSERT_NE(service, nullptr);
    for (int i = 0; i < service->method_count(); ++i) {
      const std::string method = absl::StrCat("/", name, "/", service->method(i)->name());
      // Sync takes a node's certificate: the call is refused before it reads a message.
      if (method == "/unggul.sync.v1.KanwilSync/Sync") continue;
      RawCall bad(stub, method, garbage, admin, absl::Seconds(60));
      RawCall big(stub, method, oversized, admin, absl::Seconds(60));
      EXPECT_NE(bad.Wait().code, grpc::StatusCode::OK) << method;
      const Outcome got_big = big.Wait();
      EXPECT_EQ(got_big.code, grpc::StatusCode::RESOURCE_EXHAUSTED) << method << got_big.message;
    }
  }
  // Sync from the Lahat node's certificate: garbage and an oversized message end the stream.
  grpc::GenericStub node_stub(Channel(k, "lahat"));
  RawCall bad_sync(node_stub, "/unggul.sync.v1.KanwilSync/Sync", garbage, "", absl::Seconds(60));
  RawCall big_sync(node_stub, "/unggul.sync.v1.KanwilSync/Sync", oversized, "", absl::Seconds(60));
  EXPECT_EQ(bad_sync.Wait().code, grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(big_sync.Wait().code, grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(snapshot(), before);
}

TEST_F(AuthzMatrixE2eTest, HealthAnswersWithoutCredentials) {
  const std::string policy = dir_.path() + "/node-access.csv";
  MakePolicy(policy, auth::Service::kNode, "VIEWER");
  const int n = StartLahat(policy);
  ASSERT_NE(n, 0);
  grpc::GenericStub stub(Channel(n, ""));
  RawCall call(stub, "/grpc.health.v1.Health/Check", "", "", absl::Seconds(60));
  EXPECT_EQ(call.Wait().code, grpc::StatusCode::OK);
}

}  // namespace
}  // namespace unggul::testing

#include "services/cli/cli_context.h"

#include <cstdlib>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/tls/tls.h"

namespace unggul::cli {

void CliContext::AddGlobalOptions(CLI::App& app) {
  app.add_option("--addr", addr,
                 "host:port of the server: a UPT node for node commands (else UNGGUL_ADDR, else "
                 "127.0.0.1:7401), the Kanwil aggregator for kanwil commands (else "
                 "UNGGUL_KANWIL_ADDR, else 127.0.0.1:7400)");
  app.add_option("-o,--output", output, "Output: table or json")
      ->check(CLI::IsMember({"table", "json"}))
      ->capture_default_str();
  app.add_option("--timeout", timeout_seconds, "Seconds per call")->capture_default_str();
  app.add_option("--token", token,
                 "Bearer token from `unggulctl token add` (instead of a client certificate)")
      ->envname("UNGGUL_TOKEN");
  app.add_option("--tls_ca,--tls-ca", tls_ca, "PEM CA bundle that signs the servers")
      ->envname("UNGGUL_TLS_CA");
  app.add_option("--tls_cert,--tls-cert", tls_cert, "PEM client certificate (optional)")
      ->envname("UNGGUL_TLS_CERT");
  app.add_option("--tls_key,--tls-key", tls_key, "PEM key of --tls_cert")
      ->envname("UNGGUL_TLS_KEY");
  app.add_flag("--insecure", insecure, "Plaintext, for servers started with --insecure")
      ->envname("UNGGUL_INSECURE");
}

absl::Status CliContext::CheckSecurity() const {
  if (insecure || !tls_ca.empty()) return absl::OkStatus();
  return absl::InvalidArgumentError(
      "--tls_ca: is required to reach a server over TLS (or UNGGUL_TLS_CA); --insecure only for "
      "servers started with --insecure");
}

std::shared_ptr<grpc::ChannelCredentials> CliContext::Credentials() const {
  tls::TlsFiles files;
  files.ca = tls_ca;
  files.cert = tls_cert;
  files.key = tls_key;
  files.insecure = insecure;
  return tls::ChannelCredentials(files, std::nullopt);
}

void CliContext::OnRun(CLI::App* cmd, std::function<absl::Status()> run) {
  cmd->callback([this, run = std::move(run)] { action = run; });
}

void CliContext::OnRunLocal(CLI::App* cmd, std::function<absl::Status()> run) {
  cmd->callback([this, run = std::move(run)] {
    action = run;
    local = true;
  });
}

namespace {

std::string FromEnv(const char* name, const char* fallback) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' ? value : fallback;
}

}  // namespace

std::string CliContext::NodeAddr() const {
  return !addr.empty() ? addr : FromEnv("UNGGUL_ADDR", kDefaultNodeAddr);
}

std::string CliContext::KanwilAddr() const {
  return !addr.empty() ? addr : FromEnv("UNGGUL_KANWIL_ADDR", kDefaultKanwilAddr);
}

absl::Status CliContext::ExplainWrongServer(const absl::Status& status) const {
  if (!absl::IsUnimplemented(status) || dialed_kind.empty()) return status;
  const bool node = dialed_kind == "node";
  return absl::UnimplementedError(absl::StrCat(
      dialed_addr, " is not ", node ? "a UPT node" : "the Kanwil aggregator", " (",
      status.message(), "); ",
      node ? "node commands take a node's address: --addr or UNGGUL_ADDR"
           : "kanwil commands take the aggregator's address: --addr or UNGGUL_KANWIL_ADDR"));
}

std::unique_ptr<NodeClient> CliContext::Node() const {
  dialed_kind = "node";
  dialed_addr = NodeAddr();
  return NodeClient::Connect(dialed_addr, absl::Seconds(timeout_seconds), Credentials(), token);
}

std::unique_ptr<KanwilClient> CliContext::Kanwil() const {
  dialed_kind = "kanwil";
  dialed_addr = KanwilAddr();
  return KanwilClient::Connect(dialed_addr, absl::Seconds(timeout_seconds), token, Credentials());
}

}  // namespace unggul::cli

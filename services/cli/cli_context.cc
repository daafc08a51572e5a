#include "services/cli/cli_context.h"

#include <cstdlib>
#include <utility>

#include "absl/time/time.h"

namespace unggul::cli {

void CliContext::AddGlobalOptions(CLI::App& app) {
  app.add_option("--addr", addr, "Node address host:port")->capture_default_str();
  app.add_option("-o,--output", output, "Output: table or json")
      ->check(CLI::IsMember({"table", "json"}))
      ->capture_default_str();
  app.add_option("--timeout", timeout_seconds, "Seconds per call")->capture_default_str();
  app.add_option("--token", token,
                 "Bearer token for the Kanwil APIs (also from the UNGGUL_TOKEN environment)");
}

void CliContext::OnRun(CLI::App* cmd, std::function<absl::Status()> run) {
  cmd->callback([this, run = std::move(run)] { action = run; });
}

std::unique_ptr<NodeClient> CliContext::Node() const {
  return NodeClient::Connect(addr, absl::Seconds(timeout_seconds));
}

std::unique_ptr<KanwilClient> CliContext::Kanwil() const {
  std::string t = token;
  if (t.empty()) {
    if (const char* env = std::getenv("UNGGUL_TOKEN")) t = env;
  }
  return KanwilClient::Connect(addr, absl::Seconds(timeout_seconds), t);
}

}  // namespace unggul::cli

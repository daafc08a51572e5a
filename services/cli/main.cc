// unggulctl: the command-line client of Unggul (the UPT node API and the Kanwil dashboard API).
// Exit codes: 0 ok, 1 the call failed (message names the gRPC code), 2 usage error, 3 import
// finished with rejected rows. The commands live one noun per file (services/cli/commands.h).

#include <iostream>

#include "CLI/CLI.hpp"
#include "absl/status/status.h"
#include "common/version/version.h"
#include "services/cli/cli_context.h"
#include "services/cli/commands.h"

namespace unggul::cli {
namespace {

int Main(int argc, char** argv) {
  CLI::App app{"unggulctl: command-line client of Unggul (UPT node and Kanwil APIs)", "unggulctl"};
  app.require_subcommand(1);
  app.fallthrough();  // global options (-o json, --addr, ...) also after the subcommand
  CliContext ctx;
  ctx.AddGlobalOptions(app);
  // In the order --help lists them.
  RegisterInfoCommand(app, ctx);
  RegisterProductCommands(app, ctx);
  RegisterRecordCommands(app, ctx);
  RegisterSyncCommands(app, ctx);
  RegisterKanwilCommands(app, ctx);
  RegisterNodeDesignationsCommand(app, ctx);
  RegisterImportCommand(app, ctx);
  RegisterFixtureCommand(app, ctx);
  RegisterPkiCommands(app, ctx);
  RegisterAccessCommands(app, ctx);

  app.set_version_flag("--version", "unggulctl " + VersionString());
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help and --version print and succeed; every usage error is exit code 2 (CLI11's own
    // codes, 105 and up, are not part of this tool's contract).
    return app.exit(e) == 0 ? 0 : 2;
  }
  if (!ctx.action) return 2;
  absl::Status status = ctx.local ? absl::OkStatus() : ctx.CheckSecurity();
  if (status.ok()) status = ctx.ExplainWrongServer(ctx.action());
  if (!status.ok()) {
    std::cerr << "unggulctl: " << absl::StatusCodeToString(status.code()) << ": "
              << status.message() << "\n";
    return 1;
  }
  return ctx.exit_code;
}

}  // namespace
}  // namespace unggul::cli

int main(int argc, char** argv) { return unggul::cli::Main(argc, argv); }

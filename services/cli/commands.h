#pragma once

// The nouns of unggulctl, one source file each. Every Register function adds its top-level
// command(s) to `app` with their options, bound to storage that lives as long as `app`, and sets
// ctx.action when its command is the one parsed. The order of the calls is the order `--help`
// lists the commands in (main.cc).

#include "CLI/CLI.hpp"
#include "services/cli/cli_context.h"

namespace unggul::cli {

// cmd_node.cc: info; sync wait; designations (received from the Kanwil).
void RegisterInfoCommand(CLI::App& app, CliContext& ctx);
void RegisterSyncCommands(CLI::App& app, CliContext& ctx);
void RegisterNodeDesignationsCommand(CLI::App& app, CliContext& ctx);

// cmd_product.cc: product create, update, get, list, retire.
void RegisterProductCommands(CLI::App& app, CliContext& ctx);

// cmd_records.cc: <kind> record, get, list for every record kind of the registry but products.
void RegisterRecordCommands(CLI::App& app, CliContext& ctx);

// cmd_kanwil.cc (and cmd_kanwil_*.cc): kanwil, the Kanwil dashboard API.
void RegisterKanwilCommands(CLI::App& app, CliContext& ctx);

// cmd_import.cc: import KIND PATH.
void RegisterImportCommand(CLI::App& app, CliContext& ctx);

// cmd_fixture.cc: fixture --out DIR.
void RegisterFixtureCommand(CLI::App& app, CliContext& ctx);
// cmd_pki.cc: pki init, issue, revoke, list (the Kanwil's CA for mutual TLS, a local folder).
void RegisterPkiCommands(CLI::App& app, CliContext& ctx);
// cmd_access.cc: access init, grant, revoke, list; token add, revoke (a server's access policy).
void RegisterAccessCommands(CLI::App& app, CliContext& ctx);

}  // namespace unggul::cli

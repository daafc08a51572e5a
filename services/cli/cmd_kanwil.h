#pragma once

// The parts of `unggulctl kanwil` (the Kanwil dashboard API; --addr is the aggregator), one
// source file each, and the period/cohort flags they share. RegisterKanwilCommands
// (commands.h, cmd_kanwil.cc) adds the replica views and calls these in --help order.

#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/status/statusor.h"
#include "services/cli/cli_context.h"
#include "unggul/kanwil/v1/dashboard.pb.h"

namespace unggul::cli {

// --from, --to (months) and the cohort --upt, --category of the ranking views; --weight only
// where a command adds it.
struct RankFlags {
  std::string from;
  std::string to;
  std::string upt;
  std::string category;
  std::vector<std::string> weights;

  void Add(CLI::App* cmd);
  // The ranking request of these flags; InvalidArgument for a bad --category or --weight.
  absl::StatusOr<kanwil::v1::GetRankingRequest> Request() const;
};

// cmd_kanwil_ranking.cc: ranking, score, map, assess, verify-labour.
void AddKanwilRankingCommands(CLI::App* kanwil, CliContext& ctx);
// cmd_kanwil_incident.cc: incident record/close, incidents (gate G6).
void AddKanwilIncidentCommands(CLI::App* kanwil, CliContext& ctx);
// cmd_kanwil_designation.cc: designation create/act, designations, audit.
void AddKanwilDesignationCommands(CLI::App* kanwil, CliContext& ctx);

}  // namespace unggul::cli

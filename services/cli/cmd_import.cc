// unggulctl import KIND PATH: loads CSV files (services/cli/CSV.md) into a node through the
// importer, one kind or a whole folder in dependency order, with a progress bar on a terminal.
// Rejected rows are listed and make the program exit 3.

#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <iostream>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "services/cli/cli_common.h"
#include "services/cli/commands.h"
#include "services/cli/importer.h"
#include "services/cli/record_csv.h"

namespace unggul::cli {
namespace {

class ProgressBar {
 public:
  ProgressBar(std::string label, bool enabled) : label_(std::move(label)), enabled_(enabled) {}
  void Update(int done, int total) {
    if (!enabled_ || total <= 0) return;
    const int width = 30;
    const int filled = static_cast<int>(static_cast<int64_t>(done) * width / total);
    std::fprintf(stderr, "\r%-18s [%s%s] %d/%d", label_.c_str(), std::string(filled, '#').c_str(),
                 std::string(width - filled, '.').c_str(), done, total);
    if (done == total) std::fputc('\n', stderr);
    std::fflush(stderr);
  }

 private:
  std::string label_;
  bool enabled_;
};

// Imports `files` in order, printing a report per file (or one JSON document); sets the exit
// code 3 when any row was rejected.
absl::Status ImportFiles(CliContext& ctx, NodeClient& client,
                         const std::vector<std::pair<const RecordKindInfo*, std::string>>& files) {
  std::vector<std::string> json_files;
  int rejected = 0;
  for (const auto& [kind, path] : files) {
    UNGGUL_ASSIGN_OR_RETURN(std::string text, ReadFile(path));
    ProgressBar bar(std::string(kind->plural), !ctx.json() && isatty(STDERR_FILENO));
    absl::StatusOr<ImportReport> report =
        ImportCsv(*kind, text, client, [&](int done, int total) { bar.Update(done, total); });
    if (!report.ok()) {
      return absl::Status(report.status().code(),
                          absl::StrCat(path, ": ", report.status().message()));
    }
    rejected += static_cast<int>(report->errors.size());
    if (ctx.json()) {
      std::vector<std::string> errors;
      for (const RowError& e : report->errors) {
        errors.push_back(absl::StrCat("{\"line\": ", e.line, ", \"id\": ", JsonQuote(e.id),
                                      ", \"reason\": ", JsonQuote(e.reason), "}"));
      }
      json_files.push_back(absl::StrCat(
          "{\"file\": ", JsonQuote(path), ", \"kind\": \"", kind->plural,
          "\", \"rows\": ", report->rows, ", \"written\": ", report->written,
          ", \"replayed\": ", report->replayed, ", \"rejected\": ", report->errors.size(),
          ", \"errors\": [", absl::StrJoin(errors, ", "), "]}"));
    } else {
      std::cout << absl::StrFormat("%s: %d rows, %d written, %d already present, %d rejected\n",
                                   path, report->rows, report->written, report->replayed,
                                   report->errors.size());
      for (const RowError& e : report->errors) {
        std::cout << absl::StrFormat("  %s:%d: %s%s\n", path, e.line,
                                     e.id.empty() ? "" : e.id + ": ", e.reason);
      }
    }
  }
  if (ctx.json()) std::cout << "{\"files\": [" << absl::StrJoin(json_files, ", ") << "]}\n";
  if (rejected > 0) ctx.exit_code = 3;
  return absl::OkStatus();
}

bool Exists(const std::string& path) { return access(path.c_str(), R_OK) == 0; }

struct ImportFlags {
  std::string kind;
  std::string path;
};

}  // namespace

void RegisterImportCommand(CLI::App& app, CliContext& ctx) {
  std::string kinds;
  for (const RecordKindInfo* k : ImportOrder()) absl::StrAppend(&kinds, k->plural, ", ");
  auto f = std::make_shared<ImportFlags>();
  CLI::App* cmd = app.add_subcommand(
      "import",
      absl::StrCat(
          "Load CSV files (formats: services/cli/CSV.md; columns of a kind: the fields of its "
          "records.proto message). KIND is ",
          kinds,
          "or dir (PATH is a folder holding <kind>.csv files, loaded in dependency "
          "order). Safe to re-run."));
  cmd->add_option("kind", f->kind, "Record kind or dir")->required();
  cmd->add_option("path", f->path, "CSV file, or folder for dir")->required();
  ctx.OnRun(cmd, [&ctx, f]() -> absl::Status {
    std::vector<std::pair<const RecordKindInfo*, std::string>> files;
    if (f->kind == "dir") {
      for (const RecordKindInfo* kind : ImportOrder()) {
        const std::string path = absl::StrCat(f->path, "/", kind->plural, ".csv");
        if (Exists(path)) files.emplace_back(kind, path);
      }
      if (files.empty()) {
        return absl::NotFoundError(absl::StrCat("no <kind>.csv files in ", f->path));
      }
    } else {
      UNGGUL_ASSIGN_OR_RETURN(const RecordKindInfo* kind, ParseImportKind(f->kind));
      files.emplace_back(kind, f->path);
    }
    auto c = ctx.Node();
    return ImportFiles(ctx, *c, files);
  });
}

}  // namespace unggul::cli

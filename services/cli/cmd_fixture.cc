// unggulctl fixture --out DIR: writes the deterministic Sumatera Selatan demo data set
// (services/cli/fixture.h) as CSV files, ending by default at the last complete month in Jakarta.

#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "common/status/status_macros.h"
#include "common/time/clock.h"
#include "common/time/dates.h"
#include "services/cli/commands.h"
#include "services/cli/fixture.h"

namespace unggul::cli {
namespace {

struct FixtureFlags {
  FixtureOptions options;
  std::string out;
  std::string end_month;
};

}  // namespace

void RegisterFixtureCommand(CLI::App& app, CliContext& ctx) {
  auto f = std::make_shared<FixtureFlags>();
  CLI::App* cmd = app.add_subcommand(
      "fixture", "Write the deterministic Sumatera Selatan demo data set as CSV files");
  cmd->add_option("--out", f->out, "Output folder")->required();
  cmd->add_option("--end-month", f->end_month,
                  "Last month, YYYY-MM (default: the last complete month in Asia/Jakarta)");
  cmd->add_option("--months", f->options.months, "Months of data")->capture_default_str();
  cmd->add_option("--seed", f->options.seed, "Generator seed")->capture_default_str();
  ctx.OnRunLocal(cmd, [f]() -> absl::Status {
    if (f->end_month.empty()) {
      UNGGUL_ASSIGN_OR_RETURN(SystemClock clock, SystemClockFromEnvironment());
      f->options.end_month = LastCompleteJakartaMonth(clock.Now());
    } else {
      f->options.end_month = f->end_month;
    }
    UNGGUL_ASSIGN_OR_RETURN(std::vector<std::string> upts, WriteSumselFixture(f->out, f->options));
    for (const std::string& upt : upts) std::cout << f->out << "/" << upt << "\n";
    return absl::OkStatus();
  });
}

}  // namespace unggul::cli

#include "common/server/server_main.h"

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/flags/usage_config.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/log/log.h"
#include "common/status/echo.h"
#include "common/time/clock.h"
#include "common/version/version.h"
#include "grpcpp/health_check_service_interface.h"

namespace unggul {

namespace {

// absl's flag parser ends the process itself, with exit code 1 both for --help/--version and for
// a bad flag. While it parses, this exit handler turns that into the documented codes: 0 for
// help and version, 2 for a usage error.
std::atomic<int> parse_exit_code{-1};

void ExitWithParseCode() {
  const int code = parse_exit_code.load();
  if (code < 0) return;
  std::fflush(stdout);
  std::fflush(stderr);
  std::_Exit(code);
}

}  // namespace

void ParseServerFlags(int argc, char** argv, absl::string_view main_file, absl::string_view usage) {
  static std::string* file = nullptr;  // the usage config keeps a plain function pointer
  file = new std::string(main_file);
  absl::FlagsUsageConfig config;
  static std::string* program = nullptr;
  const absl::string_view argv0 = argc > 0 ? argv[0] : "unggul";
  program = new std::string(argv0.substr(argv0.rfind('/') + 1));
  config.version_string = [] { return absl::StrCat(*program, " ", VersionString(), "\n"); };
  config.contains_help_flags = [](absl::string_view path) {
    return absl::StrContains(path, *file) ||
           absl::StrContains(path, "common/server/security_flags");
  };
  config.contains_helpshort_flags = config.contains_help_flags;
  absl::SetFlagsUsageConfig(config);
  absl::SetProgramUsageMessage(usage);
  bool informational = false;
  for (int i = 1; i < argc; ++i) {
    const absl::string_view arg = argv[i];
    if (arg == "--") break;
    for (const char* flag :
         {"help", "helpfull", "helpshort", "helppackage", "version", "only_check_args"}) {
      if (arg == absl::StrCat("--", flag) || arg == absl::StrCat("-", flag)) informational = true;
    }
  }
  parse_exit_code = informational ? 0 : 2;
  std::atexit(ExitWithParseCode);
  absl::ParseCommandLine(argc, argv);
  parse_exit_code = -1;
}

void MarkServicesServing(grpc::Server& server, const std::vector<std::string>& services) {
  grpc::HealthCheckServiceInterface* health = server.GetHealthCheckService();
  if (health == nullptr) return;
  for (const std::string& name : services) health->SetServingStatus(name, true);
}

sigset_t BlockStopSignals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  return signals;
}

std::thread DrainOnStopSignal(sigset_t signals, grpc::Server& server, absl::Duration drain) {
  return std::thread([signals, &server, drain] {
    int sig = 0;
    sigwait(&signals, &sig);
    log::Info("draining", {{"signal", sig == SIGTERM ? "SIGTERM" : "SIGINT"},
                           {"drain_timeout", absl::FormatDuration(drain)}});
    server.GetHealthCheckService()->SetServingStatus(false);
    server.Shutdown(absl::ToChronoTime(RealClock().Now() + drain));
  });
}

absl::StatusOr<std::string> ReadFileToString(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

absl::StatusOr<SystemClock> ServerClock() {
  absl::StatusOr<SystemClock> clock = SystemClockFromEnvironment();
  if (clock.ok() && clock->offset() != absl::ZeroDuration()) {
    log::Warn("domain clock shifted by UNGGUL_NOW (tests and rehearsals only)",
              {{"now", absl::FormatTime(absl::RFC3339_sec, clock->Now(), absl::UTCTimeZone())}});
  }
  return clock;
}

absl::Status CheckListenAddress(absl::string_view listen) {
  const size_t colon = listen.rfind(':');
  absl::string_view host = colon == absl::string_view::npos ? "" : listen.substr(0, colon);
  const absl::string_view port = colon == absl::string_view::npos ? "" : listen.substr(colon + 1);
  bool host_ok = !host.empty();
  if (absl::ConsumePrefix(&host, "[")) {
    host_ok = absl::ConsumeSuffix(&host, "]") && !host.empty();  // [v6]
  } else if (host.find(':') != absl::string_view::npos) {
    host_ok = false;  // a bare IPv6 address: the port cannot be told apart
  }
  int number = -1;
  const bool port_ok = !port.empty() && port.size() <= 5 &&
                       std::all_of(port.begin(), port.end(), absl::ascii_isdigit) &&
                       absl::SimpleAtoi(port, &number) && number <= 65535;
  if (host_ok && port_ok) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(
      "--listen: must be host:port (e.g. 0.0.0.0:7401, 127.0.0.1:0, [::]:7401), got \"",
      Echo(listen), "\""));
}

}  // namespace unggul

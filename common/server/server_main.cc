#include "common/server/server_main.h"

#include <algorithm>
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
#include "grpcpp/health_check_service_interface.h"

namespace unggul {

void ParseServerFlags(int argc, char** argv, absl::string_view main_file, absl::string_view usage) {
  static std::string* file = nullptr;  // the usage config keeps a plain function pointer
  file = new std::string(main_file);
  absl::FlagsUsageConfig config;
  config.contains_help_flags = [](absl::string_view path) {
    return absl::StrContains(path, *file) ||
           absl::StrContains(path, "common/server/security_flags");
  };
  config.contains_helpshort_flags = config.contains_help_flags;
  absl::SetFlagsUsageConfig(config);
  absl::SetProgramUsageMessage(usage);
  absl::ParseCommandLine(argc, argv);
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

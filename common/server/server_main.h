#pragma once

// What every server binary's main.cc does the same way: flags with a real --help, stop signals
// taken by a dedicated thread, a graceful drain, whole small files (registry, tokens) read.

#include <signal.h>

#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/time/clock.h"
#include "grpcpp/server.h"

namespace unggul {

// Parses absl flags; --help lists the flags defined in files whose path contains `main_file`
// (e.g. "services/node/main.cc") under `usage`; --version prints the version and git commit.
// Exit codes: 0 after --help or --version, 2 for an unknown or malformed flag.
void ParseServerFlags(int argc, char** argv, absl::string_view main_file, absl::string_view usage);

// Blocks SIGTERM and SIGINT in the calling thread (and every thread started after it); call it
// before any thread starts. Returns the blocked set for DrainOnStopSignal.
sigset_t BlockStopSignals();

// A thread that waits for one of `signals`, logs it, marks health NOT_SERVING and shuts `server`
// down, giving in-flight calls `drain` to finish. Join it after server.Wait() returns.
std::thread DrainOnStopSignal(sigset_t signals, grpc::Server& server, absl::Duration drain);

// The domain clock of a server (SystemClockFromEnvironment): the wall clock, or shifted to
// UNGGUL_NOW with a warning logged. InvalidArgument if UNGGUL_NOW is malformed (main exits).
absl::StatusOr<SystemClock> ServerClock();

// Marks every gRPC service of `server` SERVING in the health service under its full name (e.g.
// "unggul.node.v1.UptNode"), besides the server as a whole (""), so a probe may ask for one.
void MarkServicesServing(grpc::Server& server, const std::vector<std::string>& services);

// OK for "host:port" or "[v6]:port" with a decimal port 0..65535 (0: any free port);
// InvalidArgument "--listen: must be host:port, ..." otherwise (gRPC would read "localhost" as
// port 443 and "host:" as a default port).
absl::Status CheckListenAddress(absl::string_view listen);

// NotFound "cannot read <path>" when the file cannot be opened.
absl::StatusOr<std::string> ReadFileToString(const std::string& path);

}  // namespace unggul

#pragma once

// The state of one unggulctl run that every command shares: the global options (--addr,
// --output, --timeout, --token), the action the parsed command chose, and the program's exit
// code. Commands register into CLI11 with a CliContext& (services/cli/commands.h); the context
// outlives parsing and the action, so callbacks may keep a reference to it. Not thread-safe (one
// per process, used from main only).

#include <functional>
#include <memory>
#include <string>

#include "CLI/CLI.hpp"
#include "absl/status/status.h"
#include "services/cli/kanwil_client.h"
#include "services/cli/node_client.h"

namespace unggul::cli {

// Default addresses when neither --addr nor the environment names one.
inline constexpr char kDefaultNodeAddr[] = "127.0.0.1:7401";
inline constexpr char kDefaultKanwilAddr[] = "127.0.0.1:7400";

struct CliContext {
  // --addr; empty: node commands take UNGGUL_ADDR, kanwil commands UNGGUL_KANWIL_ADDR, else the
  // defaults above.
  std::string addr;
  std::string output = "table";
  double timeout_seconds = 10;
  // Bearer token for the Kanwil APIs; empty means UNGGUL_TOKEN from the environment, if set.
  std::string token;
  // Transport security (also from UNGGUL_TLS_CA, UNGGUL_TLS_CERT, UNGGUL_TLS_KEY and
  // UNGGUL_INSECURE=1): the CA that signs the servers, an optional client certificate, or
  // plaintext for servers started with --insecure.
  std::string tls_ca;
  std::string tls_cert;
  std::string tls_key;
  bool insecure = false;

  // What the parsed command runs (empty when none was chosen).
  std::function<absl::Status()> action;
  // Exit code of the whole program when the action succeeds (commands that succeed partially
  // raise it, e.g. import with rejected rows exits 3).
  int exit_code = 0;

  bool json() const { return output == "json"; }

  // The address node (or kanwil) commands dial, and which kind of server the chosen command
  // reached for ("node" or "kanwil", set by Node()/Kanwil()), for ExplainWrongServer.
  std::string NodeAddr() const;
  std::string KanwilAddr() const;
  mutable std::string dialed_kind;
  mutable std::string dialed_addr;
  // An UNIMPLEMENTED status of a call, explained: the address reached is not the kind of server
  // the command talks to. Other statuses unchanged.
  absl::Status ExplainWrongServer(const absl::Status& status) const;

  // Adds --addr, -o/--output, --timeout and --token to the top-level app.
  void AddGlobalOptions(CLI::App& app);
  // Makes `run` the action when `cmd` is the command given on the command line.
  void OnRun(CLI::App* cmd, std::function<absl::Status()> run);
  // The same for commands that work on local files only (no server, so no TLS options needed).
  void OnRunLocal(CLI::App* cmd, std::function<absl::Status()> run);
  bool local = false;  // the chosen command is local

  // Clients of the node API and of the Kanwil dashboard API at --addr with the --timeout
  // deadline per call (the Kanwil one sends the token).
  std::unique_ptr<NodeClient> Node() const;
  std::unique_ptr<KanwilClient> Kanwil() const;
  // The channel credentials the options ask for (TLS unless --insecure; a missing --tls_ca is
  // reported by the first call as UNAVAILABLE with the handshake error, so check it up front
  // with CheckSecurity).
  std::shared_ptr<grpc::ChannelCredentials> Credentials() const;
  // InvalidArgument naming the option when neither --tls_ca nor --insecure is given.
  absl::Status CheckSecurity() const;
};

}  // namespace unggul::cli

#pragma once

// Child processes for end-to-end tests: spawn a binary, capture its output, signal it, wait.
// Waiting is on events (waitpid, poll with a deadline), never on sleeps.

#include <sys/types.h>

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace unggul::testing {

struct RunResult {
  int exit_code = -1;  // -1 when killed by a signal
  std::string out;
  std::string err;
};

// Runs `argv` to completion (stdin closed), capturing stdout and stderr. Fails if it does not
// finish within `timeout` (the child is then killed).
absl::StatusOr<RunResult> Run(const std::vector<std::string>& argv,
                              absl::Duration timeout = absl::Seconds(120));

// A long-running child (a server). Output goes to `log_path`. Killed with SIGKILL on
// destruction if still running.
class Process {
 public:
  static absl::StatusOr<Process> Start(const std::vector<std::string>& argv,
                                       const std::string& log_path);
  Process(Process&& other) noexcept;
  Process& operator=(Process&& other) noexcept;
  ~Process();

  pid_t pid() const { return pid_; }
  bool running() const { return pid_ > 0; }
  void Signal(int sig);
  // Waits for exit; returns the exit code, or -signal when killed by a signal.
  int Wait();

 private:
  explicit Process(pid_t pid) : pid_(pid) {}
  pid_t pid_ = -1;
};

// Creates a FIFO at `path`, opened for reading; ReadLine blocks until a line arrives or the
// deadline passes (DeadlineExceeded).
class FifoReader {
 public:
  static absl::StatusOr<FifoReader> Create(const std::string& path);
  FifoReader(FifoReader&& other) noexcept;
  ~FifoReader();
  absl::StatusOr<std::string> ReadLine(absl::Duration timeout);

 private:
  explicit FifoReader(int fd) : fd_(fd) {}
  int fd_ = -1;
  std::string buffer_;
};

// Runs `unggulctl --addr=127.0.0.1:<port> args...` to completion. When it cannot be run at all
// (or does not finish in time) the result has exit_code -1 and the reason in `err`, so the
// caller's exit-code assertion fails with it.
// Plaintext (--insecure): for servers started with --insecure.
RunResult RunCtl(const std::string& unggulctl, int port, const std::vector<std::string>& args);
// With the given global options instead, e.g. {"--tls_ca=ca.crt"}.
RunResult RunCtlWith(const std::string& unggulctl, int port,
                     const std::vector<std::string>& global_options,
                     const std::vector<std::string>& args);

// A server binary started with `--listen=127.0.0.1:0 --port_file=<fifo>`, once it accepts calls.
struct StartedServer {
  Process process;
  int port = 0;
};

// Starts `argv` plus --listen=127.0.0.1:0 and --port_file=`fifo` (created here; must not exist),
// output to `log_path`, and waits up to `timeout` for the port the server reports.
// DeadlineExceeded if it reports none in time (see the log), Internal on spawn errors.
absl::StatusOr<StartedServer> StartServer(std::vector<std::string> argv, const std::string& fifo,
                                          const std::string& log_path,
                                          absl::Duration timeout = absl::Seconds(60));

}  // namespace unggul::testing

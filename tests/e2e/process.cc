#include "tests/e2e/process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/time/clock.h"

namespace unggul::testing {
namespace {

std::vector<char*> Argv(const std::vector<std::string>& argv) {
  std::vector<char*> out;
  for (const std::string& a : argv) out.push_back(const_cast<char*>(a.c_str()));
  out.push_back(nullptr);
  return out;
}

int DecodeWait(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return -WTERMSIG(status);
  return -1;
}

}  // namespace

absl::StatusOr<RunResult> Run(const std::vector<std::string>& argv, absl::Duration timeout) {
  int out_pipe[2];
  int err_pipe[2];
  if (pipe2(out_pipe, O_CLOEXEC) != 0 || pipe2(err_pipe, O_CLOEXEC) != 0) {
    return absl::InternalError("pipe failed");
  }
  std::vector<char*> args = Argv(argv);
  const pid_t pid = fork();
  if (pid < 0) return absl::InternalError("fork failed");
  if (pid == 0) {
    int devnull = open("/dev/null", O_RDONLY);
    dup2(devnull, 0);
    dup2(out_pipe[1], 1);
    dup2(err_pipe[1], 2);
    execv(args[0], args.data());
    _exit(127);
  }
  close(out_pipe[1]);
  close(err_pipe[1]);
  RunResult result;
  const absl::Time deadline = unggul::RealClock().Now() + timeout;
  pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
  int open_fds = 2;
  bool timed_out = false;
  while (open_fds > 0) {
    const int64_t ms = absl::ToInt64Milliseconds(deadline - unggul::RealClock().Now());
    if (ms <= 0) {
      timed_out = true;
      break;
    }
    if (poll(fds, 2, static_cast<int>(ms)) < 0 && errno != EINTR) break;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || (fds[i].revents & (POLLIN | POLLHUP)) == 0) continue;
      char buf[4096];
      const ssize_t n = read(fds[i].fd, buf, sizeof(buf));
      if (n > 0) {
        (i == 0 ? result.out : result.err).append(buf, static_cast<size_t>(n));
      } else {
        close(fds[i].fd);
        fds[i].fd = -1;
        --open_fds;
      }
    }
  }
  for (pollfd& p : fds) {
    if (p.fd >= 0) close(p.fd);
  }
  if (timed_out) kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  if (timed_out) {
    return absl::DeadlineExceededError(
        absl::StrCat(argv[0], " did not finish in ", absl::FormatDuration(timeout)));
  }
  result.exit_code = DecodeWait(status);
  return result;
}

absl::StatusOr<Process> Process::Start(const std::vector<std::string>& argv,
                                       const std::string& log_path) {
  std::vector<char*> args = Argv(argv);
  const pid_t pid = fork();
  if (pid < 0) return absl::InternalError("fork failed");
  if (pid == 0) {
    int devnull = open("/dev/null", O_RDONLY);
    int log = open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    dup2(devnull, 0);
    dup2(log, 1);
    dup2(log, 2);
    execv(args[0], args.data());
    _exit(127);
  }
  return Process(pid);
}

Process::Process(Process&& other) noexcept : pid_(std::exchange(other.pid_, -1)) {}

Process& Process::operator=(Process&& other) noexcept {
  if (this != &other) {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    pid_ = std::exchange(other.pid_, -1);
  }
  return *this;
}

Process::~Process() {
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
}

void Process::Signal(int sig) {
  if (pid_ > 0) kill(pid_, sig);
}

int Process::Wait() {
  if (pid_ <= 0) return -1;
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
  return DecodeWait(status);
}

absl::StatusOr<FifoReader> FifoReader::Create(const std::string& path) {
  if (mkfifo(path.c_str(), 0600) != 0) {
    return absl::InternalError(absl::StrCat("mkfifo ", path, ": ", std::strerror(errno)));
  }
  // O_RDWR keeps the FIFO open even when no writer exists yet, so poll() waits for data.
  const int fd = open(path.c_str(), O_RDWR | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return absl::InternalError(absl::StrCat("open ", path));
  return FifoReader(fd);
}

FifoReader::FifoReader(FifoReader&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), buffer_(std::move(other.buffer_)) {}

FifoReader::~FifoReader() {
  if (fd_ >= 0) close(fd_);
}

absl::StatusOr<std::string> FifoReader::ReadLine(absl::Duration timeout) {
  const absl::Time deadline = unggul::RealClock().Now() + timeout;
  while (true) {
    const size_t nl = buffer_.find('\n');
    if (nl != std::string::npos) {
      std::string line = buffer_.substr(0, nl);
      buffer_.erase(0, nl + 1);
      return line;
    }
    const int64_t ms = absl::ToInt64Milliseconds(deadline - unggul::RealClock().Now());
    if (ms <= 0) return absl::DeadlineExceededError("no line on the FIFO before the deadline");
    pollfd p{fd_, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(ms)) <= 0) continue;
    char buf[256];
    const ssize_t n = read(fd_, buf, sizeof(buf));
    if (n > 0) buffer_.append(buf, static_cast<size_t>(n));
  }
}

absl::StatusOr<StartedServer> StartServer(std::vector<std::string> argv, const std::string& fifo,
                                          const std::string& log_path, absl::Duration timeout) {
  absl::StatusOr<FifoReader> reader = FifoReader::Create(fifo);
  if (!reader.ok()) return reader.status();
  argv.push_back("--listen=127.0.0.1:0");
  argv.push_back("--port_file=" + fifo);
  absl::StatusOr<Process> process = Process::Start(argv, log_path);
  if (!process.ok()) return process.status();
  absl::StatusOr<std::string> line = reader->ReadLine(timeout);
  if (!line.ok()) {
    return absl::Status(
        line.status().code(),
        absl::StrCat(argv[0], " reported no port: ", line.status().message(), "; see ", log_path));
  }
  StartedServer server{*std::move(process), 0};
  if (!absl::SimpleAtoi(*line, &server.port)) {
    return absl::InternalError(absl::StrCat(argv[0], " reported a bad port \"", *line, "\""));
  }
  return server;
}

RunResult RunCtl(const std::string& unggulctl, int port, const std::vector<std::string>& args) {
  return RunCtlWith(unggulctl, port, {"--insecure"}, args);
}

RunResult RunCtlWith(const std::string& unggulctl, int port,
                     const std::vector<std::string>& global_options,
                     const std::vector<std::string>& args) {
  std::vector<std::string> argv = {unggulctl, absl::StrCat("--addr=127.0.0.1:", port)};
  argv.insert(argv.end(), global_options.begin(), global_options.end());
  argv.insert(argv.end(), args.begin(), args.end());
  absl::StatusOr<RunResult> r = Run(argv);
  if (r.ok()) return *std::move(r);
  RunResult failed;
  failed.err = r.status().ToString();
  return failed;
}

}  // namespace unggul::testing

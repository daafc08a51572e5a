#include "tests/e2e/fault_proxy.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/memory/memory.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/testing/status_matchers.h"
#include "common/time/clock.h"
#include "gtest/gtest.h"

namespace unggul::testing {
namespace {

// Generous bound on every wait: a healthy run finishes each one in milliseconds.
constexpr absl::Duration kTimeout = absl::Seconds(20);
// What "promptly" means for cuts and shutdown.
constexpr absl::Duration kPromptly = absl::Seconds(5);

class ScopedFd {
 public:
  explicit ScopedFd(int fd = -1) : fd_(fd) {}
  ScopedFd(ScopedFd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  ScopedFd& operator=(ScopedFd&& other) noexcept {
    if (this != &other) {
      Reset();
      fd_ = std::exchange(other.fd_, -1);
    }
    return *this;
  }
  ~ScopedFd() { Reset(); }
  int get() const { return fd_; }

 private:
  void Reset() {
    if (fd_ >= 0) close(fd_);
    fd_ = -1;
  }
  int fd_;
};

// Binds a TCP socket to 127.0.0.1 port 0; `port` receives the port.
absl::StatusOr<ScopedFd> BindLoopback(int* port) {
  ScopedFd fd(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (fd.get() < 0) return absl::InternalError("socket failed");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  if (bind(fd.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof(addr)) != 0 ||
      getsockname(fd.get(), reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    return absl::InternalError(absl::StrCat("bind: ", std::strerror(errno)));
  }
  *port = ntohs(addr.sin_port);
  return fd;
}

absl::StatusOr<ScopedFd> Connect(int port) {
  ScopedFd fd(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (fd.get() < 0) return absl::InternalError("socket failed");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  if (connect(fd.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof(addr)) != 0) {
    return absl::UnavailableError(absl::StrCat("connect: ", std::strerror(errno)));
  }
  return fd;
}

// Milliseconds left until `deadline` for poll(), or -1 once it has passed.
int MsLeft(absl::Time deadline) {
  const absl::Duration left = deadline - unggul::RealClock().Now();
  if (left <= absl::ZeroDuration()) return -1;
  return static_cast<int>(std::min<int64_t>(
      absl::ToInt64Milliseconds(absl::Ceil(left, absl::Milliseconds(1))), 60 * 1000));
}

// A loopback echo server: one thread accepts, one thread per connection echoes. When its peer
// shuts down writing, a connection shuts down its own writing side.
class EchoServer {
 public:
  static absl::StatusOr<std::unique_ptr<EchoServer>> Start() {
    int port = 0;
    UNGGUL_ASSIGN_OR_RETURN(ScopedFd fd, BindLoopback(&port));
    if (listen(fd.get(), SOMAXCONN) != 0) return absl::InternalError("listen failed");
    auto server = absl::WrapUnique(new EchoServer(std::move(fd), port));
    server->accept_thread_ = std::thread([s = server.get()] { s->AcceptLoop(); });
    return server;
  }

  ~EchoServer() {
    shutdown(listen_fd_.get(), SHUT_RDWR);  // wakes the blocked accept()
    accept_thread_.join();
    std::vector<std::thread> threads;
    {
      absl::MutexLock lock(&mu_);
      for (const ScopedFd& fd : connections_) shutdown(fd.get(), SHUT_RDWR);  // wakes recv/send
      threads = std::move(threads_);
    }
    for (std::thread& t : threads) t.join();
  }

  int port() const { return port_; }
  int64_t bytes_received() const { return bytes_received_.load(); }

  int64_t accepted() const {
    absl::MutexLock lock(&mu_);
    return static_cast<int64_t>(connections_.size());
  }

  int64_t resets() const {
    absl::MutexLock lock(&mu_);
    return resets_;
  }

  // Waits until n connections have ended (end of stream or error); false on timeout.
  bool WaitForEnded(int64_t n, absl::Duration timeout) {
    const absl::Time deadline = unggul::RealClock().Now() + timeout;
    absl::MutexLock lock(&mu_);
    while (ended_ < n) {
      if (cv_.WaitWithDeadline(&mu_, deadline)) return ended_ >= n;
    }
    return true;
  }

 private:
  EchoServer(ScopedFd fd, int port) : listen_fd_(std::move(fd)), port_(port) {}

  void AcceptLoop() {
    while (true) {
      const int fd = accept4(listen_fd_.get(), nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) {
        if (errno == EINTR || errno == ECONNABORTED) continue;
        return;  // shut down
      }
      absl::MutexLock lock(&mu_);
      connections_.emplace_back(fd);
      threads_.emplace_back([this, fd] { Echo(fd); });
    }
  }

  void Echo(int fd) {
    char buf[16 * 1024];
    bool reset = false;
    while (true) {
      const ssize_t n = recv(fd, buf, sizeof(buf), 0);
      if (n < 0 && errno == EINTR) continue;
      if (n == 0) shutdown(fd, SHUT_WR);
      if (n <= 0) {
        reset = n < 0;
        break;
      }
      bytes_received_ += n;
      if (!SendAll(fd, buf, static_cast<size_t>(n))) {
        reset = true;
        break;
      }
    }
    absl::MutexLock lock(&mu_);
    ++ended_;
    if (reset) ++resets_;
    cv_.SignalAll();
  }

  static bool SendAll(int fd, const char* data, size_t size) {
    while (size > 0) {
      const ssize_t n = send(fd, data, size, MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return false;
      data += n;
      size -= static_cast<size_t>(n);
    }
    return true;
  }

  ScopedFd listen_fd_;
  const int port_;
  std::thread accept_thread_;
  std::atomic<int64_t> bytes_received_{0};
  mutable absl::Mutex mu_;
  absl::CondVar cv_;
  std::vector<ScopedFd> connections_ ABSL_GUARDED_BY(mu_);  // closed when the server is
  std::vector<std::thread> threads_ ABSL_GUARDED_BY(mu_);
  int64_t ended_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t resets_ ABSL_GUARDED_BY(mu_) = 0;
};

std::string Pattern(size_t size) {
  std::string out(size, '\0');
  for (size_t i = 0; i < size; ++i) out[i] = static_cast<char>((i * 131 + i / 251) & 0xff);
  return out;
}

// Sends `data` while reading the echo; returns the echo once it is as long as `data`.
absl::StatusOr<std::string> Exchange(int fd, const std::string& data, absl::Time deadline) {
  size_t sent = 0;
  std::string received;
  char buf[64 * 1024];
  while (received.size() < data.size()) {
    const int ms = MsLeft(deadline);
    if (ms < 0) {
      return absl::DeadlineExceededError(
          absl::StrCat("echoed ", received.size(), " of ", data.size(), " bytes"));
    }
    pollfd p{fd, static_cast<int16_t>(POLLIN | (sent < data.size() ? POLLOUT : 0)), 0};
    if (poll(&p, 1, ms) <= 0) continue;
    if (sent < data.size()) {
      const ssize_t n = send(fd, data.data() + sent, std::min<size_t>(data.size() - sent, 65536),
                             MSG_DONTWAIT | MSG_NOSIGNAL);
      if (n > 0) {
        sent += static_cast<size_t>(n);
      } else if (n < 0 && errno != EAGAIN && errno != EINTR) {
        return absl::UnavailableError(absl::StrCat("send: ", std::strerror(errno)));
      }
    }
    if ((p.revents & (POLLIN | POLLHUP | POLLERR)) != 0) {
      const ssize_t n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
      if (n > 0) {
        received.append(buf, static_cast<size_t>(n));
      } else if (n == 0) {
        return absl::UnavailableError("closed before the echo was complete");
      } else if (errno != EAGAIN && errno != EINTR) {
        return absl::UnavailableError(absl::StrCat("recv: ", std::strerror(errno)));
      }
    }
  }
  return received;
}

// Sends what the socket takes before `deadline`, ignoring errors (the proxy may cut it).
void SendBestEffort(int fd, const std::string& data, absl::Time deadline) {
  size_t sent = 0;
  while (sent < data.size()) {
    const int ms = MsLeft(deadline);
    if (ms < 0) return;
    pollfd p{fd, POLLOUT, 0};
    if (poll(&p, 1, ms) <= 0) continue;
    const ssize_t n = send(fd, data.data() + sent, data.size() - sent, MSG_DONTWAIT | MSG_NOSIGNAL);
    if (n > 0) {
      sent += static_cast<size_t>(n);
    } else if (n < 0 && errno != EAGAIN && errno != EINTR) {
      return;
    }
  }
}

struct ReadResult {
  std::string data;
  int error = 0;  // 0: end of stream; otherwise the errno that ended it
  bool timed_out = false;
  // Ended by the peer, with either an end of stream or a reset.
  bool closed() const { return !timed_out && (error == 0 || error == ECONNRESET); }
};

// Reads until the peer closes the connection or the deadline passes.
ReadResult ReadUntilClosed(int fd, absl::Time deadline) {
  ReadResult result;
  char buf[16 * 1024];
  while (true) {
    const int ms = MsLeft(deadline);
    if (ms < 0) {
      result.timed_out = true;
      return result;
    }
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, ms) <= 0) continue;
    const ssize_t n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
    if (n > 0) {
      result.data.append(buf, static_cast<size_t>(n));
    } else if (n == 0) {
      return result;
    } else if (errno != EAGAIN && errno != EINTR) {
      result.error = errno;
      return result;
    }
  }
}

class FaultProxyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    UNGGUL_ASSERT_OK_AND_ASSIGN(echo_, EchoServer::Start());
    UNGGUL_ASSERT_OK_AND_ASSIGN(proxy_, FaultProxy::Start("127.0.0.1", echo_->port()));
  }

  // Connects through the proxy and checks that a round trip works.
  void ConnectEstablished(ScopedFd* fd) {
    UNGGUL_ASSERT_OK_AND_ASSIGN(*fd, Connect(proxy_->port()));
    UNGGUL_ASSERT_OK_AND_ASSIGN(std::string echo,
                                Exchange(fd->get(), "hello", unggul::RealClock().Now() + kTimeout));
    ASSERT_EQ(echo, "hello");
  }

  std::unique_ptr<EchoServer> echo_;
  std::unique_ptr<FaultProxy> proxy_;  // declared last, destroyed first
};

TEST_F(FaultProxyTest, PassesBytesUnchanged) {
  UNGGUL_ASSERT_OK_AND_ASSIGN(ScopedFd fd, Connect(proxy_->port()));
  const std::string data = Pattern(1 << 20);
  UNGGUL_ASSERT_OK_AND_ASSIGN(std::string echo,
                              Exchange(fd.get(), data, unggul::RealClock().Now() + kTimeout));
  EXPECT_TRUE(echo == data);  // not EXPECT_EQ: a mismatch would print 2 MiB
  EXPECT_EQ(echo_->bytes_received(), 1 << 20);
}

TEST_F(FaultProxyTest, ForwardsHalfClose) {
  UNGGUL_ASSERT_OK_AND_ASSIGN(ScopedFd fd, Connect(proxy_->port()));
  SendBestEffort(fd.get(), "ping", unggul::RealClock().Now() + kTimeout);
  ASSERT_EQ(shutdown(fd.get(), SHUT_WR), 0);
  const ReadResult result = ReadUntilClosed(fd.get(), unggul::RealClock().Now() + kTimeout);
  EXPECT_FALSE(result.timed_out);
  EXPECT_EQ(result.error, 0);  // an orderly end of stream, not a reset
  EXPECT_EQ(result.data, "ping");
  ASSERT_TRUE(echo_->WaitForEnded(1, kTimeout));
  EXPECT_EQ(echo_->resets(), 0);
  EXPECT_EQ(proxy_->cuts(), 0);
}

TEST_F(FaultProxyTest, CutAllResetsABlockedReadPromptly) {
  ScopedFd fd;
  ASSERT_NO_FATAL_FAILURE(ConnectEstablished(&fd));
  absl::Notification reading;
  ReadResult result;
  std::thread reader([&] {
    reading.Notify();
    result = ReadUntilClosed(fd.get(), unggul::RealClock().Now() + kTimeout);
  });
  reading.WaitForNotification();
  const absl::Time cut_at = unggul::RealClock().Now();
  proxy_->CutAll();
  reader.join();
  EXPECT_LT(unggul::RealClock().Now() - cut_at, kPromptly);
  EXPECT_TRUE(result.closed()) << "error " << result.error;
  EXPECT_EQ(result.data, "");
  EXPECT_EQ(proxy_->cuts(), 1);
  // The aggregator side is reset too.
  ASSERT_TRUE(echo_->WaitForEnded(1, kTimeout));
  EXPECT_EQ(echo_->resets(), 1);
}

TEST_F(FaultProxyTest, PartitionRefusesDataAndHealingLetsNewConnectionsThrough) {
  ScopedFd before;
  ASSERT_NO_FATAL_FAILURE(ConnectEstablished(&before));
  proxy_->SetPartitioned(true);
  EXPECT_TRUE(ReadUntilClosed(before.get(), unggul::RealClock().Now() + kTimeout).closed());
  EXPECT_EQ(proxy_->cuts(), 1);

  // The kernel completes the handshake, then the proxy accepts and resets.
  UNGGUL_ASSERT_OK_AND_ASSIGN(ScopedFd during, Connect(proxy_->port()));
  SendBestEffort(during.get(), "lost", unggul::RealClock().Now() + kTimeout);
  const ReadResult refused = ReadUntilClosed(during.get(), unggul::RealClock().Now() + kTimeout);
  EXPECT_TRUE(refused.closed()) << "error " << refused.error;
  EXPECT_EQ(refused.data, "");
  EXPECT_EQ(proxy_->connections_accepted(), 2);
  EXPECT_EQ(proxy_->cuts(), 2);
  EXPECT_EQ(echo_->accepted(), 1);  // the refused connection never reached the target

  proxy_->SetPartitioned(false);
  ScopedFd after;
  ASSERT_NO_FATAL_FAILURE(ConnectEstablished(&after));
  EXPECT_EQ(echo_->accepted(), 2);
  EXPECT_EQ(proxy_->cuts(), 2);
}

TEST_F(FaultProxyTest, CutAfterBytesCutsEachConnectionAfterItsBudget) {
  proxy_->SetCutAfterBytes(1000);
  const std::string data = Pattern(4000);
  for (int i = 1; i <= 2; ++i) {  // the budget re-arms for the second connection
    UNGGUL_ASSERT_OK_AND_ASSIGN(ScopedFd fd, Connect(proxy_->port()));
    SendBestEffort(fd.get(), data, unggul::RealClock().Now() + kTimeout);
    const ReadResult result = ReadUntilClosed(fd.get(), unggul::RealClock().Now() + kTimeout);
    EXPECT_TRUE(result.closed()) << "error " << result.error;
    EXPECT_LE(result.data.size(), 1000u);
    EXPECT_EQ(result.data, data.substr(0, result.data.size()));
    EXPECT_EQ(proxy_->bytes_client_to_server(), 1000 * i);
    EXPECT_EQ(proxy_->cuts(), i);
  }
  ASSERT_TRUE(echo_->WaitForEnded(2, kTimeout));
  EXPECT_LE(echo_->bytes_received(), 2000);

  proxy_->SetCutAfterBytes(0);
  ScopedFd fd;
  ASSERT_NO_FATAL_FAILURE(ConnectEstablished(&fd));
  UNGGUL_ASSERT_OK_AND_ASSIGN(std::string echo,
                              Exchange(fd.get(), data, unggul::RealClock().Now() + kTimeout));
  EXPECT_EQ(echo, data);
  EXPECT_EQ(proxy_->cuts(), 2);
}

TEST_F(FaultProxyTest, RateLimitSlowsTransfer) {
  proxy_->SetRateLimit(100000);
  UNGGUL_ASSERT_OK_AND_ASSIGN(ScopedFd fd, Connect(proxy_->port()));
  const std::string data = Pattern(50000);
  const absl::Time start = unggul::RealClock().Now();
  UNGGUL_ASSERT_OK_AND_ASSIGN(std::string echo,
                              Exchange(fd.get(), data, unggul::RealClock().Now() + kTimeout));
  // 50 KB at 100 KB/s, less one 20 ms burst: at least 0.48 s each way.
  EXPECT_GE(unggul::RealClock().Now() - start, absl::Milliseconds(400));
  EXPECT_TRUE(echo == data);
}

TEST_F(FaultProxyTest, RandomCutWithCertaintyCutsOnTheFirstChunk) {
  proxy_->SetRandomCut(1.0, 42);
  UNGGUL_ASSERT_OK_AND_ASSIGN(ScopedFd fd, Connect(proxy_->port()));
  SendBestEffort(fd.get(), "x", unggul::RealClock().Now() + kTimeout);
  const ReadResult result = ReadUntilClosed(fd.get(), unggul::RealClock().Now() + kTimeout);
  EXPECT_TRUE(result.closed()) << "error " << result.error;
  EXPECT_EQ(result.data, "");
  EXPECT_EQ(proxy_->cuts(), 1);
  EXPECT_EQ(proxy_->bytes_client_to_server(), 0);

  proxy_->SetRandomCut(0.0, 42);
  ScopedFd ok;
  ASSERT_NO_FATAL_FAILURE(ConnectEstablished(&ok));
  EXPECT_EQ(proxy_->cuts(), 1);
}

TEST_F(FaultProxyTest, CountersMatchTraffic) {
  ScopedFd a;
  ScopedFd b;
  UNGGUL_ASSERT_OK_AND_ASSIGN(a, Connect(proxy_->port()));
  UNGGUL_ASSERT_OK_AND_ASSIGN(b, Connect(proxy_->port()));
  ASSERT_TRUE(proxy_->WaitForConnections(2, kTimeout));
  UNGGUL_ASSERT_OK_AND_ASSIGN(
      std::string echo_a, Exchange(a.get(), Pattern(3000), unggul::RealClock().Now() + kTimeout));
  UNGGUL_ASSERT_OK_AND_ASSIGN(
      std::string echo_b, Exchange(b.get(), Pattern(70000), unggul::RealClock().Now() + kTimeout));
  EXPECT_EQ(proxy_->bytes_client_to_server(), 73000);  // counted before the echo could return
  proxy_->CutAll();  // the proxy loop has caught up once this returns
  EXPECT_EQ(proxy_->connections_accepted(), 2);
  EXPECT_EQ(proxy_->cuts(), 2);
  EXPECT_EQ(proxy_->bytes_client_to_server(), 73000);
  EXPECT_EQ(proxy_->bytes_server_to_client(), 73000);
}

TEST_F(FaultProxyTest, WaitForConnectionsTimesOutThenSucceeds) {
  EXPECT_FALSE(proxy_->WaitForConnections(1, absl::Milliseconds(20)));
  UNGGUL_ASSERT_OK_AND_ASSIGN(ScopedFd fd, Connect(proxy_->port()));
  EXPECT_TRUE(proxy_->WaitForConnections(1, kTimeout));
  EXPECT_EQ(proxy_->connections_accepted(), 1);
  EXPECT_FALSE(proxy_->WaitForConnections(2, absl::ZeroDuration()));
}

TEST_F(FaultProxyTest, DestructorWithOpenConnectionsReturnsPromptly) {
  std::vector<ScopedFd> clients(3);
  for (ScopedFd& fd : clients) ASSERT_NO_FATAL_FAILURE(ConnectEstablished(&fd));
  const absl::Time start = unggul::RealClock().Now();
  proxy_.reset();
  EXPECT_LT(unggul::RealClock().Now() - start, kPromptly);
  for (ScopedFd& fd : clients) {
    EXPECT_TRUE(ReadUntilClosed(fd.get(), unggul::RealClock().Now() + kTimeout).closed());
  }
  EXPECT_TRUE(echo_->WaitForEnded(3, kTimeout));
}

TEST(FaultProxyStartTest, UnreachableTargetResetsTheClient) {
  int port = 0;
  // Bound but not listening: a connect to it is refused.
  UNGGUL_ASSERT_OK_AND_ASSIGN(ScopedFd closed_port, BindLoopback(&port));
  UNGGUL_ASSERT_OK_AND_ASSIGN(std::unique_ptr<FaultProxy> proxy,
                              FaultProxy::Start("127.0.0.1", port));
  UNGGUL_ASSERT_OK_AND_ASSIGN(ScopedFd fd, Connect(proxy->port()));
  const ReadResult result = ReadUntilClosed(fd.get(), unggul::RealClock().Now() + kTimeout);
  EXPECT_TRUE(result.closed()) << "error " << result.error;
  EXPECT_EQ(proxy->connections_accepted(), 1);
  EXPECT_EQ(proxy->cuts(), 0);  // a refused target is not an injected fault
}

TEST(FaultProxyStartTest, RejectsBadTargetPorts) {
  EXPECT_THAT(FaultProxy::Start("127.0.0.1", 0), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(FaultProxy::Start("127.0.0.1", 65536), StatusIs(absl::StatusCode::kInvalidArgument));
}

}  // namespace
}  // namespace unggul::testing

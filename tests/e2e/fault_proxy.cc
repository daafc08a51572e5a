#include "tests/e2e/fault_proxy.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cmath>
#include <cstring>
#include <utility>

#include "absl/memory/memory.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/time/clock.h"

namespace unggul::testing {
namespace {

constexpr size_t kBufferSize = 64 * 1024;  // per direction per connection
// How long accept() is paused after a resource error (EMFILE, ENOBUFS, ...), so that a
// readable listening socket does not spin the loop.
constexpr absl::Duration kAcceptRetryDelay = absl::Milliseconds(100);
// A token bucket holds this much traffic, so a rate-limited link sends ~50 bursts a second.
constexpr double kBucketSeconds = 0.02;

uint64_t SplitMix64(uint64_t& state) {
  uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

// Uniform in [0, 1), from the top 53 bits.
double NextUnit(uint64_t& state) {
  return static_cast<double>(SplitMix64(state) >> 11) * 0x1.0p-53;
}

// Seeds connection `id`: the id is hashed first so that the streams of consecutive connections
// are not shifted copies of each other.
uint64_t ConnectionSeed(uint64_t seed, uint64_t id) {
  uint64_t hashed = id;
  return seed ^ SplitMix64(hashed);
}

double BucketCapacity(int64_t bytes_per_second) {
  return std::max(1.0, static_cast<double>(bytes_per_second) * kBucketSeconds);
}

bool Retryable(int err) { return err == EAGAIN || err == EWOULDBLOCK || err == EINTR; }

std::string ErrnoMessage(absl::string_view what) {
  return absl::StrCat(what, ": ", std::strerror(errno));
}

void SetNoDelay(int fd) {
  const int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

// Closes `fd` so that the peer sees a reset (RST) instead of an orderly end of stream.
void ResetAndClose(int fd) {
  if (fd < 0) return;
  const linger abortive{1, 0};
  setsockopt(fd, SOL_SOCKET, SO_LINGER, &abortive, sizeof(abortive));
  close(fd);  // not retried on EINTR: Linux releases the descriptor regardless
}

int PollTimeoutMs(absl::Duration timeout) {
  if (timeout == absl::InfiniteDuration()) return -1;
  if (timeout <= absl::ZeroDuration()) return 0;
  const int64_t ms = absl::ToInt64Milliseconds(absl::Ceil(timeout, absl::Milliseconds(1)));
  return static_cast<int>(std::min<int64_t>(ms, INT_MAX));
}

}  // namespace

// One direction of a connection: bytes read from one socket, waiting to be written to the
// other.
struct FaultProxy::Direction {
  std::vector<char> buffer = std::vector<char>(kBufferSize);
  size_t begin = 0;  // buffer[begin, end) is read but not yet forwarded
  size_t end = 0;
  bool eof = false;   // the source has shut down its writing side
  bool shut = false;  // ... and that was forwarded: shutdown(destination, SHUT_WR) is done
  double tokens = 0;  // rate-limit token bucket, in bytes
  absl::Time refilled_at;

  size_t pending() const { return end - begin; }
  bool WantsRead() const { return pending() == 0 && !eof; }
};

struct FaultProxy::Connection {
  uint64_t id = 0;
  int client_fd = -1;
  int server_fd = -1;
  bool connecting = true;  // the non-blocking connect to the target is in progress
  bool done = false;       // both sockets are closed
  Direction client_to_server;
  Direction server_to_client;
  // The settings this connection runs with, copied when their generation changes.
  int64_t bytes_per_second = 0;
  uint64_t cut_after_generation = 0;
  int64_t cut_budget = -1;  // client->server bytes left before the cut; -1 = off
  uint64_t random_cut_generation = 0;
  double cut_probability = 0;
  uint64_t rng = 0;

  void Apply(const Settings& s, absl::Time now) {
    if (bytes_per_second != s.bytes_per_second) {
      bytes_per_second = s.bytes_per_second;
      for (Direction* d : {&client_to_server, &server_to_client}) {
        d->tokens = 0;
        d->refilled_at = now;
      }
    }
    if (cut_after_generation != s.cut_after_generation) {
      cut_after_generation = s.cut_after_generation;
      cut_budget = s.cut_after_bytes > 0 ? s.cut_after_bytes : -1;
    }
    if (random_cut_generation != s.random_cut_generation) {
      random_cut_generation = s.random_cut_generation;
      cut_probability = s.cut_probability;
      rng = ConnectionSeed(s.cut_seed, id);
    }
  }

  // How many bytes `d` may forward now (0: none pending, or the rate limit says wait; then
  // *wait is how long until a worthwhile burst is allowed).
  size_t Allowance(Direction& d, bool client_to_server_direction, absl::Time now,
                   absl::Duration* wait) {
    size_t allowed = d.pending();
    if (allowed == 0) return 0;
    if (client_to_server_direction && cut_budget >= 0) {
      allowed = std::min(allowed, static_cast<size_t>(cut_budget));
    }
    if (bytes_per_second > 0) {
      const double rate = static_cast<double>(bytes_per_second);
      const double capacity = BucketCapacity(bytes_per_second);
      d.tokens = std::min(capacity, d.tokens + absl::ToDoubleSeconds(now - d.refilled_at) * rate);
      d.refilled_at = now;
      // Wait for a full burst (or all that is pending) rather than trickling single bytes.
      const double wanted = std::min(static_cast<double>(allowed), std::floor(capacity));
      if (d.tokens < wanted) {
        *wait = absl::Seconds((wanted - d.tokens) / rate);
        return 0;
      }
      allowed = std::min(allowed, static_cast<size_t>(d.tokens));
    }
    return allowed;
  }
};

absl::StatusOr<std::unique_ptr<FaultProxy>> FaultProxy::Start(const std::string& target_host,
                                                              int target_port) {
  if (target_port < 1 || target_port > 65535) {
    return absl::InvalidArgumentError(absl::StrCat("target port ", target_port, " out of range"));
  }
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICSERV;
  addrinfo* results = nullptr;
  const int gai =
      getaddrinfo(target_host.c_str(), absl::StrCat(target_port).c_str(), &hints, &results);
  if (gai != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot resolve target ", target_host, ": ", gai_strerror(gai)));
  }
  const addrinfo* chosen = nullptr;
  for (const addrinfo* a = results; a != nullptr; a = a->ai_next) {
    if (a->ai_family == AF_INET) {
      chosen = a;
      break;
    }
    if (a->ai_family == AF_INET6 && chosen == nullptr) chosen = a;
  }
  sockaddr_storage target{};
  socklen_t target_len = 0;
  if (chosen != nullptr && chosen->ai_addrlen <= sizeof(target)) {
    std::memcpy(&target, chosen->ai_addr, chosen->ai_addrlen);
    target_len = chosen->ai_addrlen;
  }
  freeaddrinfo(results);
  if (target_len == 0) {
    return absl::InvalidArgumentError(absl::StrCat("no IPv4/IPv6 address for ", target_host));
  }

  const int listen_fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (listen_fd < 0) return absl::InternalError(ErrnoMessage("proxy socket"));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t addr_len = sizeof(addr);
  if (bind(listen_fd, reinterpret_cast<const sockaddr*>(&addr), sizeof(addr)) != 0 ||
      listen(listen_fd, SOMAXCONN) != 0 ||
      getsockname(listen_fd, reinterpret_cast<sockaddr*>(&addr), &addr_len) != 0) {
    absl::Status error = absl::InternalError(ErrnoMessage("proxy listen on 127.0.0.1:0"));
    close(listen_fd);
    return error;
  }
  const int wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (wake_fd < 0) {
    absl::Status error = absl::InternalError(ErrnoMessage("proxy eventfd"));
    close(listen_fd);
    return error;
  }
  auto proxy = absl::WrapUnique(
      new FaultProxy(listen_fd, wake_fd, ntohs(addr.sin_port), target, target_len));
  proxy->thread_ = std::thread([p = proxy.get()] { p->Run(); });
  return proxy;
}

FaultProxy::FaultProxy(int listen_fd, int wake_fd, int port, const sockaddr_storage& target,
                       socklen_t target_len)
    : listen_fd_(listen_fd),
      wake_fd_(wake_fd),
      port_(port),
      target_(target),
      target_len_(target_len) {}

FaultProxy::~FaultProxy() {
  {
    absl::MutexLock lock(&mu_);
    settings_.stop = true;
  }
  Wake();
  if (thread_.joinable()) thread_.join();
  close(listen_fd_);
  close(wake_fd_);
}

void FaultProxy::CutAll() {
  absl::MutexLock lock(&mu_);
  CutAllLocked();
}

void FaultProxy::SetPartitioned(bool partitioned) {
  absl::MutexLock lock(&mu_);
  settings_.partitioned = partitioned;
  if (partitioned) CutAllLocked();
}

void FaultProxy::CutAllLocked() {
  const uint64_t request = ++settings_.cut_requests;
  Wake();
  while (cut_acks_ < request && !loop_exited_) cv_.Wait(&mu_);
}

void FaultProxy::SetCutAfterBytes(int64_t bytes) {
  {
    absl::MutexLock lock(&mu_);
    settings_.cut_after_bytes = std::max<int64_t>(bytes, 0);
    ++settings_.cut_after_generation;
  }
  Wake();
}

void FaultProxy::SetRandomCut(double probability_per_chunk, uint64_t seed) {
  double p = probability_per_chunk;
  if (!(p > 0)) p = 0;  // also maps NaN to 0
  if (p > 1) p = 1;
  {
    absl::MutexLock lock(&mu_);
    settings_.cut_probability = p;
    settings_.cut_seed = seed;
    ++settings_.random_cut_generation;
  }
  Wake();
}

void FaultProxy::SetRateLimit(int64_t bytes_per_second) {
  {
    absl::MutexLock lock(&mu_);
    settings_.bytes_per_second = std::max<int64_t>(bytes_per_second, 0);
  }
  Wake();
}

int64_t FaultProxy::connections_accepted() const {
  absl::MutexLock lock(&mu_);
  return connections_accepted_;
}

int64_t FaultProxy::cuts() const {
  absl::MutexLock lock(&mu_);
  return cuts_;
}

bool FaultProxy::WaitForConnections(int64_t n, absl::Duration timeout) {
  const absl::Time deadline = unggul::RealClock().Now() + timeout;
  absl::MutexLock lock(&mu_);
  while (connections_accepted_ < n) {
    if (cv_.WaitWithDeadline(&mu_, deadline)) return connections_accepted_ >= n;
  }
  return true;
}

bool FaultProxy::WaitForBytes(int64_t client_to_server, int64_t server_to_client,
                              absl::Duration timeout) {
  const absl::Time deadline = unggul::RealClock().Now() + timeout;
  auto reached = [&] {
    return bytes_client_to_server_.load() >= client_to_server &&
           bytes_server_to_client_.load() >= server_to_client;
  };
  absl::MutexLock lock(&mu_);
  ++byte_waiters_;  // before the check: a chunk counted after it signals cv_ under mu_
  bool ok = true;
  while (!reached()) {
    if (loop_exited_ || cv_.WaitWithDeadline(&mu_, deadline)) {
      ok = reached();
      break;
    }
  }
  --byte_waiters_;
  return ok;
}

bool FaultProxy::WaitForCuts(int64_t n, absl::Duration timeout) {
  const absl::Time deadline = unggul::RealClock().Now() + timeout;
  absl::MutexLock lock(&mu_);
  while (cuts_ < n) {
    if (cv_.WaitWithDeadline(&mu_, deadline)) return cuts_ >= n;
  }
  return true;
}

void FaultProxy::Wake() {
  const uint64_t one = 1;
  // Cannot fail short of a saturated counter, which still leaves the eventfd readable.
  const ssize_t written = write(wake_fd_, &one, sizeof(one));
  static_cast<void>(written);
}

void FaultProxy::Run() {
  std::vector<std::unique_ptr<Connection>> connections;
  std::vector<pollfd> fds;
  uint64_t cuts_done = 0;
  uint64_t next_id = 0;
  absl::Time accept_paused_until = absl::InfinitePast();
  while (true) {
    Settings settings;
    {
      absl::MutexLock lock(&mu_);
      settings = settings_;
    }
    if (settings.stop) break;
    if (settings.cut_requests != cuts_done) {
      for (const std::unique_ptr<Connection>& c : connections) Cut(*c, /*injected=*/true);
      cuts_done = settings.cut_requests;
      absl::MutexLock lock(&mu_);
      cut_acks_ = cuts_done;
      cv_.SignalAll();
    }
    connections.erase(std::remove_if(connections.begin(), connections.end(),
                                     [](const std::unique_ptr<Connection>& c) { return c->done; }),
                      connections.end());

    // Build the poll set: [wake, listen, then client and server of each connection]. A socket
    // with nothing to wait for gets fd -1, so that its POLLHUP cannot spin the loop.
    absl::Time now = unggul::RealClock().Now();
    absl::Duration timeout = absl::InfiniteDuration();
    const bool accepting = now >= accept_paused_until;
    if (!accepting) timeout = accept_paused_until - now;
    fds.clear();
    fds.push_back({wake_fd_, POLLIN, 0});
    fds.push_back({accepting ? listen_fd_ : -1, POLLIN, 0});
    for (const std::unique_ptr<Connection>& c : connections) {
      c->Apply(settings, now);
      int16_t client_events = 0;
      int16_t server_events = 0;
      if (c->connecting) {
        server_events = POLLOUT;
      } else {
        if (c->client_to_server.WantsRead()) client_events |= POLLIN;
        if (c->server_to_client.WantsRead()) server_events |= POLLIN;
        absl::Duration wait_up = absl::InfiniteDuration();
        absl::Duration wait_down = absl::InfiniteDuration();
        if (c->Allowance(c->client_to_server, true, now, &wait_up) > 0) server_events |= POLLOUT;
        if (c->Allowance(c->server_to_client, false, now, &wait_down) > 0) {
          client_events |= POLLOUT;
        }
        timeout = std::min({timeout, wait_up, wait_down});
      }
      fds.push_back({client_events != 0 ? c->client_fd : -1, client_events, 0});
      fds.push_back({server_events != 0 ? c->server_fd : -1, server_events, 0});
    }

    if (poll(fds.data(), fds.size(), PollTimeoutMs(timeout)) < 0) {
      if (errno == EINTR) continue;
      break;  // EFAULT/EINVAL/ENOMEM: nothing sensible left to do; reset everything below
    }
    if (fds[0].revents != 0) {
      uint64_t count = 0;
      const ssize_t drained = read(wake_fd_, &count, sizeof(count));
      static_cast<void>(drained);  // EAGAIN only if another read raced, which cannot happen
    }
    const size_t polled = connections.size();  // AcceptAll appends after these
    if (fds[1].revents != 0) AcceptAll(settings, connections, next_id, accept_paused_until);
    now = unggul::RealClock().Now();
    for (size_t i = 0; i < polled; ++i) {
      Connection& c = *connections[i];
      const int16_t client_revents = fds[2 + 2 * i].revents;
      const int16_t server_revents = fds[3 + 2 * i].revents;
      if (c.connecting) {
        if (server_revents != 0) FinishConnect(c);
        continue;
      }
      Pump(c, /*client_to_server=*/true, client_revents, now);
      if (!c.done) Pump(c, /*client_to_server=*/false, server_revents, now);
      if (!c.done && c.client_to_server.shut && c.server_to_client.shut) {
        close(c.client_fd);  // both directions ended in order: an orderly close
        close(c.server_fd);
        c.client_fd = c.server_fd = -1;
        c.done = true;
      }
    }
  }
  for (const std::unique_ptr<Connection>& c : connections) Cut(*c, /*injected=*/false);
  absl::MutexLock lock(&mu_);
  loop_exited_ = true;
  cv_.SignalAll();
}

void FaultProxy::AcceptAll(const Settings& settings,
                           std::vector<std::unique_ptr<Connection>>& connections, uint64_t& next_id,
                           absl::Time& accept_paused_until) {
  while (true) {
    const int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      if (errno != EAGAIN && errno != EWOULDBLOCK) {
        accept_paused_until =
            unggul::RealClock().Now() + kAcceptRetryDelay;  // EMFILE, ENOBUFS, ...
      }
      return;
    }
    bool partitioned = false;
    {
      absl::MutexLock lock(&mu_);
      partitioned = settings_.partitioned;  // fresher than `settings`
      ++connections_accepted_;
      if (partitioned) ++cuts_;
      cv_.SignalAll();
    }
    const uint64_t id = next_id++;
    if (partitioned) {
      ResetAndClose(fd);
      continue;
    }
    SetNoDelay(fd);
    auto c = std::make_unique<Connection>();
    c->id = id;
    c->client_fd = fd;
    c->server_fd = socket(target_.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (c->server_fd < 0) {
      Cut(*c, /*injected=*/false);
      continue;
    }
    SetNoDelay(c->server_fd);
    if (connect(c->server_fd, reinterpret_cast<const sockaddr*>(&target_), target_len_) == 0) {
      c->connecting = false;
    } else if (errno != EINPROGRESS && errno != EINTR) {
      Cut(*c, /*injected=*/false);  // e.g. ECONNREFUSED: the client sees a reset
      continue;
    }
    c->Apply(settings, unggul::RealClock().Now());
    connections.push_back(std::move(c));
  }
}

void FaultProxy::FinishConnect(Connection& c) {
  int error = 0;
  socklen_t len = sizeof(error);
  if (getsockopt(c.server_fd, SOL_SOCKET, SO_ERROR, &error, &len) != 0) error = errno;
  if (error == 0) {
    c.connecting = false;
  } else {
    Cut(c, /*injected=*/false);
  }
}

void FaultProxy::Pump(Connection& c, bool client_to_server, int16_t from_revents, absl::Time now) {
  Direction& d = client_to_server ? c.client_to_server : c.server_to_client;
  const int from = client_to_server ? c.client_fd : c.server_fd;
  const int to = client_to_server ? c.server_fd : c.client_fd;

  if (from_revents != 0 && d.WantsRead()) {
    const ssize_t n = recv(from, d.buffer.data(), d.buffer.size(), 0);
    if (n > 0) {
      d.begin = 0;
      d.end = static_cast<size_t>(n);
      if (c.cut_probability > 0 && NextUnit(c.rng) < c.cut_probability) {
        return Cut(c, /*injected=*/true);
      }
    } else if (n == 0) {
      d.eof = true;
    } else if (!Retryable(errno)) {
      return Cut(c, /*injected=*/false);  // e.g. ECONNRESET: pass the reset on
    }
  }

  absl::Duration wait;
  const size_t allowed = c.Allowance(d, client_to_server, now, &wait);
  if (allowed > 0) {
    const ssize_t n = send(to, d.buffer.data() + d.begin, allowed, MSG_NOSIGNAL);
    if (n > 0) {
      const size_t sent = static_cast<size_t>(n);
      d.begin += sent;
      if (d.begin == d.end) d.begin = d.end = 0;
      if (c.bytes_per_second > 0) d.tokens -= static_cast<double>(sent);
      (client_to_server ? bytes_client_to_server_ : bytes_server_to_client_) +=
          static_cast<int64_t>(sent);
      if (byte_waiters_.load() > 0) {
        absl::MutexLock lock(&mu_);
        cv_.SignalAll();
      }
      if (client_to_server && c.cut_budget >= 0) {
        c.cut_budget -= static_cast<int64_t>(sent);
        if (c.cut_budget == 0) return Cut(c, /*injected=*/true);
      }
    } else if (n < 0 && !Retryable(errno)) {
      return Cut(c, /*injected=*/false);  // EPIPE/ECONNRESET: the destination is gone
    }
  }

  if (d.eof && d.pending() == 0 && !d.shut) {
    shutdown(to, SHUT_WR);  // forward the half-close; an error shows up on the next I/O
    d.shut = true;
  }
}

void FaultProxy::Cut(Connection& c, bool injected) {
  if (c.done) return;
  if (injected) {
    absl::MutexLock lock(&mu_);
    ++cuts_;  // before the reset, so a peer that sees it also sees the count
    cv_.SignalAll();
  }
  ResetAndClose(c.client_fd);
  ResetAndClose(c.server_fd);
  c.client_fd = c.server_fd = -1;
  c.done = true;
}

}  // namespace unggul::testing

#pragma once

// A fault-injecting TCP proxy for end-to-end tests. It forwards every connection accepted on
// 127.0.0.1:port() to a target (e.g. the aggregator's gRPC port) and can cut, partition or slow
// those connections, to simulate a flaky prison link between a node and the aggregator.
//
// Threading: one background thread runs a poll() loop over the listening socket, every
// connection, and an eventfd that the public methods use to wake it. Every method is
// thread-safe and may be called from any thread while traffic flows. No method blocks on
// traffic; CutAll() and SetPartitioned(true) wait only for the loop to act (microseconds).
//
// Faults and counters:
// - A "cut" closes both sockets of a connection with SO_LINGER 0, so both peers see a reset
//   (ECONNRESET) rather than an orderly end of stream. cuts() counts connections the proxy
//   cut on purpose (CutAll, partition, byte budget, random cut), including connections
//   refused while partitioned. Errors seen on one side (a peer's reset, a failed connect to
//   the target) are propagated to the other side as a reset but are not counted as cuts.
// - Half-close is forwarded: when one peer shuts down its writing side, the proxy forwards
//   the buffered bytes and then shuts down the writing side towards the other peer.
// - The target address is resolved once, in Start(); it is connected per accepted connection,
//   so the target need not be listening yet when the proxy starts.
// - Byte counters are updated right after each forwarded chunk. A reader that has just seen
//   the last bytes arrive may read a counter before the proxy recorded them; CutAll() and
//   SetPartitioned(true) return only after the proxy loop has caught up, so counters read
//   after them are exact. connections_accepted() and cuts() are updated before the peer can
//   observe the accept or the reset. WaitForBytes and WaitForCuts wake on these updates.

#include <sys/socket.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace unggul::testing {

class FaultProxy {
 public:
  // Listens on 127.0.0.1 port 0 (chosen by the OS) and forwards to target_host:target_port.
  // target_host is a name or numeric address; its first IPv4 address is used, else its first
  // IPv6 address. InvalidArgument: target_port outside 1..65535 or target_host unresolvable.
  // Internal: a socket, bind, listen or eventfd call failed.
  static absl::StatusOr<std::unique_ptr<FaultProxy>> Start(const std::string& target_host,
                                                           int target_port);

  FaultProxy(const FaultProxy&) = delete;
  FaultProxy& operator=(const FaultProxy&) = delete;

  // Stops accepting, resets every open connection (both sides) and joins the loop thread.
  ~FaultProxy();

  // The port the proxy listens on, on 127.0.0.1.
  int port() const { return port_; }

  // Closes every open connection now, abruptly (RST: SO_LINGER 0) on both sides. Returns once
  // the sockets are closed.
  void CutAll();

  // When true: new connections are accepted and immediately reset, and existing ones are cut
  // (a partition); returns once they are. When false: new connections are forwarded again.
  void SetPartitioned(bool partitioned);

  // Cuts each connection once it has forwarded `bytes` more client->server bytes (0 = off;
  // negative counts as 0). Exactly `bytes` are forwarded, the rest is dropped. The budget
  // starts over for every new connection and, for open ones, at each call.
  void SetCutAfterBytes(int64_t bytes);

  // Cuts a connection with this probability (clamped to 0..1; 0 = off) for each chunk it reads
  // from either peer, before forwarding it. Connection k (the k-th accepted since Start,
  // counting from 0) draws from SplitMix64 seeded from (seed, k), so a run is reproducible as
  // far as the chunking of the traffic is. Each call re-seeds the open connections.
  void SetRandomCut(double probability_per_chunk, uint64_t seed);

  // Forwards at most this many bytes per second per direction per connection (0 = unlimited;
  // negative counts as 0), e.g. 125000 for 1 Mbit/s. Each direction has a token bucket holding
  // 20 ms of traffic (at least 1 byte), which starts empty on a new connection and on a change
  // of rate. The proxy buffers up to 64 KiB per direction, so a sender can run that far ahead.
  void SetRateLimit(int64_t bytes_per_second);

  // Counters since Start (see the file comment for when they are exact).
  int64_t connections_accepted() const;
  int64_t cuts() const;
  int64_t bytes_client_to_server() const { return bytes_client_to_server_.load(); }
  int64_t bytes_server_to_client() const { return bytes_server_to_client_.load(); }

  // Blocks until at least n connections have been accepted or the timeout passes; false on
  // timeout.
  bool WaitForConnections(int64_t n, absl::Duration timeout);

  // Blocks until bytes_client_to_server() >= client_to_server and bytes_server_to_client() >=
  // server_to_client, or the timeout passes; false on timeout. Returns as soon as the loop has
  // recorded the chunk that reached the target (e.g. to kill the target while a transfer is
  // part-way through).
  bool WaitForBytes(int64_t client_to_server, int64_t server_to_client, absl::Duration timeout);

  // Blocks until cuts() >= n or the timeout passes; false on timeout.
  bool WaitForCuts(int64_t n, absl::Duration timeout);

 private:
  struct Direction;
  struct Connection;

  // What the public setters change; the loop takes a copy at the top of every iteration.
  struct Settings {
    bool stop = false;
    bool partitioned = false;
    int64_t cut_after_bytes = 0;
    uint64_t cut_after_generation = 0;  // bumped by each SetCutAfterBytes
    double cut_probability = 0;
    uint64_t cut_seed = 0;
    uint64_t random_cut_generation = 0;  // bumped by each SetRandomCut
    int64_t bytes_per_second = 0;
    uint64_t cut_requests = 0;  // bumped by CutAll and SetPartitioned(true)
  };

  FaultProxy(int listen_fd, int wake_fd, int port, const sockaddr_storage& target,
             socklen_t target_len);

  // The loop thread's body and its helpers (only ever run on that thread).
  void Run();
  void AcceptAll(const Settings& settings, std::vector<std::unique_ptr<Connection>>& connections,
                 uint64_t& next_id, absl::Time& accept_paused_until);
  void FinishConnect(Connection& c);
  void Pump(Connection& c, bool client_to_server, int16_t from_revents, absl::Time now);
  void Cut(Connection& c, bool injected);

  // Requests a cut of every open connection and waits for the loop to do it.
  void CutAllLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void Wake();

  const int listen_fd_;
  const int wake_fd_;  // eventfd: written by Wake(), drained by the loop
  const int port_;
  const sockaddr_storage target_;
  const socklen_t target_len_;

  mutable absl::Mutex mu_;
  // Signalled on accept, cut, cut acknowledgement, loop exit, and forwarded bytes while a
  // WaitForBytes is waiting.
  absl::CondVar cv_;
  Settings settings_ ABSL_GUARDED_BY(mu_);
  uint64_t cut_acks_ ABSL_GUARDED_BY(mu_) = 0;  // the last cut_requests the loop acted on
  bool loop_exited_ ABSL_GUARDED_BY(mu_) = false;
  int64_t connections_accepted_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t cuts_ ABSL_GUARDED_BY(mu_) = 0;
  std::atomic<int64_t> bytes_client_to_server_{0};
  std::atomic<int64_t> bytes_server_to_client_{0};
  // Threads in WaitForBytes; while > 0 the loop signals cv_ after each forwarded chunk.
  std::atomic<int> byte_waiters_{0};

  std::thread thread_;  // runs Run(); joined by the destructor
};

}  // namespace unggul::testing

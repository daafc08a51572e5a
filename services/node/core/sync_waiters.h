#pragma once

// Pending WaitForSync calls without a thread each: a waiter is a condition, a deadline and a
// completion. Notify() (the sync client calls it after an ack is persisted, a designation stored
// or when it stops) re-checks every waiter; one timer thread completes the waiters whose deadline
// passed; Cancel() completes one at once (the caller went away). Each completion runs exactly
// once, outside the lock. Limits bound the pending waiters in total and per peer (the address a
// call came from), so a few clients cannot pile up work: beyond them Add() is ResourceExhausted
// naming the limit. Thread-safe; the destructor completes every pending waiter (Unavailable).

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/time/clock.h"

namespace unggul::node {

class SyncWaiters {
 public:
  struct Limits {
    int max_pending = 256;
    int max_pending_per_peer = 16;
  };
  // nullopt: not yet; a status: the wait is over with it.
  using Check = std::function<std::optional<absl::Status>()>;
  using Done = std::function<void(absl::Status)>;

  SyncWaiters(const Clock& clock, Limits limits);
  ~SyncWaiters();

  // Checks once now: completes at once (on this thread) when the condition already holds.
  // Otherwise registers the waiter and returns its id. `timeout_status` is what the waiter gets
  // at its deadline.
  absl::StatusOr<uint64_t> Add(const std::string& peer, Check check, absl::Time deadline,
                               std::function<absl::Status()> timeout_status, Done done);
  // Completes the waiter with Cancelled (no-op once it completed).
  void Cancel(uint64_t id);
  // The state the checks look at changed.
  void Notify();

  int pending() const;

 private:
  struct Waiter {
    std::string peer;
    Check check;
    absl::Time deadline;
    std::function<absl::Status()> timeout_status;
    Done done;
  };
  void TimerLoop();

  const Clock& clock_;
  const Limits limits_;
  mutable absl::Mutex mu_;
  absl::CondVar cv_;
  std::map<uint64_t, Waiter> waiters_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, int> per_peer_ ABSL_GUARDED_BY(mu_);
  uint64_t next_id_ ABSL_GUARDED_BY(mu_) = 1;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread timer_;
};

}  // namespace unggul::node

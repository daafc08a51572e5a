#include "services/node/core/sync_waiters.h"

#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"

namespace unggul::node {

SyncWaiters::SyncWaiters(const Clock& clock, Limits limits) : clock_(clock), limits_(limits) {
  timer_ = std::thread([this] { TimerLoop(); });
}

SyncWaiters::~SyncWaiters() {
  std::map<uint64_t, Waiter> left;
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
    cv_.SignalAll();
    left.swap(waiters_);
    per_peer_.clear();
  }
  timer_.join();
  for (auto& [id, w] : left) w.done(absl::UnavailableError("the node is stopping"));
}

absl::StatusOr<uint64_t> SyncWaiters::Add(const std::string& peer, Check check, absl::Time deadline,
                                          std::function<absl::Status()> timeout_status, Done done) {
  if (std::optional<absl::Status> now = check(); now.has_value()) {
    done(*std::move(now));
    return uint64_t{0};
  }
  absl::MutexLock lock(&mu_);
  if (static_cast<int>(waiters_.size()) >= limits_.max_pending) {
    return absl::ResourceExhaustedError(absl::StrCat("max_pending_waits: ", limits_.max_pending,
                                                     " WaitForSync calls are already waiting"));
  }
  int& mine = per_peer_[peer];
  if (mine >= limits_.max_pending_per_peer) {
    return absl::ResourceExhaustedError(
        absl::StrCat("max_pending_waits_per_peer: ", limits_.max_pending_per_peer,
                     " WaitForSync calls from ", peer, " are already waiting"));
  }
  ++mine;
  const uint64_t id = next_id_++;
  waiters_.emplace(
      id, Waiter{peer, std::move(check), deadline, std::move(timeout_status), std::move(done)});
  cv_.SignalAll();  // the timer may need an earlier wake-up
  return id;
}

void SyncWaiters::Cancel(uint64_t id) {
  Done done;
  {
    absl::MutexLock lock(&mu_);
    auto it = waiters_.find(id);
    if (it == waiters_.end()) return;
    if (--per_peer_[it->second.peer] == 0) per_peer_.erase(it->second.peer);
    done = std::move(it->second.done);
    waiters_.erase(it);
  }
  done(absl::CancelledError("the caller cancelled the wait"));
}

void SyncWaiters::Notify() {
  std::vector<std::pair<Done, absl::Status>> finished;
  {
    absl::MutexLock lock(&mu_);
    for (auto it = waiters_.begin(); it != waiters_.end();) {
      std::optional<absl::Status> result = it->second.check();
      if (!result.has_value()) {
        ++it;
        continue;
      }
      if (--per_peer_[it->second.peer] == 0) per_peer_.erase(it->second.peer);
      finished.emplace_back(std::move(it->second.done), *std::move(result));
      it = waiters_.erase(it);
    }
  }
  for (auto& [done, status] : finished) done(std::move(status));
}

int SyncWaiters::pending() const {
  absl::MutexLock lock(&mu_);
  return static_cast<int>(waiters_.size());
}

void SyncWaiters::TimerLoop() {
  while (true) {
    std::vector<std::pair<Done, absl::Status>> expired;
    {
      absl::MutexLock lock(&mu_);
      if (stopping_) return;
      absl::Time next = absl::InfiniteFuture();
      const absl::Time now = clock_.Now();
      for (auto it = waiters_.begin(); it != waiters_.end();) {
        if (it->second.deadline <= now) {
          if (--per_peer_[it->second.peer] == 0) per_peer_.erase(it->second.peer);
          expired.emplace_back(std::move(it->second.done), it->second.timeout_status());
          it = waiters_.erase(it);
        } else {
          next = std::min(next, it->second.deadline);
          ++it;
        }
      }
      if (expired.empty()) clock_.WaitWithDeadline(cv_, mu_, next);
    }
    for (auto& [done, status] : expired) done(std::move(status));
  }
}

}  // namespace unggul::node

#pragma once

// Executors for blocking work scheduled from gRPC reactions. Thread-safe.

#include <deque>
#include <functional>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"

namespace unggul {

class Executor {
 public:
  virtual ~Executor() = default;
  // Runs `task` later on some thread. Never blocks and never runs `task` inline.
  virtual void Schedule(std::function<void()> task) = 0;
};

// A fixed pool of threads draining one FIFO queue. The destructor runs every queued task, then
// joins.
class ThreadPoolExecutor final : public Executor {
 public:
  explicit ThreadPoolExecutor(int threads);
  ~ThreadPoolExecutor() override;
  void Schedule(std::function<void()> task) override;

 private:
  void Work();

  absl::Mutex mu_;
  std::deque<std::function<void()>> queue_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<std::thread> threads_;
};

// Tests run the queued tasks themselves, deterministically.
class ManualExecutor final : public Executor {
 public:
  void Schedule(std::function<void()> task) override;
  // Runs queued tasks (including ones they schedule) until none is left; returns how many ran.
  int RunAll();
  int pending() const;

 private:
  mutable absl::Mutex mu_;
  std::deque<std::function<void()>> queue_ ABSL_GUARDED_BY(mu_);
};

}  // namespace unggul

#include "common/time/periodic_task.h"

#include <utility>

namespace unggul {

PeriodicTask::PeriodicTask(const Clock& clock, absl::Duration interval, std::function<void()> task)
    : clock_(clock), interval_(interval), task_(std::move(task)) {
  if (interval_ > absl::ZeroDuration()) thread_ = std::thread([this] { Loop(); });
}

PeriodicTask::~PeriodicTask() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
    cv_.SignalAll();
  }
  if (thread_.joinable()) thread_.join();
}

int PeriodicTask::runs() const {
  absl::MutexLock lock(&mu_);
  return runs_;
}

void PeriodicTask::Loop() {
  absl::MutexLock lock(&mu_);
  while (!stopping_) {
    const absl::Time tick = clock_.Now() + interval_;
    while (!stopping_ && clock_.Now() < tick) clock_.WaitWithDeadline(cv_, mu_, tick);
    if (stopping_) break;
    mu_.Unlock();
    task_();
    mu_.Lock();
    ++runs_;
  }
}

}  // namespace unggul

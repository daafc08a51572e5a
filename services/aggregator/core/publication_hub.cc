#include "services/aggregator/core/publication_hub.h"

#include <algorithm>
#include <utility>

#include "absl/time/clock.h"

namespace unggul::aggregator {

int PublicationHub::Subscribe(Listener listener) {
  absl::MutexLock lock(&mu_);
  const int handle = next_++;
  listeners_.emplace(handle, std::move(listener));
  return handle;
}

void PublicationHub::Unsubscribe(int handle) {
  absl::MutexLock lock(&mu_);
  listeners_.erase(handle);
}

void PublicationHub::Publish(const kanwil::v1::Publication& publication) {
  absl::MutexLock lock(&mu_);
  for (auto& [handle, listener] : listeners_) listener(publication);
  latest_ = std::max(latest_, publication.revision());
  published_.SignalAll();
}

bool PublicationHub::WaitForRevisionAbove(uint64_t revision, absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  absl::MutexLock lock(&mu_);
  while (latest_ <= revision) {
    if (published_.WaitWithDeadline(&mu_, deadline)) return latest_ > revision;
  }
  return true;
}

}  // namespace unggul::aggregator

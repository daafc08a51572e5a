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
}

}  // namespace unggul::aggregator

#pragma once

// Fan-out of designation publications to live listeners (sync streams pushing to nodes,
// WatchDesignations streams). Listeners are called under the hub's lock and must not block
// (they queue into a stream's outbox). Thread-safe.

#include <functional>
#include <map>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "unggul/kanwil/v1/designation.pb.h"

namespace unggul::aggregator {

class PublicationHub {
 public:
  using Listener = std::function<void(const kanwil::v1::Publication&)>;

  // Returns a handle for Unsubscribe. After Unsubscribe returns, the listener is never called.
  int Subscribe(Listener listener);
  void Unsubscribe(int handle);
  void Publish(const kanwil::v1::Publication& publication);

 private:
  absl::Mutex mu_;
  int next_ ABSL_GUARDED_BY(mu_) = 1;
  std::map<int, Listener> listeners_ ABSL_GUARDED_BY(mu_);
};

}  // namespace unggul::aggregator

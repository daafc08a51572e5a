#pragma once

// What the core needs to know of replication: implemented by the sync client (sync/), wired
// in main.cc. Thread-safe implementations.

#include <cstdint>
#include <functional>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "unggul/node/v1/node_service.pb.h"

namespace unggul::node {

class SyncStatusProvider {
 public:
  virtual ~SyncStatusProvider() = default;
  virtual v1::SyncStatus Status() const = 0;
  // OK once the Kanwil acknowledged every change up to `seq`; DeadlineExceeded at `deadline` (by
  // the clock the provider was given, the node's); Unavailable when the client is stopping.
  virtual absl::Status WaitForAck(uint64_t seq, absl::Time deadline) const = 0;
  // OK once a designation publication with revision >= `revision` was stored.
  virtual absl::Status WaitForDesignation(uint64_t revision, absl::Time deadline) const = 0;
  // `listener` runs (on the sync client's thread, with no lock of the provider held) after an
  // ack was persisted, a designation stored or the client began to stop.
  virtual void SetChangeListener(std::function<void()> listener) = 0;
  virtual bool stopping() const = 0;
};

}  // namespace unggul::node

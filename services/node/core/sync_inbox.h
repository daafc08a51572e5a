#pragma once

// The node core's intake of what the Kanwil sends over sync: acknowledgements and published
// designations. The sync transport (sync/sync_client) hands them here instead of writing the
// store itself, so they get the core's checks before anything is stored:
// - an ack may not cover more than the node has written (an ack past last_seq would mark future
//   writes as delivered before they were sent, and let the changelog trim them);
// - a designation notice names a designation, a product of a UPT and a positive revision, with
//   a known status and bounded text.
// Thread-safe (the feed is); `feed` must outlive the inbox.

#include <cstdint>

#include "absl/status/status.h"
#include "services/node/store/catalog_store.h"
#include "unggul/node/v1/records.pb.h"

namespace unggul::node {

class SyncInbox {
 public:
  explicit SyncInbox(ChangeFeed& feed) : feed_(feed) {}

  // Persists the Kanwil's acknowledgement of every change up to `upto_seq`. FailedPrecondition
  // naming both seqs when it exceeds the node's last_seq (nothing stored); the store's errors
  // otherwise.
  absl::Status AcceptAck(uint64_t upto_seq);
  // Stores a notice (a newer revision replaces an older one). InvalidArgument "notice.<field>:
  // rule" for a malformed notice (nothing stored); the store's errors otherwise.
  absl::Status AcceptDesignation(const v1::DesignationNotice& notice);

 private:
  ChangeFeed& feed_;
};

// The rules AcceptDesignation applies; exposed for tests.
absl::Status ValidateDesignationNotice(const v1::DesignationNotice& notice);

}  // namespace unggul::node

#pragma once

// Applying a UPT's changes to the Kanwil's replica: the decisions of the sync apply step, planned
// here and committed by the store in one WriteBatch (KanwilStore::CommitUpt). A batch skips the
// changes at or below the HWM (duplicates of a resent window), must continue at HWM+1 and be
// contiguous, and belongs to the stored incarnation; each record replaces its previous version,
// whose contribution leaves the monthly rollup (rollup::ApplyToRollups, the one contribution
// function) and the digest before the new one enters. A snapshot replaces every record of the
// UPT and recomputes its rollups and digest.
//
// The plan reads the store (state, previous versions, rollup rows) and commits with the state it
// read as a precondition: a concurrent writer of the same UPT makes the commit Aborted, never
// merged. Codes: FailedPrecondition (gap after the HWM, other incarnation), InvalidArgument (not
// contiguous, a change without a record), Aborted, and the store's. Thread-safe.

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "services/aggregator/store/kanwil_store.h"
#include "unggul/node/v1/records.pb.h"

namespace unggul::aggregator {

struct IncomingChange {
  uint64_t seq = 0;
  node::v1::Record record;  // must already be the export projection (SyncCore ensures it)
};

// Applies `changes` (contiguous seqs) for `upt_code`. Changes at or below the HWM are skipped;
// the first remaining one must be HWM+1 (else FailedPrecondition, nothing applied). A UPT seen
// for the first time starts at HWM 0 with this incarnation; a stored state with another
// incarnation is FailedPrecondition. Returns the new state.
absl::StatusOr<UptSyncState> ApplyChanges(KanwilStore& store, absl::string_view upt_code,
                                          absl::string_view incarnation_id,
                                          const std::vector<IncomingChange>& changes,
                                          uint64_t node_last_seq, int64_t now_unix_ms);

// Replaces every record of the UPT with `records` (records missing are deleted), recomputes its
// rollups and digest, and sets HWM = as_of_seq and the incarnation, atomically.
absl::StatusOr<UptSyncState> ReplaceUpt(KanwilStore& store, absl::string_view upt_code,
                                        absl::string_view incarnation_id, uint64_t as_of_seq,
                                        const std::vector<node::v1::Record>& records,
                                        int64_t now_unix_ms);

}  // namespace unggul::aggregator

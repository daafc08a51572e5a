#pragma once

// The RocksDB edge of error handling (STYLE.md §5): maps rocksdb::Status to absl::Status.
//   Busy, TryAgain             -> Aborted        (redo the read-modify-write)
//   Corruption                 -> DataLoss       (alert)
//   ShutdownInProgress         -> Unavailable
//   NotFound                   -> NotFound
//   InvalidArgument            -> InvalidArgument
//   NotSupported               -> FailedPrecondition
//   Incomplete, TimedOut       -> Unavailable
//   IOError, anything else     -> Internal
// `context` names what was being done ("put batch SMS-..."); it is prefixed to the message.

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "rocksdb/status.h"

namespace unggul {

absl::Status FromRocksStatus(const rocksdb::Status& status, absl::string_view context);

}  // namespace unggul

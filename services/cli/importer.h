#pragma once

// Bulk import of CSV files into a node (formats in CSV.md). Each row is one atomic write with
// request_id "import:<kind>:<record id>", so a row either lands whole or not at all, and a
// re-run of the same file writes nothing new (rows come back replayed). Bad rows are reported
// with their line and reason; good rows are imported regardless.

#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "services/cli/node_client.h"
#include "services/cli/record_csv.h"

namespace unggul::cli {

struct RowError {
  int line = 0;
  std::string id;      // record id when the row had one
  std::string reason;  // e.g. "INVALID_ARGUMENT: batch.qty_rejected: must be <= ..."
};

struct ImportReport {
  int rows = 0;      // data rows read
  int written = 0;   // rows that wrote a new record
  int replayed = 0;  // rows already present (nothing written)
  std::vector<RowError> errors;
};

// Called after each row with (rows done, rows total).
using ProgressFn = std::function<void(int, int)>;

// Imports `csv_text`. Returns a status (and imports nothing) when the file itself is malformed
// (bad quoting, unknown or missing columns). Unavailable/DeadlineExceeded from the node stop
// the import with that status: what was written stays, and a re-run continues safely.
absl::StatusOr<ImportReport> ImportCsv(const RecordKindInfo& kind, absl::string_view csv_text,
                                       NodeClient& client, const ProgressFn& progress = nullptr);

}  // namespace unggul::cli

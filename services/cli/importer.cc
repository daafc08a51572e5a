#include "services/cli/importer.h"

#include "absl/strings/str_cat.h"
#include "common/csv/csv.h"
#include "common/records/records.h"
#include "common/status/status_macros.h"

namespace unggul::cli {
namespace {

namespace v1 = ::unggul::node::v1;

struct Outcome {
  absl::Status status;
  bool replayed = false;
};

template <typename Response>
Outcome ToOutcome(const absl::StatusOr<Response>& response) {
  if (!response.ok()) return {response.status(), false};
  return {absl::OkStatus(), response->replayed()};
}

Outcome Write(const v1::Record& record, const std::string& request_id, NodeClient& client) {
  if (record.has_product()) {
    v1::CreateProductRequest req;
    req.set_request_id(request_id);
    *req.mutable_product() = record.product();
    return ToOutcome(client.CreateProduct(req));
  }
  v1::WriteRecordRequest req;
  req.set_request_id(request_id);
  *req.mutable_record() = record;
  return ToOutcome(client.WriteRecord(req));
}

// The request id of an import row: stable across runs of the same file. Ids outside the id
// alphabet are rejected by the node anyway, so they get no request id.
std::string RequestIdFor(const RecordKindInfo& kind, const std::string& id) {
  if (id.empty() || id.size() > 100) return "";
  for (char c : id) {
    const bool ok =
        (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
    if (!ok) return "";
  }
  return absl::StrCat("import:", kind.plural, ":", id);
}

}  // namespace

absl::StatusOr<ImportReport> ImportCsv(const RecordKindInfo& kind, absl::string_view csv_text,
                                       NodeClient& client, const ProgressFn& progress) {
  UNGGUL_ASSIGN_OR_RETURN(std::vector<CsvRow> rows, ParseCsv(csv_text));
  if (rows.empty()) return absl::InvalidArgumentError("line 1: the file has no header row");
  UNGGUL_ASSIGN_OR_RETURN(ColumnIndex columns, ReadHeader(kind, rows[0]));

  ImportReport report;
  const int total = static_cast<int>(rows.size()) - 1;
  for (size_t i = 1; i < rows.size(); ++i) {
    const CsvRow& row = rows[i];
    ++report.rows;
    absl::StatusOr<v1::Record> record = RecordFromRow(kind, columns, row);
    if (!record.ok()) {
      report.errors.push_back({row.line, "", std::string(record.status().message())});
    } else {
      const std::string id = RecordId(*record);
      const Outcome outcome = Write(*record, RequestIdFor(kind, id), client);
      if (outcome.status.ok()) {
        ++(outcome.replayed ? report.replayed : report.written);
      } else if (absl::IsUnavailable(outcome.status) || absl::IsDeadlineExceeded(outcome.status)) {
        return absl::Status(
            outcome.status.code(),
            absl::StrCat("node unreachable at line ", row.line, " (", report.written,
                         " rows written so far; re-running the import is safe): ",
                         outcome.status.message()));
      } else if (absl::IsResourceExhausted(outcome.status)) {  // e.g. the node's disk is full
        return absl::Status(
            outcome.status.code(),
            absl::StrCat("node refused writes at line ", row.line, " (", report.written,
                         " rows written so far; re-running the import later is safe): ",
                         outcome.status.message()));
      } else {
        report.errors.push_back({row.line, id,
                                 absl::StrCat(absl::StatusCodeToString(outcome.status.code()), ": ",
                                              outcome.status.message())});
      }
    }
    if (progress) progress(report.rows, total);
  }
  return report;
}

}  // namespace unggul::cli

#pragma once

// Mapping between CSV rows (formats in CSV.md) and node records, plus enum names as the CLI
// shows and reads them (value name without its prefix: "kg", "PANGAN_OLAHAN"). Thread-safe.

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/csv/csv.h"
#include "google/protobuf/descriptor.h"
#include "unggul/node/v1/records.pb.h"

namespace unggul::cli {

enum class ImportKind {
  kProducts,
  kBatches,
  kSales,
  kCertifications,
  kTrainings,
  kLabour,
  kSettlements,
  kReturns
};

// "products", "batches", "sales", "certifications", "trainings", "labour", "settlements",
// "returns".
absl::string_view ImportKindName(ImportKind kind);
// InvalidArgument for an unknown name.
absl::StatusOr<ImportKind> ParseImportKind(absl::string_view name);
// Every kind, in dependency order (products first).
const std::vector<ImportKind>& AllImportKinds();

// Column name -> cell index.
using ColumnIndex = std::map<std::string, size_t, std::less<>>;

// Checks the header row: InvalidArgument "line 1: unknown column ..." or "missing required
// column ...".
absl::StatusOr<ColumnIndex> ReadHeader(ImportKind kind, const CsvRow& header);

// Converts one data row. InvalidArgument "column <name>: <rule>, got \"...\"" on a bad cell.
absl::StatusOr<node::v1::Record> RecordFromRow(ImportKind kind, const ColumnIndex& columns,
                                               const CsvRow& row);

// Enum value by short or full name, case-insensitive; InvalidArgument naming `column` and the
// accepted names. An empty cell is 0 (unspecified).
absl::StatusOr<int> ParseEnumName(const google::protobuf::EnumDescriptor* descriptor,
                                  absl::string_view cell, absl::string_view column);
// Short name of an enum value ("" for 0, the number for an unknown value).
std::string EnumShortName(const google::protobuf::EnumDescriptor* descriptor, int value);

}  // namespace unggul::cli

#pragma once

// Mapping between CSV rows (formats in CSV.md) and node records, plus enum names as the CLI
// shows and reads them (value name without its prefix: "kg", "PANGAN_OLAHAN"). Thread-safe.

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/csv/csv.h"
#include "common/records/kinds.h"
#include "google/protobuf/descriptor.h"
#include "unggul/node/v1/records.pb.h"

namespace unggul::cli {

// The CSV schema of a record kind, read off its message (one source for the importer and the
// demo fixture's writer): one column per field, named like the field, in declaration order, except
// the fields the node sets (recorded_at, node_managed, small_cell_flag). Cells by field type:
// text; decimal numbers with "."; whole numbers; enum value names without their prefix,
// case-insensitive; true/false; a repeated text field as ";"-separated items; a repeated message
// as ";"-separated items of "|"-separated parts in its fields' order (trailing parts may be
// omitted). Columns of fields marked (required) must be present.
std::vector<std::string> CsvColumns(const RecordKindInfo& kind);

// The kind with this plural ("batches"); InvalidArgument naming the known plurals otherwise.
absl::StatusOr<const RecordKindInfo*> ParseImportKind(absl::string_view plural);
// Every kind in import order: products first (the others refer to them), then by number.
std::vector<const RecordKindInfo*> ImportOrder();

// Column name -> cell index.
using ColumnIndex = std::map<std::string, size_t, std::less<>>;

// Checks the header row: InvalidArgument "line 1: unknown column ..." or "missing required
// column ...".
absl::StatusOr<ColumnIndex> ReadHeader(const RecordKindInfo& kind, const CsvRow& header);

// Converts one data row. InvalidArgument "column <name>: <rule>, got \"...\"" on a bad cell.
absl::StatusOr<node::v1::Record> RecordFromRow(const RecordKindInfo& kind,
                                               const ColumnIndex& columns, const CsvRow& row);

// The cells of `record` in CsvColumns order (what RecordFromRow reads back as the same record;
// decimals in their shortest exact form).
std::vector<std::string> RowOfRecord(const node::v1::Record& record);
// One cell of a record's field (as RowOfRecord writes it), for writers that build rows by column.
std::string CellOf(const google::protobuf::Message& message,
                   const google::protobuf::FieldDescriptor* field);

// Enum value by short or full name, case-insensitive; InvalidArgument naming `column` and the
// accepted names. An empty cell is 0 (unspecified).
absl::StatusOr<int> ParseEnumName(const google::protobuf::EnumDescriptor* descriptor,
                                  absl::string_view cell, absl::string_view column);
// Short name of an enum value ("" for 0, the number for an unknown value).
std::string EnumShortName(const google::protobuf::EnumDescriptor* descriptor, int value);

}  // namespace unggul::cli

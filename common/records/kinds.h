#pragma once

// The record-kind registry: every kind of node record, read once from the `Record.kind` oneof
// of records.proto and the options on its messages and fields (kind_name, kind_plural,
// record_id, record_product, record_date, small_cell_count, small_cell_flag). Code that treats
// every kind alike (ids, products, dates, the small-cell projection, the store's column families,
// key tags, CSV file names) looks kinds up here instead of switching over them, so a new kind is a
// message plus a oneof entry with its options.
//
// A kind's number is its oneof field number: stable, stored in keys, page tokens and hashes.
// Thread-safe: the registry is built once, on first use, and never changes. A records.proto
// whose options break the rules below aborts at that first use (RecordKinds's test checks it).

#include <vector>

#include "absl/strings/string_view.h"
#include "google/protobuf/descriptor.h"
#include "unggul/node/v1/records.pb.h"

namespace unggul {

struct RecordKindInfo {
  int number = 0;                // oneof field number, 1..127
  absl::string_view name;        // "monthly labour report"
  absl::string_view plural;      // "labour": node column family and CSV file name
  absl::string_view field_name;  // "labour": the oneof field
  const google::protobuf::FieldDescriptor* field = nullptr;    // Record.<field>
  const google::protobuf::Descriptor* message = nullptr;       // MonthlyLabour
  const google::protobuf::FieldDescriptor* id = nullptr;       // string, required
  const google::protobuf::FieldDescriptor* product = nullptr;  // string, or nullptr
  // string "YYYY-MM-DD", or "YYYY-MM" (labour month, settlement end), or nullptr
  const google::protobuf::FieldDescriptor* date = nullptr;
  std::vector<const google::protobuf::FieldDescriptor*> small_cell_counts;  // int32
  const google::protobuf::FieldDescriptor* small_cell_flag = nullptr;       // bool, or nullptr
  // The Kanwil keeps monthly rollups of this kind (needs product and date fields).
  bool monthly_rollup = false;
  const google::protobuf::FieldDescriptor* recorded_at = nullptr;  // int64, or nullptr
  std::vector<const google::protobuf::FieldDescriptor*> node_managed;
  // Its count in node::v1::RecordCounts (the field numbered like the kind).
  const google::protobuf::FieldDescriptor* count = nullptr;
};

// Every kind, in number order.
const std::vector<RecordKindInfo>& RecordKinds();
// The kind with this number, or nullptr (also for 0 and out-of-range numbers).
const RecordKindInfo* FindRecordKind(int number);
// The kind with this plural ("batches"), or nullptr.
const RecordKindInfo* FindRecordKindByPlural(absl::string_view plural);
// The kind of a record, or nullptr when no kind is set.
const RecordKindInfo* KindInfoOf(const node::v1::Record& record);

}  // namespace unggul

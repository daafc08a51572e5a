#include "services/cli/record_csv.h"

#include <charconv>
#include <limits>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/records/records.h"
#include "common/status/echo.h"
#include "common/status/status_macros.h"

namespace unggul::cli {
namespace {

namespace v1 = ::unggul::node::v1;
using google::protobuf::Descriptor;
using google::protobuf::EnumDescriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

std::string EnumPrefix(const EnumDescriptor* d) {
  std::string zero = d->value(0)->name();  // e.g. UNIT_UNSPECIFIED
  return zero.substr(0, zero.size() - std::string("UNSPECIFIED").size());
}

// Reads cells of one row by column name.
class Cells {
 public:
  Cells(const ColumnIndex& columns, const CsvRow& row) : columns_(columns), row_(row) {}

  std::string Text(absl::string_view column) const {
    auto it = columns_.find(column);
    if (it == columns_.end() || it->second >= row_.cells.size()) return "";
    return std::string(absl::StripAsciiWhitespace(row_.cells[it->second]));
  }
  static absl::StatusOr<double> ParseNumber(absl::string_view column, absl::string_view cell) {
    if (cell.empty()) return 0.0;
    double v = 0;
    if (!absl::SimpleAtod(cell, &v)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "column ", column, ": must be a number (use . for decimals), got \"", Echo(cell), "\""));
    }
    return v;
  }
  static absl::StatusOr<int64_t> ParseInteger(absl::string_view column, absl::string_view cell) {
    if (cell.empty()) return 0;
    int64_t v = 0;
    if (!absl::SimpleAtoi(cell, &v)) {
      return absl::InvalidArgumentError(
          absl::StrCat("column ", column, ": must be a whole number, got \"", Echo(cell), "\""));
    }
    return v;
  }

 private:
  const ColumnIndex& columns_;
  const CsvRow& row_;
};

// Splits "a|b|c;d|e|f" into items of parts; empty cell -> no items.
std::vector<std::vector<std::string>> Items(const std::string& cell) {
  std::vector<std::vector<std::string>> out;
  if (cell.empty()) return out;
  for (absl::string_view item : absl::StrSplit(cell, ';', absl::SkipWhitespace())) {
    std::vector<std::string> parts;
    for (absl::string_view part : absl::StrSplit(item, '|')) {
      parts.emplace_back(absl::StripAsciiWhitespace(part));
    }
    out.push_back(std::move(parts));
  }
  return out;
}

bool NodeSet(const FieldDescriptor* field) {
  const google::protobuf::FieldOptions& o = field->options();
  return o.GetExtension(v1::recorded_at) || o.GetExtension(v1::node_managed) ||
         o.GetExtension(v1::small_cell_flag);
}

// Sets a singular scalar field from one cell ("" leaves it unset); `column` names it in errors.
absl::Status SetScalar(Message& message, const FieldDescriptor* field, absl::string_view cell,
                       const std::string& column) {
  const Reflection* r = message.GetReflection();
  const bool repeated = field->is_repeated();
  switch (field->cpp_type()) {
    case FieldDescriptor::CPPTYPE_STRING:
      repeated ? r->AddString(&message, field, std::string(cell))
               : r->SetString(&message, field, std::string(cell));
      return absl::OkStatus();
    case FieldDescriptor::CPPTYPE_DOUBLE:
    case FieldDescriptor::CPPTYPE_FLOAT: {
      UNGGUL_ASSIGN_OR_RETURN(double v, Cells::ParseNumber(column, cell));
      if (field->cpp_type() == FieldDescriptor::CPPTYPE_FLOAT) {
        repeated ? r->AddFloat(&message, field, static_cast<float>(v))
                 : r->SetFloat(&message, field, static_cast<float>(v));
      } else {
        repeated ? r->AddDouble(&message, field, v) : r->SetDouble(&message, field, v);
      }
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_INT32:
    case FieldDescriptor::CPPTYPE_INT64:
    case FieldDescriptor::CPPTYPE_UINT32:
    case FieldDescriptor::CPPTYPE_UINT64: {
      UNGGUL_ASSIGN_OR_RETURN(int64_t v, Cells::ParseInteger(column, cell));
      const bool is32 = field->cpp_type() == FieldDescriptor::CPPTYPE_INT32 ||
                        field->cpp_type() == FieldDescriptor::CPPTYPE_UINT32;
      const bool is_unsigned = field->cpp_type() == FieldDescriptor::CPPTYPE_UINT32 ||
                               field->cpp_type() == FieldDescriptor::CPPTYPE_UINT64;
      if ((is32 &&
           (v > std::numeric_limits<int32_t>::max() || v < std::numeric_limits<int32_t>::min())) ||
          (is_unsigned && v < 0)) {
        return absl::InvalidArgumentError(
            absl::StrCat("column ", column, ": out of range, got \"", Echo(cell), "\""));
      }
      switch (field->cpp_type()) {
        case FieldDescriptor::CPPTYPE_INT32:
          repeated ? r->AddInt32(&message, field, static_cast<int32_t>(v))
                   : r->SetInt32(&message, field, static_cast<int32_t>(v));
          break;
        case FieldDescriptor::CPPTYPE_UINT32:
          repeated ? r->AddUInt32(&message, field, static_cast<uint32_t>(v))
                   : r->SetUInt32(&message, field, static_cast<uint32_t>(v));
          break;
        case FieldDescriptor::CPPTYPE_UINT64:
          repeated ? r->AddUInt64(&message, field, static_cast<uint64_t>(v))
                   : r->SetUInt64(&message, field, static_cast<uint64_t>(v));
          break;
        default:
          repeated ? r->AddInt64(&message, field, v) : r->SetInt64(&message, field, v);
      }
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_BOOL: {
      const std::string lower = absl::AsciiStrToLower(cell);
      bool v = false;
      if (lower == "true" || lower == "1" || lower == "yes") {
        v = true;
      } else if (!lower.empty() && lower != "false" && lower != "0" && lower != "no") {
        return absl::InvalidArgumentError(
            absl::StrCat("column ", column, ": must be true or false, got \"", Echo(cell), "\""));
      }
      repeated ? r->AddBool(&message, field, v) : r->SetBool(&message, field, v);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_ENUM: {
      UNGGUL_ASSIGN_OR_RETURN(int v, ParseEnumName(field->enum_type(), cell, column));
      repeated ? r->AddEnumValue(&message, field, v) : r->SetEnumValue(&message, field, v);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_MESSAGE:
      break;
  }
  return absl::InvalidArgumentError(
      absl::StrCat("column ", column, ": nested messages cannot be written in one cell"));
}

// Sets `field` of `message` from the cell of its column.
absl::Status SetField(Message& message, const FieldDescriptor* field, const std::string& cell) {
  if (cell.empty()) return absl::OkStatus();
  if (!field->is_repeated()) return SetScalar(message, field, cell, field->name());
  int i = 0;
  for (const std::vector<std::string>& parts : Items(cell)) {
    const std::string item = absl::StrCat(field->name(), "[", i++, "]");
    if (field->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE) {
      UNGGUL_RETURN_IF_ERROR(SetScalar(message, field, parts.empty() ? "" : parts[0], item));
      continue;
    }
    Message* nested = message.GetReflection()->AddMessage(&message, field);
    const Descriptor* d = nested->GetDescriptor();
    if (parts.size() > static_cast<size_t>(d->field_count())) {
      return absl::InvalidArgumentError(absl::StrCat("column ", item, ": has ", parts.size(),
                                                     " parts, at most ", d->field_count()));
    }
    for (size_t p = 0; p < parts.size(); ++p) {
      const FieldDescriptor* part = d->field(static_cast<int>(p));
      if (parts[p].empty()) continue;
      UNGGUL_RETURN_IF_ERROR(
          SetScalar(*nested, part, parts[p], absl::StrCat(item, ".", part->name())));
    }
  }
  return absl::OkStatus();
}

std::string ScalarCell(const Message& message, const FieldDescriptor* field, int index) {
  const Reflection* r = message.GetReflection();
  const bool rep = index >= 0;
  switch (field->cpp_type()) {
    case FieldDescriptor::CPPTYPE_STRING:
      return rep ? r->GetRepeatedString(message, field, index) : r->GetString(message, field);
    case FieldDescriptor::CPPTYPE_DOUBLE:
    case FieldDescriptor::CPPTYPE_FLOAT: {
      const double v =
          field->cpp_type() == FieldDescriptor::CPPTYPE_FLOAT
              ? (rep ? r->GetRepeatedFloat(message, field, index) : r->GetFloat(message, field))
              : (rep ? r->GetRepeatedDouble(message, field, index) : r->GetDouble(message, field));
      if (v == 0) return "";
      char buf[64];
      auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), v);
      return ec == std::errc() ? std::string(buf, end) : absl::StrCat(v);
    }
    case FieldDescriptor::CPPTYPE_INT32: {
      const int32_t v =
          rep ? r->GetRepeatedInt32(message, field, index) : r->GetInt32(message, field);
      return v == 0 ? "" : absl::StrCat(v);
    }
    case FieldDescriptor::CPPTYPE_INT64: {
      const int64_t v =
          rep ? r->GetRepeatedInt64(message, field, index) : r->GetInt64(message, field);
      return v == 0 ? "" : absl::StrCat(v);
    }
    case FieldDescriptor::CPPTYPE_UINT32: {
      const uint32_t v =
          rep ? r->GetRepeatedUInt32(message, field, index) : r->GetUInt32(message, field);
      return v == 0 ? "" : absl::StrCat(v);
    }
    case FieldDescriptor::CPPTYPE_UINT64: {
      const uint64_t v =
          rep ? r->GetRepeatedUInt64(message, field, index) : r->GetUInt64(message, field);
      return v == 0 ? "" : absl::StrCat(v);
    }
    case FieldDescriptor::CPPTYPE_BOOL:
      return (rep ? r->GetRepeatedBool(message, field, index) : r->GetBool(message, field)) ? "true"
                                                                                            : "";
    case FieldDescriptor::CPPTYPE_ENUM:
      return EnumShortName(field->enum_type(), rep ? r->GetRepeatedEnumValue(message, field, index)
                                                   : r->GetEnumValue(message, field));
    case FieldDescriptor::CPPTYPE_MESSAGE:
      break;
  }
  return "";
}

}  // namespace

std::string CellOf(const Message& message, const FieldDescriptor* field) {
  if (!field->is_repeated()) return ScalarCell(message, field, -1);
  const Reflection* r = message.GetReflection();
  std::vector<std::string> items;
  for (int i = 0; i < r->FieldSize(message, field); ++i) {
    if (field->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE) {
      items.push_back(ScalarCell(message, field, i));
      continue;
    }
    const Message& nested = r->GetRepeatedMessage(message, field, i);
    std::vector<std::string> parts;
    for (int p = 0; p < nested.GetDescriptor()->field_count(); ++p) {
      parts.push_back(ScalarCell(nested, nested.GetDescriptor()->field(p), -1));
    }
    while (!parts.empty() && parts.back().empty()) parts.pop_back();
    items.push_back(absl::StrJoin(parts, "|"));
  }
  return absl::StrJoin(items, ";");
}

std::vector<std::string> CsvColumns(const RecordKindInfo& kind) {
  std::vector<std::string> columns;
  for (int i = 0; i < kind.message->field_count(); ++i) {
    const FieldDescriptor* field = kind.message->field(i);
    if (!NodeSet(field)) columns.push_back(field->name());
  }
  return columns;
}

absl::StatusOr<const RecordKindInfo*> ParseImportKind(absl::string_view plural) {
  if (const RecordKindInfo* kind = FindRecordKindByPlural(plural); kind != nullptr) return kind;
  std::vector<std::string> known;
  for (const RecordKindInfo* kind : ImportOrder()) known.emplace_back(kind->plural);
  return absl::InvalidArgumentError(absl::StrCat(
      "kind: must be one of ", absl::StrJoin(known, ", "), ", got \"", Echo(plural), "\""));
}

std::vector<const RecordKindInfo*> ImportOrder() {
  std::vector<const RecordKindInfo*> out;
  for (const RecordKindInfo& kind : RecordKinds()) {
    if (kind.number == static_cast<int>(RecordKind::kProduct))
      out.insert(out.begin(), &kind);
    else
      out.push_back(&kind);
  }
  return out;
}

absl::StatusOr<ColumnIndex> ReadHeader(const RecordKindInfo& kind, const CsvRow& header) {
  const std::vector<std::string> columns = CsvColumns(kind);
  ColumnIndex index;
  for (size_t i = 0; i < header.cells.size(); ++i) {
    const std::string name = absl::AsciiStrToLower(absl::StripAsciiWhitespace(header.cells[i]));
    if (std::find(columns.begin(), columns.end(), name) == columns.end()) {
      return absl::InvalidArgumentError(
          absl::StrCat("line ", header.line, ": unknown column \"", name, "\" for ", kind.plural,
                       " (known: ", absl::StrJoin(columns, ", "), ")"));
    }
    if (!index.emplace(name, i).second) {
      return absl::InvalidArgumentError(
          absl::StrCat("line ", header.line, ": column \"", name, "\" appears twice"));
    }
  }
  for (int i = 0; i < kind.message->field_count(); ++i) {
    const FieldDescriptor* field = kind.message->field(i);
    if (field->options().GetExtension(v1::required) && index.find(field->name()) == index.end()) {
      return absl::InvalidArgumentError(absl::StrCat("line ", header.line,
                                                     ": missing required column \"", field->name(),
                                                     "\" for ", kind.plural));
    }
  }
  return index;
}

absl::StatusOr<node::v1::Record> RecordFromRow(const RecordKindInfo& kind,
                                               const ColumnIndex& columns, const CsvRow& row) {
  if (row.cells.size() > columns.size()) {
    return absl::InvalidArgumentError(
        absl::StrCat("row has ", row.cells.size(), " cells but the header has ", columns.size()));
  }
  const Cells cells(columns, row);
  v1::Record record;
  Message* message = record.GetReflection()->MutableMessage(&record, kind.field);
  for (const auto& [name, index] : columns) {
    const FieldDescriptor* field = kind.message->FindFieldByName(name);
    UNGGUL_RETURN_IF_ERROR(SetField(*message, field, cells.Text(name)));
  }
  return record;
}

std::vector<std::string> RowOfRecord(const v1::Record& record) {
  std::vector<std::string> row;
  const RecordKindInfo* kind = KindInfoOf(record);
  if (kind == nullptr) return row;
  const Message& message = record.GetReflection()->GetMessage(record, kind->field);
  for (const std::string& column : CsvColumns(*kind)) {
    row.push_back(CellOf(message, kind->message->FindFieldByName(column)));
  }
  return row;
}

absl::StatusOr<int> ParseEnumName(const EnumDescriptor* descriptor, absl::string_view cell,
                                  absl::string_view column) {
  const std::string name = absl::AsciiStrToUpper(absl::StripAsciiWhitespace(cell));
  if (name.empty()) return 0;
  const std::string prefix = EnumPrefix(descriptor);
  const google::protobuf::EnumValueDescriptor* value = descriptor->FindValueByName(prefix + name);
  if (value == nullptr) value = descriptor->FindValueByName(name);
  if (value == nullptr || value->number() == 0) {
    std::vector<std::string> names;
    for (int i = 1; i < descriptor->value_count(); ++i) {
      names.push_back(EnumShortName(descriptor, descriptor->value(i)->number()));
    }
    return absl::InvalidArgumentError(absl::StrCat("column ", column, ": unknown value \"", cell,
                                                   "\" (one of ", absl::StrJoin(names, ", "), ")"));
  }
  return value->number();
}

std::string EnumShortName(const EnumDescriptor* descriptor, int value) {
  if (value == 0) return "";
  const google::protobuf::EnumValueDescriptor* v = descriptor->FindValueByNumber(value);
  if (v == nullptr) return absl::StrCat(value);
  std::string name = v->name();
  const std::string prefix = EnumPrefix(descriptor);
  if (absl::StartsWith(name, prefix)) name = name.substr(prefix.size());
  // Units read better in lower case ("kg", "m2").
  if (descriptor == node::v1::Unit_descriptor()) name = absl::AsciiStrToLower(name);
  return name;
}

}  // namespace unggul::cli

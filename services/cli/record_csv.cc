#include "services/cli/record_csv.h"

#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/status/status_macros.h"

namespace unggul::cli {
namespace {

namespace v1 = ::unggul::node::v1;
using google::protobuf::EnumDescriptor;

struct Spec {
  std::vector<std::string> columns;
  std::vector<std::string> required;
};

const Spec& SpecFor(ImportKind kind) {
  static const auto* specs = new std::map<ImportKind, Spec>{
      {ImportKind::kProducts,
       {{"product_id", "name", "brand", "category", "subcategory", "description", "story",
         "launch_date", "status", "skus"},
        {"product_id", "name", "category"}}},
      {ImportKind::kBatches,
       {{"batch_code", "product_id", "sku_code", "start_date", "end_date", "qty_produced",
         "qty_rejected", "unit", "qc_result", "expiry_date", "workshop_id", "direct_cost_idr",
         "inmates_engaged_count", "inmate_person_days", "supervisor_staff_ref", "inputs"},
        {"batch_code", "product_id", "start_date", "qty_produced", "unit"}}},
      {ImportKind::kSales,
       {{"sale_id", "product_id", "sku_code", "sale_date", "qty", "unit", "unit_price_idr",
         "revenue_idr", "channel", "buyer_type", "buyer_region", "buyer_regency_code", "invoice_no",
         "payment_method"},
        {"sale_id", "product_id", "sale_date", "qty", "unit", "channel", "buyer_region"}}},
      {ImportKind::kCertifications,
       {{"certification_id", "product_id", "type", "number", "issuer", "holder", "issued_date",
         "valid_until", "scope_skus"},
        {"certification_id", "product_id", "type", "number", "issuer", "issued_date"}}},
      {ImportKind::kTrainings,
       {{"training_id", "product_id", "program_name", "provider", "start_date", "end_date",
         "participants_count", "completed_count", "certificates_count", "certificate_scheme"},
        {"training_id", "program_name", "provider", "start_date", "participants_count"}}},
      {ImportKind::kLabour,
       {{"report_id", "product_id", "month", "distinct_inmates_engaged", "inmate_person_days"},
        {"report_id", "product_id", "month", "distinct_inmates_engaged"}}},
      {ImportKind::kReturns,
       {{"return_id", "product_id", "sku_code", "return_date", "qty", "unit", "reason", "sale_id",
         "note"},
        {"return_id", "product_id", "return_date", "qty", "unit", "reason"}}},
      {ImportKind::kSettlements,
       {{"settlement_id", "product_id", "period_start", "period_end", "gross_sales_idr", "cogs_idr",
         "net_profit_idr", "premi_total_idr", "pnbp_deposited_idr", "billing_code", "ntpn",
         "capital_retained_idr"},
        {"settlement_id", "product_id", "period_start", "period_end", "premi_total_idr",
         "pnbp_deposited_idr"}}},
  };
  return specs->at(kind);
}

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
  absl::StatusOr<double> Number(absl::string_view column) const {
    return ParseNumber(column, Text(column));
  }
  absl::StatusOr<int64_t> Integer(absl::string_view column) const {
    return ParseInteger(column, Text(column));
  }
  absl::StatusOr<int> Enum(const EnumDescriptor* d, absl::string_view column) const {
    return ParseEnumName(d, Text(column), column);
  }

  static absl::StatusOr<double> ParseNumber(absl::string_view column, absl::string_view cell) {
    if (cell.empty()) return 0.0;
    double v = 0;
    if (!absl::SimpleAtod(cell, &v)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "column ", column, ": must be a number (use . for decimals), got \"", cell, "\""));
    }
    return v;
  }
  static absl::StatusOr<int64_t> ParseInteger(absl::string_view column, absl::string_view cell) {
    if (cell.empty()) return 0;
    int64_t v = 0;
    if (!absl::SimpleAtoi(cell, &v)) {
      return absl::InvalidArgumentError(
          absl::StrCat("column ", column, ": must be a whole number, got \"", cell, "\""));
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

std::string Part(const std::vector<std::string>& parts, size_t i) {
  return i < parts.size() ? parts[i] : "";
}

absl::StatusOr<v1::Record> ProductFromRow(const Cells& c) {
  v1::Record record;
  v1::Product* p = record.mutable_product();
  p->set_product_id(c.Text("product_id"));
  p->set_name(c.Text("name"));
  p->set_brand(c.Text("brand"));
  UNGGUL_ASSIGN_OR_RETURN(int category, c.Enum(v1::Category_descriptor(), "category"));
  p->set_category(static_cast<v1::Category>(category));
  p->set_subcategory(c.Text("subcategory"));
  p->set_description(c.Text("description"));
  p->set_story(c.Text("story"));
  p->set_launch_date(c.Text("launch_date"));
  UNGGUL_ASSIGN_OR_RETURN(int status, c.Enum(v1::ProductStatus_descriptor(), "status"));
  p->set_status(static_cast<v1::ProductStatus>(status));
  int i = 0;
  for (const std::vector<std::string>& parts : Items(c.Text("skus"))) {
    const std::string col = absl::StrCat("skus[", i++, "]");
    v1::Sku* sku = p->add_skus();
    sku->set_sku_code(Part(parts, 0));
    UNGGUL_ASSIGN_OR_RETURN(double net, Cells::ParseNumber(col + ".net_content", Part(parts, 1)));
    sku->set_net_content(net);
    UNGGUL_ASSIGN_OR_RETURN(int unit,
                            ParseEnumName(v1::Unit_descriptor(), Part(parts, 2), col + ".unit"));
    sku->set_net_content_unit(static_cast<v1::Unit>(unit));
    UNGGUL_ASSIGN_OR_RETURN(int packaging, ParseEnumName(v1::PackagingType_descriptor(),
                                                         Part(parts, 3), col + ".packaging"));
    sku->set_packaging_type(static_cast<v1::PackagingType>(packaging));
    UNGGUL_ASSIGN_OR_RETURN(int64_t price,
                            Cells::ParseInteger(col + ".list_price_idr", Part(parts, 4)));
    sku->set_list_price_idr(price);
    sku->set_barcode(Part(parts, 5));
  }
  return record;
}

absl::StatusOr<v1::Record> BatchFromRow(const Cells& c) {
  v1::Record record;
  v1::ProductionBatch* b = record.mutable_batch();
  b->set_batch_code(c.Text("batch_code"));
  b->set_product_id(c.Text("product_id"));
  b->set_sku_code(c.Text("sku_code"));
  b->set_start_date(c.Text("start_date"));
  b->set_end_date(c.Text("end_date"));
  UNGGUL_ASSIGN_OR_RETURN(double produced, c.Number("qty_produced"));
  b->set_qty_produced(produced);
  UNGGUL_ASSIGN_OR_RETURN(double rejected, c.Number("qty_rejected"));
  b->set_qty_rejected(rejected);
  UNGGUL_ASSIGN_OR_RETURN(int unit, c.Enum(v1::Unit_descriptor(), "unit"));
  b->set_unit(static_cast<v1::Unit>(unit));
  UNGGUL_ASSIGN_OR_RETURN(int qc, c.Enum(v1::QcResult_descriptor(), "qc_result"));
  b->set_qc_result(static_cast<v1::QcResult>(qc));
  b->set_expiry_date(c.Text("expiry_date"));
  b->set_workshop_id(c.Text("workshop_id"));
  UNGGUL_ASSIGN_OR_RETURN(int64_t cost, c.Integer("direct_cost_idr"));
  b->set_direct_cost_idr(cost);
  UNGGUL_ASSIGN_OR_RETURN(int64_t inmates, c.Integer("inmates_engaged_count"));
  if (inmates > 1'000'000 || inmates < -1'000'000) {
    return absl::InvalidArgumentError("column inmates_engaged_count: out of range");
  }
  b->set_inmates_engaged_count(static_cast<int32_t>(inmates));
  UNGGUL_ASSIGN_OR_RETURN(double person_days, c.Number("inmate_person_days"));
  b->set_inmate_person_days(person_days);
  b->set_supervisor_staff_ref(c.Text("supervisor_staff_ref"));
  int i = 0;
  for (const std::vector<std::string>& parts : Items(c.Text("inputs"))) {
    const std::string col = absl::StrCat("inputs[", i++, "]");
    v1::MaterialInput* in = b->add_inputs();
    in->set_material(Part(parts, 0));
    UNGGUL_ASSIGN_OR_RETURN(int origin, ParseEnumName(v1::OriginType_descriptor(), Part(parts, 1),
                                                      col + ".origin_type"));
    in->set_origin_type(static_cast<v1::OriginType>(origin));
    in->set_origin_regency_code(Part(parts, 2));
    UNGGUL_ASSIGN_OR_RETURN(double qty, Cells::ParseNumber(col + ".qty", Part(parts, 3)));
    in->set_qty(qty);
    UNGGUL_ASSIGN_OR_RETURN(int in_unit,
                            ParseEnumName(v1::Unit_descriptor(), Part(parts, 4), col + ".unit"));
    in->set_unit(static_cast<v1::Unit>(in_unit));
    UNGGUL_ASSIGN_OR_RETURN(int64_t in_cost,
                            Cells::ParseInteger(col + ".cost_idr", Part(parts, 5)));
    in->set_cost_idr(in_cost);
    in->set_supplier_ref(Part(parts, 6));
  }
  return record;
}

absl::StatusOr<v1::Record> SaleFromRow(const Cells& c) {
  v1::Record record;
  v1::Sale* s = record.mutable_sale();
  s->set_sale_id(c.Text("sale_id"));
  s->set_product_id(c.Text("product_id"));
  s->set_sku_code(c.Text("sku_code"));
  s->set_sale_date(c.Text("sale_date"));
  UNGGUL_ASSIGN_OR_RETURN(double qty, c.Number("qty"));
  s->set_qty(qty);
  UNGGUL_ASSIGN_OR_RETURN(int unit, c.Enum(v1::Unit_descriptor(), "unit"));
  s->set_unit(static_cast<v1::Unit>(unit));
  UNGGUL_ASSIGN_OR_RETURN(int64_t price, c.Integer("unit_price_idr"));
  s->set_unit_price_idr(price);
  UNGGUL_ASSIGN_OR_RETURN(int64_t revenue, c.Integer("revenue_idr"));
  s->set_revenue_idr(revenue);
  UNGGUL_ASSIGN_OR_RETURN(int channel, c.Enum(v1::Channel_descriptor(), "channel"));
  s->set_channel(static_cast<v1::Channel>(channel));
  UNGGUL_ASSIGN_OR_RETURN(int buyer_type, c.Enum(v1::BuyerType_descriptor(), "buyer_type"));
  s->set_buyer_type(static_cast<v1::BuyerType>(buyer_type));
  UNGGUL_ASSIGN_OR_RETURN(int region, c.Enum(v1::BuyerRegion_descriptor(), "buyer_region"));
  s->set_buyer_region(static_cast<v1::BuyerRegion>(region));
  s->set_buyer_regency_code(c.Text("buyer_regency_code"));
  s->set_invoice_no(c.Text("invoice_no"));
  UNGGUL_ASSIGN_OR_RETURN(int pay, c.Enum(v1::PaymentMethod_descriptor(), "payment_method"));
  s->set_payment_method(static_cast<v1::PaymentMethod>(pay));
  return record;
}

absl::StatusOr<v1::Record> CertificationFromRow(const Cells& c) {
  v1::Record record;
  v1::Certification* cert = record.mutable_certification();
  cert->set_certification_id(c.Text("certification_id"));
  cert->set_product_id(c.Text("product_id"));
  UNGGUL_ASSIGN_OR_RETURN(int type, c.Enum(v1::CertificationType_descriptor(), "type"));
  cert->set_type(static_cast<v1::CertificationType>(type));
  cert->set_number(c.Text("number"));
  cert->set_issuer(c.Text("issuer"));
  cert->set_holder(c.Text("holder"));
  cert->set_issued_date(c.Text("issued_date"));
  cert->set_valid_until(c.Text("valid_until"));
  for (const std::vector<std::string>& parts : Items(c.Text("scope_skus"))) {
    cert->add_scope_skus(Part(parts, 0));
  }
  return record;
}

absl::StatusOr<v1::Record> TrainingFromRow(const Cells& c) {
  v1::Record record;
  v1::Training* t = record.mutable_training();
  t->set_training_id(c.Text("training_id"));
  t->set_product_id(c.Text("product_id"));
  t->set_program_name(c.Text("program_name"));
  t->set_provider(c.Text("provider"));
  t->set_start_date(c.Text("start_date"));
  t->set_end_date(c.Text("end_date"));
  for (const char* col : {"participants_count", "completed_count", "certificates_count"}) {
    UNGGUL_ASSIGN_OR_RETURN(int64_t v, c.Integer(col));
    if (v > 1'000'000 || v < -1'000'000) {
      return absl::InvalidArgumentError(absl::StrCat("column ", col, ": out of range"));
    }
    const int32_t n = static_cast<int32_t>(v);
    if (absl::string_view(col) == "participants_count") t->set_participants_count(n);
    if (absl::string_view(col) == "completed_count") t->set_completed_count(n);
    if (absl::string_view(col) == "certificates_count") t->set_certificates_count(n);
  }
  UNGGUL_ASSIGN_OR_RETURN(int scheme,
                          c.Enum(v1::CertificateScheme_descriptor(), "certificate_scheme"));
  t->set_certificate_scheme(static_cast<v1::CertificateScheme>(scheme));
  return record;
}

absl::StatusOr<v1::Record> LabourFromRow(const Cells& c) {
  v1::Record record;
  v1::MonthlyLabour* l = record.mutable_labour();
  l->set_report_id(c.Text("report_id"));
  l->set_product_id(c.Text("product_id"));
  l->set_month(c.Text("month"));
  UNGGUL_ASSIGN_OR_RETURN(int64_t distinct, c.Integer("distinct_inmates_engaged"));
  if (distinct > 1'000'000 || distinct < -1'000'000) {
    return absl::InvalidArgumentError("column distinct_inmates_engaged: out of range");
  }
  l->set_distinct_inmates_engaged(static_cast<int32_t>(distinct));
  UNGGUL_ASSIGN_OR_RETURN(double days, c.Number("inmate_person_days"));
  l->set_inmate_person_days(days);
  return record;
}

absl::StatusOr<v1::Record> ReturnFromRow(const Cells& c) {
  v1::Record record;
  v1::CustomerReturn* r = record.mutable_customer_return();
  r->set_return_id(c.Text("return_id"));
  r->set_product_id(c.Text("product_id"));
  r->set_sku_code(c.Text("sku_code"));
  r->set_return_date(c.Text("return_date"));
  UNGGUL_ASSIGN_OR_RETURN(double qty, c.Number("qty"));
  r->set_qty(qty);
  UNGGUL_ASSIGN_OR_RETURN(int unit, c.Enum(v1::Unit_descriptor(), "unit"));
  r->set_unit(static_cast<v1::Unit>(unit));
  UNGGUL_ASSIGN_OR_RETURN(int reason, c.Enum(v1::ReturnReason_descriptor(), "reason"));
  r->set_reason(static_cast<v1::ReturnReason>(reason));
  r->set_sale_id(c.Text("sale_id"));
  r->set_note(c.Text("note"));
  return record;
}

absl::StatusOr<v1::Record> SettlementFromRow(const Cells& c) {
  v1::Record record;
  v1::Settlement* s = record.mutable_settlement();
  s->set_settlement_id(c.Text("settlement_id"));
  s->set_product_id(c.Text("product_id"));
  s->set_period_start(c.Text("period_start"));
  s->set_period_end(c.Text("period_end"));
  UNGGUL_ASSIGN_OR_RETURN(int64_t gross, c.Integer("gross_sales_idr"));
  s->set_gross_sales_idr(gross);
  UNGGUL_ASSIGN_OR_RETURN(int64_t cogs, c.Integer("cogs_idr"));
  s->set_cogs_idr(cogs);
  UNGGUL_ASSIGN_OR_RETURN(int64_t net, c.Integer("net_profit_idr"));
  s->set_net_profit_idr(net);
  UNGGUL_ASSIGN_OR_RETURN(int64_t premi, c.Integer("premi_total_idr"));
  s->set_premi_total_idr(premi);
  UNGGUL_ASSIGN_OR_RETURN(int64_t pnbp, c.Integer("pnbp_deposited_idr"));
  s->set_pnbp_deposited_idr(pnbp);
  s->set_billing_code(c.Text("billing_code"));
  s->set_ntpn(c.Text("ntpn"));
  UNGGUL_ASSIGN_OR_RETURN(int64_t capital, c.Integer("capital_retained_idr"));
  s->set_capital_retained_idr(capital);
  return record;
}

}  // namespace

absl::string_view ImportKindName(ImportKind kind) {
  switch (kind) {
    case ImportKind::kProducts:
      return "products";
    case ImportKind::kBatches:
      return "batches";
    case ImportKind::kSales:
      return "sales";
    case ImportKind::kCertifications:
      return "certifications";
    case ImportKind::kTrainings:
      return "trainings";
    case ImportKind::kLabour:
      return "labour";
    case ImportKind::kSettlements:
      return "settlements";
    case ImportKind::kReturns:
      return "returns";
  }
  return "records";
}

absl::StatusOr<ImportKind> ParseImportKind(absl::string_view name) {
  for (ImportKind kind : AllImportKinds()) {
    if (name == ImportKindName(kind)) return kind;
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "kind: must be products, batches, sales, certifications, trainings, labour, settlements or "
      "returns, got \"",
      name, "\""));
}

const std::vector<ImportKind>& AllImportKinds() {
  static const auto* kinds = new std::vector<ImportKind>{
      ImportKind::kProducts,    ImportKind::kCertifications, ImportKind::kTrainings,
      ImportKind::kBatches,     ImportKind::kSales,          ImportKind::kLabour,
      ImportKind::kSettlements, ImportKind::kReturns};
  return *kinds;
}

absl::StatusOr<ColumnIndex> ReadHeader(ImportKind kind, const CsvRow& header) {
  const Spec& spec = SpecFor(kind);
  ColumnIndex index;
  for (size_t i = 0; i < header.cells.size(); ++i) {
    const std::string name = absl::AsciiStrToLower(absl::StripAsciiWhitespace(header.cells[i]));
    if (std::find(spec.columns.begin(), spec.columns.end(), name) == spec.columns.end()) {
      return absl::InvalidArgumentError(
          absl::StrCat("line ", header.line, ": unknown column \"", name, "\" for ",
                       ImportKindName(kind), " (known: ", absl::StrJoin(spec.columns, ", "), ")"));
    }
    if (!index.emplace(name, i).second) {
      return absl::InvalidArgumentError(
          absl::StrCat("line ", header.line, ": column \"", name, "\" appears twice"));
    }
  }
  for (const std::string& required : spec.required) {
    if (index.find(required) == index.end()) {
      return absl::InvalidArgumentError(absl::StrCat("line ", header.line,
                                                     ": missing required column \"", required,
                                                     "\" for ", ImportKindName(kind)));
    }
  }
  return index;
}

absl::StatusOr<node::v1::Record> RecordFromRow(ImportKind kind, const ColumnIndex& columns,
                                               const CsvRow& row) {
  if (row.cells.size() > columns.size()) {
    return absl::InvalidArgumentError(
        absl::StrCat("row has ", row.cells.size(), " cells but the header has ", columns.size()));
  }
  const Cells cells(columns, row);
  switch (kind) {
    case ImportKind::kProducts:
      return ProductFromRow(cells);
    case ImportKind::kBatches:
      return BatchFromRow(cells);
    case ImportKind::kSales:
      return SaleFromRow(cells);
    case ImportKind::kCertifications:
      return CertificationFromRow(cells);
    case ImportKind::kTrainings:
      return TrainingFromRow(cells);
    case ImportKind::kLabour:
      return LabourFromRow(cells);
    case ImportKind::kSettlements:
      return SettlementFromRow(cells);
    case ImportKind::kReturns:
      return ReturnFromRow(cells);
  }
  return absl::InternalError("unknown import kind");
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

#include "services/cli/output.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "common/log/log.h"
#include "common/records/records.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/util/json_util.h"
#include "services/cli/record_csv.h"

namespace unggul::cli {
namespace {
namespace v1 = ::unggul::node::v1;
using google::protobuf::FieldDescriptor;
}  // namespace

std::string ToJson(const google::protobuf::Message& message) {
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  options.add_whitespace = true;
  std::string out;
  if (!google::protobuf::util::MessageToJsonString(message, &out, options).ok()) return "{}";
  return out;
}

std::string JsonQuote(const std::string& s) {
  std::string out;
  log::AppendJsonString(out, s);
  return out;
}

std::string RenderTable(const std::vector<std::string>& header,
                        const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> widths(header.size(), 0);
  auto measure = [&](const std::vector<std::string>& row) {
    for (size_t i = 0; i < row.size() && i < widths.size(); ++i) {
      widths[i] = std::max(widths[i], row[i].size());
    }
  };
  measure(header);
  for (const auto& row : rows) measure(row);
  std::string out;
  auto emit = [&](const std::vector<std::string>& row) {
    std::string line;
    for (size_t i = 0; i < widths.size(); ++i) {
      const std::string cell = i < row.size() ? row[i] : "";
      line += cell;
      if (i + 1 < widths.size()) line += std::string(widths[i] - cell.size() + 2, ' ');
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
  };
  emit(header);
  for (const auto& row : rows) emit(row);
  return out;
}

std::string RenderDetail(const google::protobuf::Message& message) {
  const google::protobuf::Reflection* r = message.GetReflection();
  std::vector<const FieldDescriptor*> fields;
  r->ListFields(message, &fields);
  std::vector<std::vector<std::string>> rows;
  for (const FieldDescriptor* f : fields) {
    std::string value;
    if (f->is_repeated() || f->type() == FieldDescriptor::TYPE_MESSAGE) {
      if (f->is_repeated() && f->type() != FieldDescriptor::TYPE_MESSAGE) {
        std::vector<std::string> items;
        for (int i = 0; i < r->FieldSize(message, f); ++i) {
          items.push_back(r->GetRepeatedString(message, f, i));
        }
        value = absl::StrJoin(items, ", ");
      } else if (f->is_repeated()) {
        std::vector<std::string> items;
        for (int i = 0; i < r->FieldSize(message, f); ++i) {
          std::string json = ToJson(r->GetRepeatedMessage(message, f, i));
          json.erase(std::remove(json.begin(), json.end(), '\n'), json.end());
          items.push_back(json);
        }
        value = absl::StrJoin(items, "\n" + std::string(24, ' '));
      } else {
        value = ToJson(r->GetMessage(message, f));
        value.erase(std::remove(value.begin(), value.end(), '\n'), value.end());
      }
    } else {
      switch (f->cpp_type()) {
        case FieldDescriptor::CPPTYPE_STRING:
          value = r->GetString(message, f);
          break;
        case FieldDescriptor::CPPTYPE_INT32:
          value = absl::StrCat(r->GetInt32(message, f));
          break;
        case FieldDescriptor::CPPTYPE_INT64:
          value = absl::StrCat(r->GetInt64(message, f));
          break;
        case FieldDescriptor::CPPTYPE_UINT32:
          value = absl::StrCat(r->GetUInt32(message, f));
          break;
        case FieldDescriptor::CPPTYPE_UINT64:
          value = absl::StrCat(r->GetUInt64(message, f));
          break;
        case FieldDescriptor::CPPTYPE_DOUBLE:
          value = FormatQty(r->GetDouble(message, f));
          break;
        case FieldDescriptor::CPPTYPE_FLOAT:
          value = FormatQty(r->GetFloat(message, f));
          break;
        case FieldDescriptor::CPPTYPE_BOOL:
          value = r->GetBool(message, f) ? "true" : "false";
          break;
        case FieldDescriptor::CPPTYPE_ENUM:
          value = EnumShortName(f->enum_type(), r->GetEnumValue(message, f));
          break;
        default:
          break;
      }
    }
    rows.push_back({f->name(), value});
  }
  std::string out;
  for (const auto& row : rows) out += absl::StrFormat("%-22s  %s\n", row[0], row[1]);
  return out;
}

std::string FormatQty(double v) { return absl::StrFormat("%.10g", v); }

std::string FormatIdr(int64_t v) {
  std::string digits = absl::StrCat(v < 0 ? -v : v);
  std::string out;
  int n = 0;
  for (auto it = digits.rbegin(); it != digits.rend(); ++it) {
    if (n > 0 && n % 3 == 0) out.push_back('.');
    out.push_back(*it);
    ++n;
  }
  if (v < 0) out.push_back('-');
  std::reverse(out.begin(), out.end());
  return out;
}

std::string RenderNodeInfo(const v1::NodeInfo& info) {
  v1::NodeInfo top = info;
  top.clear_counts();
  top.clear_digest();
  top.clear_sync();
  top.clear_last_seq();
  std::string out = RenderDetail(top);
  out += absl::StrFormat("%-22s  %d\n", "last_seq", info.last_seq());  // also when 0
  out += absl::StrFormat("%-22s  %s\n", "digest", DigestString(info.digest()));
  if (!info.sync().aggregator_addr().empty()) {
    const v1::SyncStatus& s = info.sync();
    out += absl::StrFormat("%-22s  %s\n", "sync.aggregator", s.aggregator_addr());
    out += absl::StrFormat("%-22s  %s\n", "sync.connected", s.connected() ? "true" : "false");
    out += absl::StrFormat("%-22s  %d\n", "sync.acked_seq", s.acked_seq());
    out += absl::StrFormat("%-22s  %d\n", "sync.lag", s.lag());
    out += absl::StrFormat("%-22s  %d\n", "sync.connect_attempts", s.connects());
    out += absl::StrFormat("%-22s  %d\n", "sync.snapshots_sent", s.snapshots_sent());
    if (!s.last_error().empty()) {
      out += absl::StrFormat("%-22s  %s\n", "sync.last_error", s.last_error());
    }
  } else {
    out += absl::StrFormat("%-22s  %s\n", "sync", "off");
  }
  const v1::RecordCounts& c = info.counts();
  for (const auto& [name, value] :
       std::vector<std::pair<const char*, int64_t>>{{"products", c.products()},
                                                    {"batches", c.batches()},
                                                    {"sales", c.sales()},
                                                    {"certifications", c.certifications()},
                                                    {"trainings", c.trainings()},
                                                    {"labour_reports", c.labour_reports()},
                                                    {"settlements", c.settlements()},
                                                    {"customer_returns", c.customer_returns()},
                                                    {"exhibitions", c.exhibitions()}}) {
    out += absl::StrFormat("%-22s  %d\n", name, value);
  }
  return out;
}

std::string LastSeen(int64_t last_seen_unix_ms, absl::Time now) {
  if (last_seen_unix_ms <= 0) return "NEVER";
  const absl::Duration ago =
      std::max(absl::ZeroDuration(), now - absl::FromUnixMillis(last_seen_unix_ms));
  if (ago < absl::Minutes(1)) return "baru saja";
  if (ago < absl::Hours(1)) return absl::StrCat(absl::ToInt64Minutes(ago), " menit lalu");
  if (ago < absl::Hours(24)) return absl::StrCat(absl::ToInt64Hours(ago), " jam lalu");
  return absl::StrCat(absl::ToInt64Hours(ago) / 24, " hari lalu");
}

std::string RenderUpts(const kanwil::v1::ListUptsResponse& upts, absl::Time now, int silent_days) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> silent;
  for (const kanwil::v1::UptStatus& u : upts.upts()) {
    const bool quiet =
        u.last_seen_unix_ms() <= 0 ||
        now - absl::FromUnixMillis(u.last_seen_unix_ms()) > absl::Hours(24) * silent_days;
    if (quiet && !u.connected()) silent.push_back(u.upt_code());
    std::string name = u.official_name();
    if (name.size() > 32) name = name.substr(0, 31) + "~";
    rows.push_back(
        {u.upt_code(), u.connected() ? "yes" : "no", LastSeen(u.last_seen_unix_ms(), now),
         u.incarnation_id().empty() ? "-" : u.incarnation_id().substr(0, 8), absl::StrCat(u.hwm()),
         absl::StrCat(u.node_last_seq()), absl::StrCat(u.lag()), absl::StrCat(u.products()),
         name.empty() ? "-" : name, DigestString(u.digest())});
  }
  std::string out =
      RenderTable({"UPT", "CONNECTED", "LAST_SEEN", "INCARNATION", "HWM", "NODE_SEQ", "LAG",
                   "PRODUCTS", "NAME", "DIGEST"},
                  rows) +
      absl::StrFormat("registry version %d, %d UPTs\n", upts.registry_version(), upts.upts_size());
  if (!silent.empty()) {
    absl::StrAppend(&out, "SILENT (not heard for more than ", silent_days,
                    " days, or never): ", absl::StrJoin(silent, ", "), "\n");
  }
  for (const kanwil::v1::UptStatus& u : upts.upts()) {
    if (u.sync_alarms() > 0) {
      absl::StrAppend(&out, "SYNC ALARM ", u.upt_code(), " (", u.sync_alarms(),
                      " since start): ", u.sync_alarm(), "\n");
    }
  }
  return out;
}

std::string RenderKanwilProduct(const kanwil::v1::GetProductResponse& product) {
  std::string out = RenderDetail(product.product());
  std::vector<std::vector<std::string>> rows;
  for (const kanwil::v1::MonthlyRollup& m : product.months()) {
    rows.push_back({m.month(), absl::StrCat(m.batches()), FormatQty(m.qty_produced()),
                    FormatQty(m.qty_rejected()), FormatQty(m.inmate_person_days()),
                    absl::StrCat(m.sales()), FormatIdr(m.revenue_idr()),
                    FormatIdr(m.local_input_cost_idr()), absl::StrCat(m.certifications()),
                    absl::StrCat(m.training_participants())});
  }
  out += "\n" + RenderTable({"MONTH", "BATCHES", "PRODUCED", "REJECTED", "PERSON_DAYS", "SALES",
                             "REVENUE_IDR", "LOCAL_INPUT_IDR", "CERTS", "TRAINED"},
                            rows);
  return out;
}

namespace {
std::string Pillar(const kanwil::v1::ProductScore& s, const std::string& code) {
  for (const kanwil::v1::PillarScore& p : s.pillars()) {
    if (p.pillar() == code) return absl::StrFormat("%.1f", p.score());
  }
  return "-";
}
std::string StandingName(kanwil::v1::Standing s) {
  return kanwil::v1::Standing_Name(s).substr(sizeof("STANDING_") - 1);
}
std::string DesignationStatusName(kanwil::v1::DesignationStatus s) {
  return kanwil::v1::DesignationStatus_Name(s).substr(sizeof("DESIGNATION_STATUS_") - 1);
}
}  // namespace

std::string WhyNotRanked(const kanwil::v1::ProductScore& s) {
  if (s.standing() == kanwil::v1::STANDING_RANKED) return "";
  std::vector<std::string> reasons;
  for (const kanwil::v1::GateResult& g : s.gates()) {
    if (!g.passed()) reasons.push_back(absl::StrCat("gate ", g.gate(), ": ", g.reason()));
  }
  for (const kanwil::v1::FloorResult& f : s.floors()) {
    if (!f.passed()) {
      reasons.push_back(
          absl::StrFormat("floor %s %.1f < %.1f", f.floor(), f.actual(), f.required()));
    }
  }
  if (reasons.empty()) return "";
  std::string out = reasons.front();
  if (out.size() > 60) out = out.substr(0, 59) + "~";
  if (reasons.size() > 1) absl::StrAppend(&out, " (+", reasons.size() - 1, " more)");
  return out;
}

std::string FormatRupiah(double amount) {
  const bool negative = amount < 0;
  std::string digits = absl::StrCat(static_cast<int64_t>(std::llround(std::fabs(amount))));
  for (int i = static_cast<int>(digits.size()) - 3; i > 0; i -= 3) digits.insert(i, ".");
  return absl::StrCat(negative ? "-Rp " : "Rp ", digits);
}

std::string RenderRanking(const kanwil::v1::Ranking& ranking) {
  std::vector<std::vector<std::string>> rows;
  int eligible = 0;
  for (const kanwil::v1::ProductScore& s : ranking.products()) {
    if (s.standing() != kanwil::v1::STANDING_INELIGIBLE) ++eligible;
    rows.push_back({s.rank() > 0 ? absl::StrCat(s.rank()) : "-", s.product_id(), s.name(),
                    absl::StrFormat("%.1f", s.total()), Pillar(s, "A"), Pillar(s, "B"),
                    Pillar(s, "C"), Pillar(s, "D"), std::string(std::max(0, s.stars()), '*'),
                    StandingName(s.standing()), WhyNotRanked(s)});
  }
  // The months always, the label too when it says it differently (a calendar year: "2026").
  const std::string months =
      absl::StrCat(ranking.period().start_month(), "..", ranking.period().end_month());
  const std::string period = ranking.period().label() == months
                                 ? months
                                 : absl::StrCat(ranking.period().label(), " (", months, ")");
  std::string model = ranking.model_version();
  if (!ranking.model_hash().empty()) {
    absl::StrAppend(&model, ", sha256 ", ranking.model_hash().substr(0, 12));
  }
  std::string out = absl::StrFormat("SPUP ranking, period %s (model %s)\n", period, model);
  if (ranking.products_size() == 0) {
    return out + absl::StrFormat("No product in %s (no data for this period yet?)\n", period);
  }
  out += RenderTable({"RANK", "PRODUCT_ID", "NAME", "TOTAL", "A/25", "B/27", "C/28", "D/20",
                      "STARS", "STANDING", "WHY_NOT_RANKED"},
                     rows);
  if (ranking.products_size() < ranking.total_products()) {
    out += absl::StrFormat("(first %d of %d products; --limit 0 shows all)\n",
                           ranking.products_size(), ranking.total_products());
  }
  // The pillar columns, named as the model names them.
  std::vector<std::string> legend;
  for (const kanwil::v1::PillarScore& p : ranking.products(0).pillars()) {
    legend.push_back(absl::StrFormat("%s = %s (max %.0f)", p.pillar(), p.name(), p.max()));
  }
  if (!legend.empty()) out += absl::StrCat("pillars: ", absl::StrJoin(legend, "; "), "\n");
  if (eligible == 0) {
    out += absl::StrFormat(
        "WARNING: no product passes the gates in %s: every product is INELIGIBLE (a period "
        "in the future, or labour reports not verified yet?)\n",
        period);
  }
  std::vector<std::string> moved;
  for (const kanwil::v1::SensitivityResult& p : ranking.sensitivity()) {
    out += absl::StrFormat("profile %-10s top: %s%s\n", p.profile(),
                           absl::StrJoin(p.top_product_ids(), ", "),
                           p.top_set_changed() ? "  (top set CHANGES)" : "  (top set unchanged)");
    if (p.top_set_changed()) moved.push_back(p.profile());
  }
  if (!ranking.sensitivity().empty()) {
    out += moved.empty()
               ? absl::StrFormat("sensitivity: the top %d is the same under every profile\n",
                                 ranking.top_product_ids_size())
               : absl::StrFormat("sensitivity: the top %d CHANGES under %s\n",
                                 ranking.top_product_ids_size(), absl::StrJoin(moved, ", "));
  }
  return out;
}

std::string RenderProductScore(const kanwil::v1::ProductScore& s) {
  const std::string why = WhyNotRanked(s);
  std::string out = absl::StrFormat(
      "%s (%s): total %.1f, %d stars, %s, %s%s\n", s.product_id(), s.upt_code(), s.total(),
      s.stars(), s.rank() > 0 ? absl::StrCat("rank ", s.rank()) : "not ranked",
      StandingName(s.standing()), why.empty() ? "" : absl::StrCat(" (", why, ")"));
  std::vector<std::vector<std::string>> gates;
  for (const kanwil::v1::GateResult& g : s.gates()) {
    gates.push_back({g.gate(), g.passed() ? "pass" : "FAIL", g.reason()});
  }
  out += RenderTable({"GATE", "RESULT", "REASON"}, gates);
  std::vector<std::vector<std::string>> floors;
  for (const kanwil::v1::FloorResult& f : s.floors()) {
    floors.push_back({f.floor(), f.passed() ? "pass" : "FAIL",
                      absl::StrFormat("%.1f (needs %.1f)", f.actual(), f.required())});
  }
  if (!floors.empty()) out += RenderTable({"FLOOR", "RESULT", "POINTS"}, floors);
  std::vector<std::vector<std::string>> pillars;
  for (const kanwil::v1::PillarScore& p : s.pillars()) {
    pillars.push_back({p.pillar(), p.name(), absl::StrFormat("%.1f / %.0f", p.score(), p.max())});
  }
  if (!pillars.empty()) out += RenderTable({"PILLAR", "NAME", "SCORE"}, pillars);
  std::vector<std::vector<std::string>> rows;
  for (const kanwil::v1::IndicatorScore& i : s.indicators()) {
    rows.push_back(
        {i.code(), i.name(),
         i.unit() == "IDR" ? FormatRupiah(i.raw_value()) : absl::StrFormat("%.4g", i.raw_value()),
         i.unit(), absl::StrFormat("%.3f", i.normalised()), absl::StrFormat("%.2g", i.weight()),
         absl::StrFormat("%.2f", i.contribution()), i.missing() ? "MISSING" : "", i.note()});
  }
  out += RenderTable({"IND", "NAME", "RAW", "UNIT", "NORM", "WEIGHT", "CONTRIB", "", "NOTE"}, rows);
  return out;
}

std::string RenderProductMap(const kanwil::v1::ProductMap& map) {
  std::vector<std::vector<std::string>> rows;
  for (const kanwil::v1::ProductMapCell& c : map.cells()) {
    rows.push_back({EnumShortName(v1::Category_descriptor(), c.category()), c.upt_code(),
                    absl::StrCat(c.products()), absl::StrCat(c.ranked()),
                    absl::StrFormat("%.1f", c.best_total()), c.best_product_id()});
  }
  return absl::StrFormat("Pemetaan produk, period %s\n", map.period().label()) +
         RenderTable({"CATEGORY", "UPT", "PRODUCTS", "RANKED", "BEST", "BEST_PRODUCT"}, rows);
}

std::string RenderIncidents(const std::vector<kanwil::v1::Incident>& incidents) {
  std::vector<std::vector<std::string>> rows;
  for (const kanwil::v1::Incident& i : incidents) {
    rows.push_back({i.incident_id(), i.product_id(),
                    EnumShortName(kanwil::v1::IncidentKind_descriptor(), i.kind()), i.reference(),
                    i.opened_date(), i.closed_date().empty() ? "OPEN" : i.closed_date(),
                    i.recorded_by()});
  }
  return RenderTable({"INCIDENT_ID", "PRODUCT_ID", "KIND", "REFERENCE", "OPENED", "CLOSED", "BY"},
                     rows);
}

std::string RenderDesignations(const kanwil::v1::ListDesignationsResponse& list) {
  std::vector<std::vector<std::string>> rows;
  for (const kanwil::v1::Designation& d : list.designations()) {
    rows.push_back({d.designation_id(), d.product_id(),
                    kanwil::v1::DesignationLevel_Name(d.level()).substr(18),
                    DesignationStatusName(d.status()), d.period_label(),
                    absl::StrFormat("%.1f", d.frozen_score().total()),
                    d.valid_until().empty() ? "-" : d.valid_until(), d.title()});
  }
  return RenderTable({"DESIGNATION", "PRODUCT", "LEVEL", "STATUS", "PERIOD", "SCORE", "VALID_UNTIL",
                      "TITLE"},
                     rows) +
         absl::StrFormat("publication revision %d\n", list.publication_revision());
}

std::string RenderDesignation(const kanwil::v1::Designation& d) {
  return absl::StrFormat("%s  %s  %s  %s  v%d  %s\n", d.designation_id(), d.product_id(),
                         DesignationStatusName(d.status()), d.period_label(), d.version(),
                         d.title());
}

std::string RenderNotices(const v1::ListDesignationsResponse& list) {
  std::vector<std::vector<std::string>> rows;
  for (const v1::DesignationNotice& n : list.designations()) {
    rows.push_back({n.product_id(), n.status(), n.level(), n.title(),
                    absl::StrFormat("%.1f", n.total_score()),
                    std::string(std::max(0, n.stars()), '*'), n.decree_number(), n.valid_until(),
                    absl::StrCat(n.revision())});
  }
  return RenderTable(
      {"PRODUCT", "STATUS", "LEVEL", "TITLE", "SCORE", "STARS", "DECREE", "VALID_UNTIL", "REV"},
      rows);
}

std::vector<std::string> ListHeader(const RecordKindInfo& kind) {
  std::vector<std::string> header;
  for (int i = 0; i < kind.message->field_count(); ++i) {
    const std::string& title = kind.message->field(i)->options().GetExtension(v1::list_column);
    if (!title.empty()) header.push_back(title);
  }
  return header;
}

std::vector<std::string> ListRow(const RecordKindInfo& kind,
                                 const google::protobuf::Message& record) {
  using google::protobuf::FieldDescriptor;
  const google::protobuf::Reflection* r = record.GetReflection();
  const bool small_cell =
      kind.small_cell_flag != nullptr && r->GetBool(record, kind.small_cell_flag);
  std::vector<std::string> row;
  for (int i = 0; i < kind.message->field_count(); ++i) {
    const FieldDescriptor* field = kind.message->field(i);
    if (field->options().GetExtension(v1::list_column).empty()) continue;
    std::string cell;
    if (field->is_repeated()) {
      std::vector<std::string> items;
      for (int k = 0; k < r->FieldSize(record, field); ++k) {
        if (field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
          const google::protobuf::Message& item = r->GetRepeatedMessage(record, field, k);
          items.push_back(CellOf(item, item.GetDescriptor()->field(0)));
        } else if (field->cpp_type() == FieldDescriptor::CPPTYPE_STRING) {
          items.push_back(r->GetRepeatedString(record, field, k));
        }
      }
      cell = absl::StrJoin(items, ",");
    } else {
      switch (field->cpp_type()) {
        case FieldDescriptor::CPPTYPE_DOUBLE:
          cell = FormatQty(r->GetDouble(record, field));
          break;
        case FieldDescriptor::CPPTYPE_FLOAT:
          cell = FormatQty(r->GetFloat(record, field));
          break;
        case FieldDescriptor::CPPTYPE_INT64:
          cell = absl::EndsWith(field->name(), "_idr") ? FormatIdr(r->GetInt64(record, field))
                                                       : absl::StrCat(r->GetInt64(record, field));
          break;
        case FieldDescriptor::CPPTYPE_INT32:
          cell = absl::StrCat(r->GetInt32(record, field));
          if (small_cell && field->options().GetExtension(v1::small_cell_count) &&
              r->GetInt32(record, field) == 1) {
            absl::StrAppend(&cell, " (1-2)");
          }
          break;
        case FieldDescriptor::CPPTYPE_ENUM:
          cell = EnumShortName(field->enum_type(), r->GetEnumValue(record, field));
          break;
        default:
          cell = CellOf(record, field);
      }
    }
    row.push_back(cell.empty() ? "-" : cell);
  }
  return row;
}

}  // namespace unggul::cli

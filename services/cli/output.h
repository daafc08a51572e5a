#pragma once

// Rendering for unggulctl: aligned text tables, a field-per-line detail view, and JSON
// (snake_case field names, enums by full name). Thread-safe, no state.

#include <string>
#include <vector>

#include "absl/time/time.h"
#include "common/records/kinds.h"
#include "google/protobuf/message.h"
#include "unggul/kanwil/v1/dashboard.pb.h"
#include "unggul/kanwil/v1/designation.pb.h"
#include "unggul/node/v1/node_service.pb.h"

namespace unggul::cli {

std::string ToJson(const google::protobuf::Message& message);
// JSON string literal of `s`, quotes included.
std::string JsonQuote(const std::string& s);

std::string RenderTable(const std::vector<std::string>& header,
                        const std::vector<std::vector<std::string>>& rows);
// "field  value" lines for every set field; enums by short name, nested messages as JSON.
std::string RenderDetail(const google::protobuf::Message& message);

// NodeInfo as "field  value" lines with the counts flattened (products, batches, ...).
std::string RenderNodeInfo(const node::v1::NodeInfo& info);

// Kanwil views.
// The UPT table: LAST_SEEN relative to `now` in Indonesian ("baru saja", "5 menit lalu",
// "3 jam lalu", "3 hari lalu", NEVER), the official name, and a SILENT line naming the UPTs not
// connected and not heard for more than `silent_days` days (or never).
std::string RenderUpts(const kanwil::v1::ListUptsResponse& upts, absl::Time now, int silent_days);
// "3 hari lalu" etc. as above; NEVER for 0.
std::string LastSeen(int64_t last_seen_unix_ms, absl::Time now);
std::string RenderKanwilProduct(const kanwil::v1::GetProductResponse& product);
std::string RenderRanking(const kanwil::v1::Ranking& ranking);
std::string RenderProductScore(const kanwil::v1::ProductScore& score);
std::string RenderProductMap(const kanwil::v1::ProductMap& map);
std::string RenderIncidents(const std::vector<kanwil::v1::Incident>& incidents);
std::string RenderDesignations(const kanwil::v1::ListDesignationsResponse& list);
std::string RenderDesignation(const kanwil::v1::Designation& d);
std::string RenderNotices(const node::v1::ListDesignationsResponse& list);

// List tables of a record kind: one column per field marked (list_column) in records.proto, in
// field order, titled by the option. Cells: text ("-" when empty), decimals as FormatQty, *_idr
// amounts as FormatIdr, enums by short name, repeated fields joined by "," (messages by their first
// field), small-cell counts marked " (1-2)" when the record's small-cell flag is set.
std::vector<std::string> ListHeader(const RecordKindInfo& kind);
// `record` is the kind's message (a ProductionBatch, not the Record around it).
std::vector<std::string> ListRow(const RecordKindInfo& kind,
                                 const google::protobuf::Message& record);

// A decimal as a person writes it: 22.5, 100, 0.25.
std::string FormatQty(double v);
// Rupiah with '.' thousands separators: 1.250.000.
std::string FormatIdr(int64_t v);

}  // namespace unggul::cli

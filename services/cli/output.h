#pragma once

// Rendering for unggulctl: aligned text tables, a field-per-line detail view, and JSON
// (snake_case field names, enums by full name). Thread-safe, no state.

#include <string>
#include <vector>

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
std::string RenderUpts(const kanwil::v1::ListUptsResponse& upts);
std::string RenderKanwilProduct(const kanwil::v1::GetProductResponse& product);
std::string RenderRanking(const kanwil::v1::Ranking& ranking);
std::string RenderProductScore(const kanwil::v1::ProductScore& score);
std::string RenderProductMap(const kanwil::v1::ProductMap& map);
std::string RenderIncidents(const std::vector<kanwil::v1::Incident>& incidents);
std::string RenderDesignations(const kanwil::v1::ListDesignationsResponse& list);
std::string RenderDesignation(const kanwil::v1::Designation& d);
std::string RenderNotices(const node::v1::ListDesignationsResponse& list);

std::vector<std::string> ProductHeader();
std::vector<std::string> ProductRow(const node::v1::Product& p);
std::vector<std::string> BatchHeader();
std::vector<std::string> BatchRow(const node::v1::ProductionBatch& b);
std::vector<std::string> SaleHeader();
std::vector<std::string> SaleRow(const node::v1::Sale& s);
std::vector<std::string> CertificationHeader();
std::vector<std::string> CertificationRow(const node::v1::Certification& c);
std::vector<std::string> ReturnHeader();
std::vector<std::string> ReturnRow(const node::v1::CustomerReturn& r);
std::vector<std::string> SettlementHeader();
std::vector<std::string> SettlementRow(const node::v1::Settlement& s);
std::vector<std::string> LabourHeader();
std::vector<std::string> LabourRow(const node::v1::MonthlyLabour& l);
std::vector<std::string> TrainingHeader();
std::vector<std::string> TrainingRow(const node::v1::Training& t);

// A decimal as a person writes it: 22.5, 100, 0.25.
std::string FormatQty(double v);
// Rupiah with '.' thousands separators: 1.250.000.
std::string FormatIdr(int64_t v);

}  // namespace unggul::cli

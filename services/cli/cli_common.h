#pragma once

// Helpers the unggulctl commands share: reading a record given as JSON, printing one record or a
// list of them (table or JSON by --output), fetching every page of a list, and the flag sets of
// the write and list commands. Thread-compatible.

#include <iostream>
#include <string>
#include <utility>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/records/kinds.h"
#include "common/status/status_macros.h"
#include "google/protobuf/message.h"
#include "services/cli/cli_context.h"
#include "services/cli/output.h"
#include "unggul/node/v1/node_service.pb.h"

namespace unggul::cli {

// The whole file at `path`; NotFound "cannot read <path>".
absl::StatusOr<std::string> ReadFile(const std::string& path);

// A record from --json TEXT or --file PATH (JSON, snake_case or lowerCamel field names).
absl::Status ParseRecordJson(const std::string& json, const std::string& file,
                             google::protobuf::Message* out);

// The kind's message of a Record (a ProductionBatch), or the message itself when it is one.
const google::protobuf::Message& KindMessage(const RecordKindInfo& kind,
                                             const google::protobuf::Message& m);

// `record` as "field  value" lines (with "(written)" or "(already recorded; nothing written)"
// after a write), or the whole response as JSON.
void PrintRecord(const CliContext& ctx, const google::protobuf::Message& response,
                 const google::protobuf::Message& record, bool replayed, bool is_write);

// A table of records of `kind` (`items` are the kind's messages), or the response as JSON.
template <typename Response, typename Items>
void PrintList(const CliContext& ctx, const Response& response, const Items& items,
               const RecordKindInfo& kind) {
  if (ctx.json()) {
    std::cout << ToJson(response) << "\n";
    return;
  }
  std::vector<std::vector<std::string>> rows;
  for (const auto& item : items) rows.push_back(ListRow(kind, KindMessage(kind, item)));
  std::cout << RenderTable(ListHeader(kind), rows);
  if (!response.next_page_token().empty()) {
    std::cout << "next page: --page-token " << response.next_page_token() << "\n";
  }
}

// Fetches every page when `all`, merging the items into the first response.
template <typename Response, typename Request, typename Fetch, typename Items>
absl::StatusOr<Response> FetchPages(Request request, bool all, Fetch fetch, Items items) {
  UNGGUL_ASSIGN_OR_RETURN(Response first, fetch(request));
  for (int pages = 1; all && !first.next_page_token().empty() && pages < 100000; ++pages) {
    request.set_page_token(first.next_page_token());
    UNGGUL_ASSIGN_OR_RETURN(Response next, fetch(request));
    for (auto& item : *items(next)) *items(first)->Add() = std::move(item);
    first.set_next_page_token(next.next_page_token());
  }
  return first;
}

// --product/--from/--to (optional), --page-size, --page-token and --all of a list command.
struct ListFlags {
  std::string product;
  std::string from;
  std::string to;
  int page_size = 0;
  std::string page_token;
  bool all = false;

  void Add(CLI::App* cmd, bool with_product_filters);
  node::v1::ListRecordsRequest Request() const;
};

// --json, --file and --request-id of a command that writes a record.
struct WriteFlags {
  std::string json;
  std::string file;
  std::string request_id;

  void Add(CLI::App* cmd, const std::string& what);
};

}  // namespace unggul::cli

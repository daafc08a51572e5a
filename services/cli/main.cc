// unggulctl: the command-line client of Unggul (UPT node API for now; the Kanwil dashboard API
// joins when the aggregator exists). Exit codes: 0 ok, 1 the call failed (message names the
// gRPC code), 2 usage error, 3 import finished with rejected rows.

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/time/time.h"
#include "common/records/kinds.h"
#include "common/records/records.h"
#include "common/status/status_macros.h"
#include "common/time/clock.h"
#include "common/time/dates.h"
#include "google/protobuf/util/json_util.h"
#include "services/cli/fixture.h"
#include "services/cli/importer.h"
#include "services/cli/kanwil_client.h"
#include "services/cli/node_client.h"
#include "services/cli/output.h"
#include "services/cli/record_csv.h"

namespace unggul::cli {
namespace {

namespace v1 = ::unggul::node::v1;

struct Globals {
  std::string addr = "127.0.0.1:7401";
  std::string output = "table";
  double timeout_seconds = 10;
  bool json() const { return output == "json"; }
};

// Exit code of the whole program, set by commands that succeed partially.
int g_exit_code = 0;

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// A record from --json TEXT or --file PATH (JSON, snake_case or lowerCamel field names).
absl::Status ParseRecordJson(const std::string& json, const std::string& file,
                             google::protobuf::Message* out) {
  std::string text = json;
  if (text.empty() && !file.empty()) {
    UNGGUL_ASSIGN_OR_RETURN(text, ReadFile(file));
  }
  if (text.empty()) return absl::InvalidArgumentError("give the record with --json or --file");
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  const auto s = google::protobuf::util::JsonStringToMessage(text, out, options);
  if (!s.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("record JSON: ", s.message().as_string()));
  }
  return absl::OkStatus();
}

// The kind's message of a Record (a ProductionBatch), or the message itself when it is one.
const google::protobuf::Message& KindMessage(const RecordKindInfo& kind,
                                             const google::protobuf::Message& m) {
  if (m.GetDescriptor() != v1::Record::descriptor()) return m;
  return m.GetReflection()->GetMessage(m, kind.field);
}

void PrintRecord(const Globals& g, const google::protobuf::Message& response,
                 const google::protobuf::Message& record, bool replayed, bool is_write) {
  if (g.json()) {
    std::cout << ToJson(response) << "\n";
    return;
  }
  std::cout << RenderDetail(record);
  if (is_write) std::cout << (replayed ? "(already recorded; nothing written)\n" : "(written)\n");
}

// A table of records of `kind` (`items` are the kind's messages), or the response as JSON.
template <typename Response, typename Items>
void PrintList(const Globals& g, const Response& response, const Items& items,
               const RecordKindInfo& kind) {
  if (g.json()) {
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

struct ListFlags {
  std::string product;
  std::string from;
  std::string to;
  int page_size = 0;
  std::string page_token;
  bool all = false;

  void Add(CLI::App* cmd, bool with_product_filters) {
    if (with_product_filters) {
      cmd->add_option("--product", product, "Only records of this product (date order)");
      cmd->add_option("--from", from, "First date, YYYY-MM-DD (inclusive)");
      cmd->add_option("--to", to, "Last date, YYYY-MM-DD (inclusive)");
    }
    cmd->add_option("--page-size", page_size, "Records per page, 1..1000 (default 100)");
    cmd->add_option("--page-token", page_token, "Token printed after the previous page");
    cmd->add_flag("--all", all, "Fetch every page");
  }
  v1::ListRecordsRequest Request() const {
    v1::ListRecordsRequest r;
    r.set_product_id(product);
    r.set_from_date(from);
    r.set_to_date(to);
    r.set_page_size(page_size);
    r.set_page_token(page_token);
    return r;
  }
};

struct WriteFlags {
  std::string json;
  std::string file;
  std::string request_id;
  void Add(CLI::App* cmd, const std::string& what) {
    cmd->add_option("--json", json, "The " + what + " as JSON (fields as in records.proto)");
    cmd->add_option("--file", file, "Read the " + what + " JSON from this file");
    cmd->add_option("--request-id", request_id,
                    "Idempotency key: a retry with the same key writes nothing twice");
  }
};

class ProgressBar {
 public:
  ProgressBar(std::string label, bool enabled) : label_(std::move(label)), enabled_(enabled) {}
  void Update(int done, int total) {
    if (!enabled_ || total <= 0) return;
    const int width = 30;
    const int filled = static_cast<int>(static_cast<int64_t>(done) * width / total);
    std::fprintf(stderr, "\r%-18s [%s%s] %d/%d", label_.c_str(), std::string(filled, '#').c_str(),
                 std::string(width - filled, '.').c_str(), done, total);
    if (done == total) std::fputc('\n', stderr);
    std::fflush(stderr);
  }

 private:
  std::string label_;
  bool enabled_;
};

absl::Status ImportFiles(const Globals& g, NodeClient& client,
                         const std::vector<std::pair<const RecordKindInfo*, std::string>>& files) {
  std::vector<std::string> json_files;
  int rejected = 0;
  for (const auto& [kind, path] : files) {
    UNGGUL_ASSIGN_OR_RETURN(std::string text, ReadFile(path));
    ProgressBar bar(std::string(kind->plural), !g.json() && isatty(STDERR_FILENO));
    absl::StatusOr<ImportReport> report =
        ImportCsv(*kind, text, client, [&](int done, int total) { bar.Update(done, total); });
    if (!report.ok()) {
      return absl::Status(report.status().code(),
                          absl::StrCat(path, ": ", report.status().message()));
    }
    rejected += static_cast<int>(report->errors.size());
    if (g.json()) {
      std::vector<std::string> errors;
      for (const RowError& e : report->errors) {
        errors.push_back(absl::StrCat("{\"line\": ", e.line, ", \"id\": ", JsonQuote(e.id),
                                      ", \"reason\": ", JsonQuote(e.reason), "}"));
      }
      json_files.push_back(absl::StrCat(
          "{\"file\": ", JsonQuote(path), ", \"kind\": \"", kind->plural,
          "\", \"rows\": ", report->rows, ", \"written\": ", report->written,
          ", \"replayed\": ", report->replayed, ", \"rejected\": ", report->errors.size(),
          ", \"errors\": [", absl::StrJoin(errors, ", "), "]}"));
    } else {
      std::cout << absl::StrFormat("%s: %d rows, %d written, %d already present, %d rejected\n",
                                   path, report->rows, report->written, report->replayed,
                                   report->errors.size());
      for (const RowError& e : report->errors) {
        std::cout << absl::StrFormat("  %s:%d: %s%s\n", path, e.line,
                                     e.id.empty() ? "" : e.id + ": ", e.reason);
      }
    }
  }
  if (g.json()) std::cout << "{\"files\": [" << absl::StrJoin(json_files, ", ") << "]}\n";
  if (rejected > 0) g_exit_code = 3;
  return absl::OkStatus();
}

bool Exists(const std::string& path) { return access(path.c_str(), R_OK) == 0; }

int Main(int argc, char** argv) {
  CLI::App app{"unggulctl: command-line client of Unggul (UPT node and Kanwil APIs)", "unggulctl"};
  app.require_subcommand(1);
  Globals g;
  app.add_option("--addr", g.addr, "Node address host:port")->capture_default_str();
  app.add_option("-o,--output", g.output, "Output: table or json")
      ->check(CLI::IsMember({"table", "json"}))
      ->capture_default_str();
  app.add_option("--timeout", g.timeout_seconds, "Seconds per call")->capture_default_str();
  static std::string token;
  app.add_option("--token", token,
                 "Bearer token for the Kanwil APIs (also from the UNGGUL_TOKEN environment)");

  std::function<absl::Status()> action;
  auto client = [&] { return NodeClient::Connect(g.addr, absl::Seconds(g.timeout_seconds)); };

  // info
  app.add_subcommand("info", "Node identity, changelog position and record counts")->callback([&] {
    action = [&]() -> absl::Status {
      UNGGUL_ASSIGN_OR_RETURN(v1::NodeInfo info, client()->GetNodeInfo());
      std::cout << (g.json() ? ToJson(info) + "\n" : RenderNodeInfo(info));
      return absl::OkStatus();
    };
  });

  // product
  CLI::App* product = app.add_subcommand("product", "Products of this UPT");
  product->require_subcommand(1);
  static WriteFlags pw;
  static int64_t expected_version = 0;
  static std::string id_arg, reason, category, status_filter;
  static ListFlags list_flags;
  CLI::App* pc = product->add_subcommand("create", "Register a product");
  pw.Add(pc, "product");
  pc->callback([&] {
    action = [&]() -> absl::Status {
      v1::CreateProductRequest req;
      UNGGUL_RETURN_IF_ERROR(ParseRecordJson(pw.json, pw.file, req.mutable_product()));
      req.set_request_id(pw.request_id);
      UNGGUL_ASSIGN_OR_RETURN(v1::ProductResponse r, client()->CreateProduct(req));
      PrintRecord(g, r, r.product(), r.replayed(), true);
      return absl::OkStatus();
    };
  });
  CLI::App* pu = product->add_subcommand("update", "Replace a product's fields and SKUs");
  pw.Add(pu, "product");
  pu->add_option("--expected-version", expected_version,
                 "Apply only if the stored version is this (else ABORTED)");
  pu->callback([&] {
    action = [&]() -> absl::Status {
      v1::UpdateProductRequest req;
      UNGGUL_RETURN_IF_ERROR(ParseRecordJson(pw.json, pw.file, req.mutable_product()));
      req.set_request_id(pw.request_id);
      req.set_expected_version(expected_version);
      UNGGUL_ASSIGN_OR_RETURN(v1::ProductResponse r, client()->UpdateProduct(req));
      PrintRecord(g, r, r.product(), r.replayed(), true);
      return absl::OkStatus();
    };
  });
  CLI::App* pg = product->add_subcommand("get", "Show one product");
  pg->add_option("product_id", id_arg, "Product id")->required();
  pg->callback([&] {
    action = [&]() -> absl::Status {
      v1::GetProductRequest req;
      req.set_product_id(id_arg);
      UNGGUL_ASSIGN_OR_RETURN(v1::ProductResponse r, client()->GetProduct(req));
      PrintRecord(g, r, r.product(), false, false);
      return absl::OkStatus();
    };
  });
  CLI::App* pl = product->add_subcommand("list", "List products");
  pl->add_option("--category", category, "Only this category, e.g. PANGAN_OLAHAN");
  pl->add_option("--status", status_filter, "Only this status: ACTIVE, PAUSED, DISCONTINUED");
  list_flags.Add(pl, false);
  pl->callback([&] {
    action = [&]() -> absl::Status {
      v1::ListProductsRequest req;
      UNGGUL_ASSIGN_OR_RETURN(int cat,
                              ParseEnumName(v1::Category_descriptor(), category, "--category"));
      UNGGUL_ASSIGN_OR_RETURN(
          int st, ParseEnumName(v1::ProductStatus_descriptor(), status_filter, "--status"));
      req.set_category(static_cast<v1::Category>(cat));
      req.set_status(static_cast<v1::ProductStatus>(st));
      req.set_page_size(list_flags.page_size);
      req.set_page_token(list_flags.page_token);
      auto c = client();
      UNGGUL_ASSIGN_OR_RETURN(
          v1::ListProductsResponse r,
          FetchPages<v1::ListProductsResponse>(
              req, list_flags.all,
              [&](const v1::ListProductsRequest& q) { return c->ListProducts(q); },
              [](v1::ListProductsResponse& x) { return x.mutable_products(); }));
      PrintList(g, r, r.products(), *FindRecordKind(static_cast<int>(RecordKind::kProduct)));
      return absl::OkStatus();
    };
  });
  CLI::App* pr = product->add_subcommand("retire", "Discontinue a product (terminal)");
  pr->add_option("product_id", id_arg, "Product id")->required();
  pr->add_option("--reason", reason, "Why it is retired")->required();
  pr->add_option("--request-id", pw.request_id, "Idempotency key");
  pr->callback([&] {
    action = [&]() -> absl::Status {
      v1::RetireProductRequest req;
      req.set_product_id(id_arg);
      req.set_reason(reason);
      req.set_request_id(pw.request_id);
      UNGGUL_ASSIGN_OR_RETURN(v1::ProductResponse r, client()->RetireProduct(req));
      PrintRecord(g, r, r.product(), r.replayed(), true);
      return absl::OkStatus();
    };
  });

  // Every other record kind, from the registry: <kind> record (JSON), get (id), list (filters),
  // over the generic WriteRecord/GetRecord/ListRecordsOfKind RPCs. The command is the kind's
  // oneof field name with "-" for "_" ("customer-return"); a few keep a short alias.
  static const auto* kAliases = new std::map<std::string, std::string>{
      {"certification", "cert"}, {"customer-return", "return"}};
  for (const RecordKindInfo* kind : ImportOrder()) {
    if (kind->number == static_cast<int>(RecordKind::kProduct)) continue;
    const std::string name = absl::StrReplaceAll(kind->field_name, {{"_", "-"}});
    CLI::App* cmd = app.add_subcommand(name, absl::StrCat("Records: ", kind->plural));
    if (auto alias = kAliases->find(name); alias != kAliases->end()) cmd->alias(alias->second);
    cmd->require_subcommand(1);
    CLI::App* rec = cmd->add_subcommand("record", absl::StrCat("Record a ", kind->name));
    pw.Add(rec, std::string(kind->name));
    rec->callback([&, kind] {
      action = [&, kind]() -> absl::Status {
        v1::WriteRecordRequest req;
        v1::Record* record = req.mutable_record();
        UNGGUL_RETURN_IF_ERROR(ParseRecordJson(
            pw.json, pw.file, record->GetReflection()->MutableMessage(record, kind->field)));
        req.set_request_id(pw.request_id);
        UNGGUL_ASSIGN_OR_RETURN(v1::WriteRecordResponse r, client()->WriteRecord(req));
        PrintRecord(g, r, KindMessage(*kind, r.record()), r.replayed(), true);
        return absl::OkStatus();
      };
    });
    CLI::App* get_cmd = cmd->add_subcommand("get", absl::StrCat("Show one ", kind->name));
    get_cmd->add_option(kind->id->name(), id_arg, kind->id->name())->required();
    get_cmd->callback([&, kind] {
      action = [&, kind]() -> absl::Status {
        v1::GetRecordRequest req;
        req.set_kind(std::string(kind->plural));
        req.set_id(id_arg);
        UNGGUL_ASSIGN_OR_RETURN(v1::GetRecordResponse r, client()->GetRecord(req));
        PrintRecord(g, r, KindMessage(*kind, r.record()), false, false);
        return absl::OkStatus();
      };
    });
    CLI::App* list_cmd = cmd->add_subcommand("list", absl::StrCat("List ", kind->plural));
    list_flags.Add(list_cmd, true);
    list_cmd->callback([&, kind] {
      action = [&, kind]() -> absl::Status {
        auto c = client();
        v1::ListRecordsOfKindRequest req;
        req.set_kind(std::string(kind->plural));
        *req.mutable_filter() = list_flags.Request();
        UNGGUL_ASSIGN_OR_RETURN(v1::ListRecordsOfKindResponse r, c->ListRecordsOfKind(req));
        for (int pages = 1; list_flags.all && !r.next_page_token().empty() && pages < 100000;
             ++pages) {
          req.mutable_filter()->set_page_token(r.next_page_token());
          UNGGUL_ASSIGN_OR_RETURN(v1::ListRecordsOfKindResponse next, c->ListRecordsOfKind(req));
          for (v1::Record& record : *next.mutable_records()) *r.add_records() = std::move(record);
          r.set_next_page_token(next.next_page_token());
        }
        PrintList(g, r, r.records(), *kind);
        return absl::OkStatus();
      };
    });
  }

  // sync
  static uint64_t wait_seq = 0;
  static double wait_seconds = 60;
  CLI::App* sync_cmd = app.add_subcommand("sync", "Replication of this node to the Kanwil");
  sync_cmd->require_subcommand(1);
  CLI::App* sync_wait = sync_cmd->add_subcommand(
      "wait", "Block until the Kanwil acknowledged every change (or --seq N); exit 1 on timeout");
  sync_wait->add_option("--seq", wait_seq, "Changelog seq to wait for (default: the node's last)");
  sync_wait->add_option("--wait", wait_seconds, "Seconds to wait")->capture_default_str();
  static uint64_t wait_designation = 0;
  sync_wait->add_option("--designation-revision", wait_designation,
                        "Also wait for this designation publication revision");
  sync_wait->callback([&] {
    action = [&]() -> absl::Status {
      UNGGUL_ASSIGN_OR_RETURN(
          v1::NodeInfo info,
          client()->WaitForSync(wait_seq, absl::Seconds(wait_seconds), wait_designation));
      std::cout << (g.json() ? ToJson(info) + "\n" : RenderNodeInfo(info));
      return absl::OkStatus();
    };
  });

  // kanwil (dashboard API; --addr is the aggregator)
  static std::string kanwil_upt, kanwil_category, kanwil_id;
  CLI::App* kanwil = app.add_subcommand(
      "kanwil", "Kanwil dashboard API (give the aggregator's address with --addr)");
  kanwil->require_subcommand(1);
  auto kclient = [&] {
    std::string t = token;
    if (t.empty()) {
      if (const char* env = std::getenv("UNGGUL_TOKEN")) t = env;
    }
    return KanwilClient::Connect(g.addr, absl::Seconds(g.timeout_seconds), t);
  };
  kanwil->add_subcommand("upts", "Every registered UPT with sync state, lag and digest")
      ->callback([&] {
        action = [&]() -> absl::Status {
          UNGGUL_ASSIGN_OR_RETURN(kanwil::v1::ListUptsResponse r, kclient()->ListUpts());
          std::cout << (g.json() ? ToJson(r) + "\n" : RenderUpts(r));
          return absl::OkStatus();
        };
      });
  CLI::App* kproducts = kanwil->add_subcommand("products", "Replicated products");
  kproducts->add_option("--upt", kanwil_upt, "Only this UPT");
  kproducts->add_option("--category", kanwil_category, "Only this category");
  list_flags.Add(kproducts, false);
  kproducts->callback([&] {
    action = [&]() -> absl::Status {
      kanwil::v1::ListProductsRequest req;
      req.set_upt_code(kanwil_upt);
      UNGGUL_ASSIGN_OR_RETURN(
          int cat, ParseEnumName(v1::Category_descriptor(), kanwil_category, "--category"));
      req.set_category(static_cast<v1::Category>(cat));
      req.set_page_size(list_flags.page_size);
      req.set_page_token(list_flags.page_token);
      auto c = kclient();
      UNGGUL_ASSIGN_OR_RETURN(
          kanwil::v1::ListProductsResponse r,
          FetchPages<kanwil::v1::ListProductsResponse>(
              req, list_flags.all,
              [&](const kanwil::v1::ListProductsRequest& q) { return c->ListProducts(q); },
              [](kanwil::v1::ListProductsResponse& x) { return x.mutable_products(); }));
      PrintList(g, r, r.products(), *FindRecordKind(static_cast<int>(RecordKind::kProduct)));
      return absl::OkStatus();
    };
  });
  CLI::App* kproduct = kanwil->add_subcommand("product", "One product with its monthly rollups");
  kproduct->add_option("product_id", kanwil_id, "Product id")->required();
  kproduct->callback([&] {
    action = [&]() -> absl::Status {
      UNGGUL_ASSIGN_OR_RETURN(kanwil::v1::GetProductResponse r, kclient()->GetProduct(kanwil_id));
      std::cout << (g.json() ? ToJson(r) + "\n" : RenderKanwilProduct(r));
      return absl::OkStatus();
    };
  });
  CLI::App* kdigest = kanwil->add_subcommand("digest", "Digest of a UPT's replica");
  kdigest->add_option("upt_code", kanwil_id, "UPT code")->required();
  kdigest->callback([&] {
    action = [&]() -> absl::Status {
      UNGGUL_ASSIGN_OR_RETURN(kanwil::v1::UptDigest r, kclient()->GetUptDigest(kanwil_id));
      std::cout << (g.json() ? ToJson(r) + "\n"
                             : absl::StrFormat("%s hwm=%d digest=%s\n", r.upt_code(), r.hwm(),
                                               DigestString(r.digest())));
      return absl::OkStatus();
    };
  });

  // ranking, assessments, designations (--addr is the aggregator)
  static std::string rank_from, rank_to, rank_upt, rank_category;
  static std::vector<std::string> rank_weights;
  auto rank_flags = [&](CLI::App* cmd) {
    cmd->add_option("--from", rank_from, "First month YYYY-MM (default: last 12 complete months)");
    cmd->add_option("--to", rank_to, "Last month YYYY-MM");
    cmd->add_option("--upt", rank_upt, "Cohort: only this UPT");
    cmd->add_option("--category", rank_category, "Cohort: only this category");
  };
  auto rank_request = [&]() -> absl::StatusOr<kanwil::v1::GetRankingRequest> {
    kanwil::v1::GetRankingRequest req;
    req.set_start_month(rank_from);
    req.set_end_month(rank_to);
    req.set_upt_code(rank_upt);
    UNGGUL_ASSIGN_OR_RETURN(int cat,
                            ParseEnumName(v1::Category_descriptor(), rank_category, "--category"));
    req.set_category(static_cast<v1::Category>(cat));
    for (const std::string& w : rank_weights) {
      const size_t eq = w.find('=');
      double value = 0;
      if (eq == std::string::npos || !absl::SimpleAtod(w.substr(eq + 1), &value)) {
        return absl::InvalidArgumentError(absl::StrCat("--weight: must be CODE=VALUE, got ", w));
      }
      (*req.mutable_weight_overrides())[w.substr(0, eq)] = value;
    }
    return req;
  };
  CLI::App* kranking = kanwil->add_subcommand("ranking", "SPUP ranking table with sensitivity");
  rank_flags(kranking);
  kranking->add_option("--weight", rank_weights, "What-if weight CODE=VALUE (repeatable)");
  static int rank_limit = 50;
  static bool rank_full = false;
  kranking->add_option("--limit", rank_limit, "Products to show in rank order (0 = all)")
      ->default_val(50)
      ->check(CLI::NonNegativeNumber);
  kranking->add_flag("--full", rank_full,
                     "With -o json: every indicator, gate and floor (default: summary view)");
  kranking->callback([&] {
    action = [&]() -> absl::Status {
      UNGGUL_ASSIGN_OR_RETURN(kanwil::v1::GetRankingRequest req, rank_request());
      req.set_view(rank_full ? kanwil::v1::RANKING_VIEW_FULL : kanwil::v1::RANKING_VIEW_SUMMARY);
      // Pages of one snapshot, merged into the first response.
      kanwil::v1::Ranking merged;
      do {
        const int left = rank_limit == 0 ? 1000 : rank_limit - merged.products_size();
        req.set_page_size(std::min(1000, left));
        UNGGUL_ASSIGN_OR_RETURN(kanwil::v1::Ranking page, kclient()->GetRanking(req));
        if (req.page_token().empty()) {
          merged = page;
        } else {
          merged.mutable_products()->MergeFrom(page.products());
          merged.mutable_close_calls()->MergeFrom(page.close_calls());
          for (int q = 0; q < merged.sensitivity_size() && q < page.sensitivity_size(); ++q) {
            merged.mutable_sensitivity(q)->mutable_products()->MergeFrom(
                page.sensitivity(q).products());
          }
        }
        req.set_page_token(page.next_page_token());
        merged.set_next_page_token(page.next_page_token());
      } while (!req.page_token().empty() &&
               (rank_limit == 0 || merged.products_size() < rank_limit));
      std::cout << (g.json() ? ToJson(merged) + "\n" : RenderRanking(merged));
      return absl::OkStatus();
    };
  });
  CLI::App* kscore = kanwil->add_subcommand("score", "One product's full SPUP breakdown");
  kscore->add_option("product_id", kanwil_id, "Product id")->required();
  rank_flags(kscore);
  kscore->callback([&] {
    action = [&]() -> absl::Status {
      kanwil::v1::GetProductScoreRequest req;
      req.set_product_id(kanwil_id);
      req.set_start_month(rank_from);
      req.set_end_month(rank_to);
      UNGGUL_ASSIGN_OR_RETURN(kanwil::v1::ProductScore r, kclient()->GetProductScore(req));
      std::cout << (g.json() ? ToJson(r) + "\n" : RenderProductScore(r));
      return absl::OkStatus();
    };
  });
  CLI::App* kmap = kanwil->add_subcommand("map", "Pemetaan: products by category x UPT");
  rank_flags(kmap);
  kmap->callback([&] {
    action = [&]() -> absl::Status {
      UNGGUL_ASSIGN_OR_RETURN(kanwil::v1::GetRankingRequest req, rank_request());
      UNGGUL_ASSIGN_OR_RETURN(kanwil::v1::ProductMap r, kclient()->GetProductMap(req));
      std::cout << (g.json() ? ToJson(r) + "\n" : RenderProductMap(r));
      return absl::OkStatus();
    };
  });
  static kanwil::v1::Assessment assessment;
  static int assess_score = 0;
  static bool assess_coi = false;
  static bool assess_external = false;
  static std::string assess_indicator, assess_assessor;
  CLI::App* kassess = kanwil->add_subcommand(
      "assess", "Record an assessor's panel score (rubric 0..4) for C3, C4, D2 or D4");
  kassess->add_option("product_id", kanwil_id, "Product id")->required();
  kassess->add_option("--indicator", assess_indicator, "C3, C4, D2 or D4")->required();
  kassess->add_option("--assessor", assess_assessor, "Assessor id")->required();
  kassess->add_option("--score", assess_score, "0..4")->required();
  kassess->add_flag("--conflict-of-interest", assess_coi, "Declared conflict (excluded)");
  kassess->add_flag("--external", assess_external, "External assessor");
  rank_flags(kassess);
  kassess->callback([&] {
    action = [&]() -> absl::Status {
      assessment.set_product_id(kanwil_id);
      assessment.set_indicator(assess_indicator);
      assessment.set_assessor_id(assess_assessor);
      assessment.set_score(assess_score);
      assessment.set_conflict_of_interest(assess_coi);
      assessment.set_external(assess_external);
      assessment.set_start_month(rank_from);
      assessment.set_end_month(rank_to);
      UNGGUL_ASSIGN_OR_RETURN(kanwil::v1::Assessment r, kclient()->SubmitAssessment(assessment));
      std::cout << (g.json() ? ToJson(r) + "\n" : RenderDetail(r));
      return absl::OkStatus();
    };
  });

  static std::string verify_by;
  CLI::App* kverify = kanwil->add_subcommand(
      "verify-labour", "Verify a UPT's monthly labour reports of a period (gate G5)");
  kverify->add_option("--upt", rank_upt, "UPT code")->required();
  kverify->add_option("--by", verify_by, "Verifying Kanwil staff user")->required();
  kverify->add_option("--from", rank_from, "First month YYYY-MM (default: last 12 months)");
  kverify->add_option("--to", rank_to, "Last month YYYY-MM");
  kverify->callback([&] {
    action = [&]() -> absl::Status {
      kanwil::v1::VerifyMonthlyReportsRequest req;
      req.set_upt_code(rank_upt);
      req.set_start_month(rank_from);
      req.set_end_month(rank_to);
      req.set_verified_by(verify_by);
      UNGGUL_ASSIGN_OR_RETURN(kanwil::v1::VerifyMonthlyReportsResponse r,
                              kclient()->VerifyMonthlyReports(req));
      std::cout << (g.json() ? ToJson(r) + "\n"
                             : absl::StrCat(rank_upt, ": ", r.product_months_verified(),
                                            " product-month report(s) verified\n"));
      return absl::OkStatus();
    };
  });

  // incidents (gate G6)
  static std::string inc_kind, inc_ref, inc_date, inc_desc, inc_by, inc_note, inc_product;
  static bool inc_open_only = false;
  CLI::App* kincident = kanwil->add_subcommand(
      "incident", "Integrity incidents of a product (gate G6): record or close");
  kincident->require_subcommand(1);
  CLI::App* kinc_rec = kincident->add_subcommand("record", "Record an incident (verifier)");
  kinc_rec->add_option("product_id", kanwil_id, "Product id")->required();
  kinc_rec->add_option("--kind", inc_kind, "FOOD_SAFETY, RECALL or AUDIT_FINDING")->required();
  kinc_rec->add_option("--ref", inc_ref, "Case, recall or finding number")->required();
  kinc_rec->add_option("--opened", inc_date, "Date opened YYYY-MM-DD")->required();
  kinc_rec->add_option("--description", inc_desc, "What happened (no names of people)");
  kinc_rec->add_option("--by", inc_by, "Kanwil staff user recording it")->required();
  kinc_rec->callback([&] {
    action = [&]() -> absl::Status {
      kanwil::v1::RecordIncidentRequest req;
      kanwil::v1::Incident* i = req.mutable_incident();
      i->set_product_id(kanwil_id);
      UNGGUL_ASSIGN_OR_RETURN(
          int kind, ParseEnumName(kanwil::v1::IncidentKind_descriptor(), inc_kind, "--kind"));
      i->set_kind(static_cast<kanwil::v1::IncidentKind>(kind));
      i->set_reference(inc_ref);
      i->set_opened_date(inc_date);
      i->set_description(inc_desc);
      i->set_recorded_by(inc_by);
      UNGGUL_ASSIGN_OR_RETURN(kanwil::v1::Incident r, kclient()->RecordIncident(req));
      std::cout << (g.json() ? ToJson(r) + "\n" : RenderIncidents({r}));
      return absl::OkStatus();
    };
  });
  CLI::App* kinc_close = kincident->add_subcommand("close", "Close an open incident (verifier)");
  kinc_close->add_option("incident_id", kanwil_id, "Incident id (INC-...)")->required();
  kinc_close->add_option("--date", inc_date, "Date closed YYYY-MM-DD")->required();
  kinc_close->add_option("--by", inc_by, "Kanwil staff user closing it")->required();
  kinc_close->add_option("--note", inc_note, "Why it is closed");
  kinc_close->callback([&] {
    action = [&]() -> absl::Status {
      kanwil::v1::CloseIncidentRequest req;
      req.set_incident_id(kanwil_id);
      req.set_closed_date(inc_date);
      req.set_closed_by(inc_by);
      req.set_closing_note(inc_note);
      UNGGUL_ASSIGN_OR_RETURN(kanwil::v1::Incident r, kclient()->CloseIncident(req));
      std::cout << (g.json() ? ToJson(r) + "\n" : RenderIncidents({r}));
      return absl::OkStatus();
    };
  });
  CLI::App* kincidents = kanwil->add_subcommand("incidents", "Integrity incidents (gate G6)");
  kincidents->add_option("--product", inc_product, "Only this product");
  kincidents->add_flag("--open", inc_open_only, "Only open incidents");
  kincidents->callback([&] {
    action = [&]() -> absl::Status {
      kanwil::v1::ListIncidentsRequest req;
      req.set_product_id(inc_product);
      req.set_open_only(inc_open_only);
      UNGGUL_ASSIGN_OR_RETURN(kanwil::v1::ListIncidentsResponse r, kclient()->ListIncidents(req));
      std::cout << (g.json() ? ToJson(r) + "\n"
                             : RenderIncidents({r.incidents().begin(), r.incidents().end()}));
      return absl::OkStatus();
    };
  });

  static std::string actor, level = "KANWIL", decree, revoke_reason, des_note, title, act_name,
                            status_name;
  auto parse_actor = [&]() -> absl::StatusOr<kanwil::v1::Actor> {
    if (actor.empty()) return kanwil::v1::Actor();  // with a token, the Kanwil knows who acts
    const size_t colon = actor.find(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == actor.size()) {
      return absl::InvalidArgumentError(
          "--actor: must be USER:ROLE, e.g. kabid.yanbin:KABID_YANBIN");
    }
    kanwil::v1::Actor a;
    a.set_user(actor.substr(0, colon));
    a.set_role(actor.substr(colon + 1));
    return a;
  };
  CLI::App* kdes = kanwil->add_subcommand("designation", "Designation workflow");
  kdes->require_subcommand(1);
  CLI::App* kcreate = kdes->add_subcommand("create", "Draft a designation (freezes the score)");
  kcreate->add_option("product_id", kanwil_id, "Product id")->required();
  kcreate->add_option("--level", level, "KANWIL or UPT")->capture_default_str();
  kcreate->add_option("--actor", actor, "USER:ROLE of the proposer (without --token)");
  kcreate->add_option("--title", title, "Official title (default derived)");
  kcreate->add_option("--note", des_note, "Note");
  rank_flags(kcreate);
  kcreate->callback([&] {
    action = [&]() -> absl::Status {
      kanwil::v1::CreateDesignationRequest req;
      req.set_product_id(kanwil_id);
      UNGGUL_ASSIGN_OR_RETURN(
          int lvl, ParseEnumName(kanwil::v1::DesignationLevel_descriptor(), level, "--level"));
      req.set_level(static_cast<kanwil::v1::DesignationLevel>(lvl));
      UNGGUL_ASSIGN_OR_RETURN(*req.mutable_actor(), parse_actor());
      req.set_title(title);
      req.set_note(des_note);
      req.set_start_month(rank_from);
      req.set_end_month(rank_to);
      UNGGUL_ASSIGN_OR_RETURN(kanwil::v1::Designation d, kclient()->CreateDesignation(req));
      std::cout << (g.json() ? ToJson(d) + "\n" : RenderDesignation(d));
      return absl::OkStatus();
    };
  });
  CLI::App* kact = kdes->add_subcommand(
      "act", "Apply SUBMIT, WITHDRAW, VERIFY, REJECT, APPROVE, PUBLISH or REVOKE");
  kact->add_option("designation_id", kanwil_id, "Designation id")->required();
  kact->add_option("action", act_name, "The action")->required();
  kact->add_option("--actor", actor, "USER:ROLE (without --token)");
  kact->add_option("--decree", decree, "Decree number (APPROVE of a KANWIL designation)");
  kact->add_option("--reason", revoke_reason, "Revocation reason (REVOKE), e.g. CERT_LAPSED");
  kact->add_option("--note", des_note, "Note");
  kact->callback([&] {
    action = [&]() -> absl::Status {
      kanwil::v1::TransitionDesignationRequest req;
      req.set_designation_id(kanwil_id);
      UNGGUL_ASSIGN_OR_RETURN(
          int a, ParseEnumName(kanwil::v1::DesignationAction_descriptor(), act_name, "action"));
      req.set_action(static_cast<kanwil::v1::DesignationAction>(a));
      UNGGUL_ASSIGN_OR_RETURN(*req.mutable_actor(), parse_actor());
      req.set_decree_number(decree);
      UNGGUL_ASSIGN_OR_RETURN(int r, ParseEnumName(kanwil::v1::RevocationReason_descriptor(),
                                                   revoke_reason, "--reason"));
      req.set_revocation_reason(static_cast<kanwil::v1::RevocationReason>(r));
      req.set_note(des_note);
      UNGGUL_ASSIGN_OR_RETURN(kanwil::v1::Designation d, kclient()->TransitionDesignation(req));
      std::cout << (g.json() ? ToJson(d) + "\n" : RenderDesignation(d));
      return absl::OkStatus();
    };
  });
  CLI::App* klist = kanwil->add_subcommand("designations", "Designations and their status");
  klist->add_option("--status", status_name, "Only this status, e.g. PUBLISHED");
  klist->callback([&] {
    action = [&]() -> absl::Status {
      kanwil::v1::ListDesignationsRequest req;
      UNGGUL_ASSIGN_OR_RETURN(int st, ParseEnumName(kanwil::v1::DesignationStatus_descriptor(),
                                                    status_name, "--status"));
      req.set_status(static_cast<kanwil::v1::DesignationStatus>(st));
      UNGGUL_ASSIGN_OR_RETURN(kanwil::v1::ListDesignationsResponse r,
                              kclient()->ListDesignations(req));
      std::cout << (g.json() ? ToJson(r) + "\n" : RenderDesignations(r));
      return absl::OkStatus();
    };
  });
  static bool audit_verify = false;
  CLI::App* kaudit = kanwil->add_subcommand("audit", "The designation audit log (hash chained)");
  kaudit->add_flag("--verify", audit_verify, "Recompute the chain; exit 1 when it is broken");
  kaudit->callback([&] {
    action = [&]() -> absl::Status {
      if (audit_verify) {
        UNGGUL_ASSIGN_OR_RETURN(kanwil::v1::VerifyAuditLogResponse v, kclient()->VerifyAuditLog());
        if (g.json()) {
          std::cout << ToJson(v) << "\n";
        } else if (v.ok()) {
          std::cout << "audit log OK: " << v.entries_checked() << " entries verified\n";
        }
        if (!v.ok()) {
          return absl::DataLossError(
              absl::StrCat("audit log broken at entry ", v.first_bad_seq(), ": ", v.problem()));
        }
        return absl::OkStatus();
      }
      UNGGUL_ASSIGN_OR_RETURN(kanwil::v1::GetAuditLogResponse r,
                              kclient()->GetAuditLog(kanwil::v1::GetAuditLogRequest()));
      if (g.json()) {
        std::cout << ToJson(r) << "\n";
        return absl::OkStatus();
      }
      std::vector<std::vector<std::string>> rows;
      for (const kanwil::v1::AuditEntry& e : r.entries()) {
        rows.push_back({absl::StrCat(e.seq()), e.action(), e.designation_id(),
                        e.actor().user() + ":" + e.actor().role(),
                        kanwil::v1::DesignationStatus_Name(e.to_status()).substr(19),
                        e.entry_hash().substr(0, 16)});
      }
      std::cout << RenderTable({"SEQ", "ACTION", "DESIGNATION", "ACTOR", "TO", "HASH"}, rows);
      return absl::OkStatus();
    };
  });

  // designations received by a node
  static bool own_only = false;
  CLI::App* ndes = app.add_subcommand(
      "designations", "Produk unggulan designations this node received from the Kanwil");
  ndes->add_flag("--own", own_only, "Only this UPT's products");
  ndes->callback([&] {
    action = [&]() -> absl::Status {
      v1::ListDesignationsRequest req;
      req.set_own_products_only(own_only);
      UNGGUL_ASSIGN_OR_RETURN(v1::ListDesignationsResponse r, client()->ListDesignations(req));
      std::cout << (g.json() ? ToJson(r) + "\n" : RenderNotices(r));
      return absl::OkStatus();
    };
  });

  // import
  static std::string import_kind, import_path;
  CLI::App* imp = app.add_subcommand(
      "import",
      absl::StrCat(
          "Load CSV files (formats: services/cli/CSV.md; columns of a kind: the fields of its "
          "records.proto message). KIND is ",
          [] {
            std::string kinds;
            for (const RecordKindInfo* k : ImportOrder()) absl::StrAppend(&kinds, k->plural, ", ");
            return kinds;
          }(),
          "or dir (PATH is a folder holding <kind>.csv files, loaded in dependency "
          "order). Safe to re-run."));
  imp->add_option("kind", import_kind, "Record kind or dir")->required();
  imp->add_option("path", import_path, "CSV file, or folder for dir")->required();
  imp->callback([&] {
    action = [&]() -> absl::Status {
      std::vector<std::pair<const RecordKindInfo*, std::string>> files;
      if (import_kind == "dir") {
        for (const RecordKindInfo* kind : ImportOrder()) {
          const std::string path = absl::StrCat(import_path, "/", kind->plural, ".csv");
          if (Exists(path)) files.emplace_back(kind, path);
        }
        if (files.empty()) {
          return absl::NotFoundError(absl::StrCat("no <kind>.csv files in ", import_path));
        }
      } else {
        UNGGUL_ASSIGN_OR_RETURN(const RecordKindInfo* kind, ParseImportKind(import_kind));
        files.emplace_back(kind, import_path);
      }
      auto c = client();
      return ImportFiles(g, *c, files);
    };
  });

  // fixture
  static FixtureOptions fixture_options;
  static std::string fixture_out;
  CLI::App* fx = app.add_subcommand(
      "fixture", "Write the deterministic Sumatera Selatan demo data set as CSV files");
  fx->add_option("--out", fixture_out, "Output folder")->required();
  static std::string fixture_end_month;
  fx->add_option("--end-month", fixture_end_month,
                 "Last month, YYYY-MM (default: the last complete month in Asia/Jakarta)");
  fx->add_option("--months", fixture_options.months, "Months of data")->capture_default_str();
  fx->add_option("--seed", fixture_options.seed, "Generator seed")->capture_default_str();
  fx->callback([&] {
    action = [&]() -> absl::Status {
      if (fixture_end_month.empty()) {
        UNGGUL_ASSIGN_OR_RETURN(SystemClock clock, SystemClockFromEnvironment());
        fixture_options.end_month = LastCompleteJakartaMonth(clock.Now());
      } else {
        fixture_options.end_month = fixture_end_month;
      }
      UNGGUL_ASSIGN_OR_RETURN(std::vector<std::string> upts,
                              WriteSumselFixture(fixture_out, fixture_options));
      for (const std::string& upt : upts) std::cout << fixture_out << "/" << upt << "\n";
      return absl::OkStatus();
    };
  });

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  if (!action) return 2;
  absl::Status status = action();
  if (!status.ok()) {
    std::cerr << "unggulctl: " << absl::StatusCodeToString(status.code()) << ": "
              << status.message() << "\n";
    return 1;
  }
  return g_exit_code;
}

}  // namespace
}  // namespace unggul::cli

int main(int argc, char** argv) { return unggul::cli::Main(argc, argv); }

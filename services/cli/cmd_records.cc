// unggulctl <kind>: every record kind but products, from the registry (common/records/kinds.h):
// <kind> record (JSON), get (id), list (filters), over the generic WriteRecord/GetRecord/
// ListRecordsOfKind RPCs. The command is the kind's oneof field name with "-" for "_"
// ("customer-return"); a few keep a short alias. A new kind needs nothing here.

#include <iostream>
#include <map>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "common/records/records.h"
#include "services/cli/cli_common.h"
#include "services/cli/commands.h"
#include "services/cli/record_csv.h"

namespace unggul::cli {
namespace {

namespace v1 = ::unggul::node::v1;

void AddRecord(CLI::App* cmd, CliContext& ctx, const RecordKindInfo* kind) {
  auto f = std::make_shared<WriteFlags>();
  CLI::App* rec = cmd->add_subcommand("record", absl::StrCat("Record a ", kind->name));
  f->Add(rec, std::string(kind->name));
  ctx.OnRun(rec, [&ctx, f, kind]() -> absl::Status {
    v1::WriteRecordRequest req;
    v1::Record* record = req.mutable_record();
    UNGGUL_RETURN_IF_ERROR(ParseRecordJson(
        f->json, f->file, record->GetReflection()->MutableMessage(record, kind->field)));
    req.set_request_id(f->request_id);
    UNGGUL_ASSIGN_OR_RETURN(v1::WriteRecordResponse r, ctx.Node()->WriteRecord(req));
    PrintRecord(ctx, r, KindMessage(*kind, r.record()), r.replayed(), true);
    return absl::OkStatus();
  });
}

void AddGet(CLI::App* cmd, CliContext& ctx, const RecordKindInfo* kind) {
  auto id = std::make_shared<std::string>();
  CLI::App* get_cmd = cmd->add_subcommand("get", absl::StrCat("Show one ", kind->name));
  get_cmd->add_option(kind->id->name(), *id, kind->id->name())->required();
  ctx.OnRun(get_cmd, [&ctx, id, kind]() -> absl::Status {
    v1::GetRecordRequest req;
    req.set_kind(std::string(kind->plural));
    req.set_id(*id);
    UNGGUL_ASSIGN_OR_RETURN(v1::GetRecordResponse r, ctx.Node()->GetRecord(req));
    PrintRecord(ctx, r, KindMessage(*kind, r.record()), false, false);
    return absl::OkStatus();
  });
}

void AddList(CLI::App* cmd, CliContext& ctx, const RecordKindInfo* kind) {
  auto f = std::make_shared<ListFlags>();
  CLI::App* list_cmd = cmd->add_subcommand("list", absl::StrCat("List ", kind->plural));
  f->Add(list_cmd, true);
  ctx.OnRun(list_cmd, [&ctx, f, kind]() -> absl::Status {
    auto c = ctx.Node();
    v1::ListRecordsOfKindRequest req;
    req.set_kind(std::string(kind->plural));
    *req.mutable_filter() = f->Request();
    UNGGUL_ASSIGN_OR_RETURN(v1::ListRecordsOfKindResponse r, c->ListRecordsOfKind(req));
    for (int pages = 1; f->all && !r.next_page_token().empty() && pages < 100000; ++pages) {
      req.mutable_filter()->set_page_token(r.next_page_token());
      UNGGUL_ASSIGN_OR_RETURN(v1::ListRecordsOfKindResponse next, c->ListRecordsOfKind(req));
      for (v1::Record& record : *next.mutable_records()) *r.add_records() = std::move(record);
      r.set_next_page_token(next.next_page_token());
    }
    PrintList(ctx, r, r.records(), *kind);
    return absl::OkStatus();
  });
}

}  // namespace

void RegisterRecordCommands(CLI::App& app, CliContext& ctx) {
  const std::map<std::string, std::string> aliases = {{"certification", "cert"},
                                                      {"customer-return", "return"}};
  for (const RecordKindInfo* kind : ImportOrder()) {
    if (kind->number == static_cast<int>(RecordKind::kProduct)) continue;
    const std::string name = absl::StrReplaceAll(kind->field_name, {{"_", "-"}});
    CLI::App* cmd = app.add_subcommand(name, absl::StrCat("Records: ", kind->plural));
    if (auto alias = aliases.find(name); alias != aliases.end()) cmd->alias(alias->second);
    cmd->require_subcommand(1);
    AddRecord(cmd, ctx, kind);
    AddGet(cmd, ctx, kind);
    AddList(cmd, ctx, kind);
  }
}

}  // namespace unggul::cli

// unggulctl kanwil incident record/close and kanwil incidents: the integrity incidents of
// products (food safety, recalls, audit findings) that gate G6 of the ranking reads.

#include <iostream>
#include <memory>
#include <string>

#include "common/status/status_macros.h"
#include "services/cli/cmd_kanwil.h"
#include "services/cli/output.h"
#include "services/cli/record_csv.h"

namespace unggul::cli {
namespace {

struct IncidentFlags {
  std::string id;  // product id (record) or incident id (close)
  std::string kind;
  std::string reference;
  std::string date;
  std::string description;
  std::string by;
  std::string note;
};

struct IncidentsFlags {
  std::string product;
  bool open_only = false;
};

void AddRecord(CLI::App* incident, CliContext& ctx) {
  auto f = std::make_shared<IncidentFlags>();
  CLI::App* cmd = incident->add_subcommand("record", "Record an incident (verifier)");
  cmd->add_option("product_id", f->id, "Product id")->required();
  cmd->add_option("--kind", f->kind, "FOOD_SAFETY, RECALL or AUDIT_FINDING")->required();
  cmd->add_option("--ref", f->reference, "Case, recall or finding number")->required();
  cmd->add_option("--opened", f->date, "Date opened YYYY-MM-DD")->required();
  cmd->add_option("--description", f->description, "What happened (no names of people)");
  cmd->add_option("--by", f->by, "Kanwil staff user recording it")->required();
  ctx.OnRun(cmd, [&ctx, f]() -> absl::Status {
    kanwil::v1::RecordIncidentRequest req;
    kanwil::v1::Incident* i = req.mutable_incident();
    i->set_product_id(f->id);
    UNGGUL_ASSIGN_OR_RETURN(
        int kind, ParseEnumName(kanwil::v1::IncidentKind_descriptor(), f->kind, "--kind"));
    i->set_kind(static_cast<kanwil::v1::IncidentKind>(kind));
    i->set_reference(f->reference);
    i->set_opened_date(f->date);
    i->set_description(f->description);
    i->set_recorded_by(f->by);
    UNGGUL_ASSIGN_OR_RETURN(kanwil::v1::Incident r, ctx.Kanwil()->RecordIncident(req));
    std::cout << (ctx.json() ? ToJson(r) + "\n" : RenderIncidents({r}));
    return absl::OkStatus();
  });
}

void AddClose(CLI::App* incident, CliContext& ctx) {
  auto f = std::make_shared<IncidentFlags>();
  CLI::App* cmd = incident->add_subcommand("close", "Close an open incident (verifier)");
  cmd->add_option("incident_id", f->id, "Incident id (INC-...)")->required();
  cmd->add_option("--date", f->date, "Date closed YYYY-MM-DD")->required();
  cmd->add_option("--by", f->by, "Kanwil staff user closing it")->required();
  cmd->add_option("--note", f->note, "Why it is closed");
  ctx.OnRun(cmd, [&ctx, f]() -> absl::Status {
    kanwil::v1::CloseIncidentRequest req;
    req.set_incident_id(f->id);
    req.set_closed_date(f->date);
    req.set_closed_by(f->by);
    req.set_closing_note(f->note);
    UNGGUL_ASSIGN_OR_RETURN(kanwil::v1::Incident r, ctx.Kanwil()->CloseIncident(req));
    std::cout << (ctx.json() ? ToJson(r) + "\n" : RenderIncidents({r}));
    return absl::OkStatus();
  });
}

void AddList(CLI::App* kanwil, CliContext& ctx) {
  auto f = std::make_shared<IncidentsFlags>();
  CLI::App* cmd = kanwil->add_subcommand("incidents", "Integrity incidents (gate G6)");
  cmd->add_option("--product", f->product, "Only this product");
  cmd->add_flag("--open", f->open_only, "Only open incidents");
  ctx.OnRun(cmd, [&ctx, f]() -> absl::Status {
    kanwil::v1::ListIncidentsRequest req;
    req.set_product_id(f->product);
    req.set_open_only(f->open_only);
    UNGGUL_ASSIGN_OR_RETURN(kanwil::v1::ListIncidentsResponse r, ctx.Kanwil()->ListIncidents(req));
    std::cout << (ctx.json() ? ToJson(r) + "\n"
                             : RenderIncidents({r.incidents().begin(), r.incidents().end()}));
    return absl::OkStatus();
  });
}

}  // namespace

void AddKanwilIncidentCommands(CLI::App* kanwil, CliContext& ctx) {
  CLI::App* incident = kanwil->add_subcommand(
      "incident", "Integrity incidents of a product (gate G6): record or close");
  incident->require_subcommand(1);
  AddRecord(incident, ctx);
  AddClose(incident, ctx);
  AddList(kanwil, ctx);
}

}  // namespace unggul::cli

// unggulctl kanwil designation create/act, kanwil designations and kanwil audit: the produk
// unggulan designation workflow (draft, submit, verify, approve, publish, revoke) and its
// hash-chained audit log.

#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/status/status_macros.h"
#include "services/cli/cmd_kanwil.h"
#include "services/cli/output.h"
#include "services/cli/record_csv.h"
#include "unggul/kanwil/v1/designation.pb.h"

namespace unggul::cli {
namespace {

struct CreateFlags {
  std::string product_id;
  std::string level = "KANWIL";
  std::string actor;
  std::string title;
  std::string note;
  RankFlags rank;
};

struct ActFlags {
  std::string designation_id;
  std::string action;
  std::string actor;
  std::string decree;
  std::string reason;
  std::string note;
};

// --actor USER:ROLE; an empty one is the empty Actor (with a token, the Kanwil knows who acts).
absl::StatusOr<kanwil::v1::Actor> ParseActor(const std::string& actor) {
  if (actor.empty()) return kanwil::v1::Actor();
  const size_t colon = actor.find(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == actor.size()) {
    return absl::InvalidArgumentError("--actor: must be USER:ROLE, e.g. kabid.yanbin:KABID_YANBIN");
  }
  kanwil::v1::Actor a;
  a.set_user(actor.substr(0, colon));
  a.set_role(actor.substr(colon + 1));
  return a;
}

void AddCreate(CLI::App* designation, CliContext& ctx) {
  auto f = std::make_shared<CreateFlags>();
  CLI::App* cmd = designation->add_subcommand("create", "Draft a designation (freezes the score)");
  cmd->add_option("product_id", f->product_id, "Product id")->required();
  cmd->add_option("--level", f->level, "KANWIL or UPT")->capture_default_str();
  cmd->add_option("--actor", f->actor, "USER:ROLE of the proposer (without --token)");
  cmd->add_option("--title", f->title, "Official title (default derived)");
  cmd->add_option("--note", f->note, "Note");
  f->rank.Add(cmd);
  ctx.OnRun(cmd, [&ctx, f]() -> absl::Status {
    kanwil::v1::CreateDesignationRequest req;
    req.set_product_id(f->product_id);
    UNGGUL_ASSIGN_OR_RETURN(
        int lvl, ParseEnumName(kanwil::v1::DesignationLevel_descriptor(), f->level, "--level"));
    req.set_level(static_cast<kanwil::v1::DesignationLevel>(lvl));
    UNGGUL_ASSIGN_OR_RETURN(*req.mutable_actor(), ParseActor(f->actor));
    req.set_title(f->title);
    req.set_note(f->note);
    req.set_start_month(f->rank.from);
    req.set_end_month(f->rank.to);
    UNGGUL_ASSIGN_OR_RETURN(kanwil::v1::Designation d, ctx.Kanwil()->CreateDesignation(req));
    std::cout << (ctx.json() ? ToJson(d) + "\n" : RenderDesignation(d));
    return absl::OkStatus();
  });
}

void AddAct(CLI::App* designation, CliContext& ctx) {
  auto f = std::make_shared<ActFlags>();
  CLI::App* cmd = designation->add_subcommand(
      "act", "Apply SUBMIT, WITHDRAW, VERIFY, REJECT, APPROVE, PUBLISH or REVOKE");
  cmd->add_option("designation_id", f->designation_id, "Designation id")->required();
  cmd->add_option("action", f->action, "The action")->required();
  cmd->add_option("--actor", f->actor, "USER:ROLE (without --token)");
  cmd->add_option("--decree", f->decree, "Decree number (APPROVE of a KANWIL designation)");
  cmd->add_option("--reason", f->reason, "Revocation reason (REVOKE), e.g. CERT_LAPSED");
  cmd->add_option("--note", f->note, "Note");
  ctx.OnRun(cmd, [&ctx, f]() -> absl::Status {
    kanwil::v1::TransitionDesignationRequest req;
    req.set_designation_id(f->designation_id);
    UNGGUL_ASSIGN_OR_RETURN(
        int a, ParseEnumName(kanwil::v1::DesignationAction_descriptor(), f->action, "action"));
    req.set_action(static_cast<kanwil::v1::DesignationAction>(a));
    UNGGUL_ASSIGN_OR_RETURN(*req.mutable_actor(), ParseActor(f->actor));
    req.set_decree_number(f->decree);
    UNGGUL_ASSIGN_OR_RETURN(
        int r, ParseEnumName(kanwil::v1::RevocationReason_descriptor(), f->reason, "--reason"));
    req.set_revocation_reason(static_cast<kanwil::v1::RevocationReason>(r));
    req.set_note(f->note);
    UNGGUL_ASSIGN_OR_RETURN(kanwil::v1::Designation d, ctx.Kanwil()->TransitionDesignation(req));
    std::cout << (ctx.json() ? ToJson(d) + "\n" : RenderDesignation(d));
    return absl::OkStatus();
  });
}

void AddList(CLI::App* kanwil, CliContext& ctx) {
  auto status = std::make_shared<std::string>();
  CLI::App* cmd = kanwil->add_subcommand("designations", "Designations and their status");
  cmd->add_option("--status", *status, "Only this status, e.g. PUBLISHED");
  ctx.OnRun(cmd, [&ctx, status]() -> absl::Status {
    kanwil::v1::ListDesignationsRequest req;
    UNGGUL_ASSIGN_OR_RETURN(
        int st, ParseEnumName(kanwil::v1::DesignationStatus_descriptor(), *status, "--status"));
    req.set_status(static_cast<kanwil::v1::DesignationStatus>(st));
    UNGGUL_ASSIGN_OR_RETURN(kanwil::v1::ListDesignationsResponse r,
                            ctx.Kanwil()->ListDesignations(req));
    std::cout << (ctx.json() ? ToJson(r) + "\n" : RenderDesignations(r));
    return absl::OkStatus();
  });
}

// --verify: recomputes the chain (DataLoss, so exit 1, when it is broken).
absl::Status VerifyAuditLog(const CliContext& ctx) {
  UNGGUL_ASSIGN_OR_RETURN(kanwil::v1::VerifyAuditLogResponse v, ctx.Kanwil()->VerifyAuditLog());
  if (ctx.json()) {
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

void AddAudit(CLI::App* kanwil, CliContext& ctx) {
  auto verify = std::make_shared<bool>(false);
  CLI::App* cmd = kanwil->add_subcommand("audit", "The designation audit log (hash chained)");
  cmd->add_flag("--verify", *verify, "Recompute the chain; exit 1 when it is broken");
  ctx.OnRun(cmd, [&ctx, verify]() -> absl::Status {
    if (*verify) return VerifyAuditLog(ctx);
    UNGGUL_ASSIGN_OR_RETURN(kanwil::v1::GetAuditLogResponse r,
                            ctx.Kanwil()->GetAuditLog(kanwil::v1::GetAuditLogRequest()));
    if (ctx.json()) {
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
  });
}

}  // namespace

void AddKanwilDesignationCommands(CLI::App* kanwil, CliContext& ctx) {
  CLI::App* designation = kanwil->add_subcommand("designation", "Designation workflow");
  designation->require_subcommand(1);
  AddCreate(designation, ctx);
  AddAct(designation, ctx);
  AddList(kanwil, ctx);
  AddAudit(kanwil, ctx);
}

}  // namespace unggul::cli

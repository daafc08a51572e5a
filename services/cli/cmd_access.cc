// unggulctl access init/grant/revoke/list and token add/revoke: a server's access policy file
// (common/auth/access_policy.h), edited under a lock and replaced atomically; the server re-reads
// it on its next call. Offline: no server is called. A token is printed once, when it is added;
// the file keeps only its salted hash.

#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/auth/access_policy.h"
#include "common/auth/policy_file.h"
#include "common/files/files.h"
#include "common/status/status_macros.h"
#include "services/cli/commands.h"
#include "services/cli/output.h"

namespace unggul::cli {
namespace {

struct AccessFlags {
  std::string policy;
  std::string service;
  std::string identity;
  std::string user;
  std::string role;
  std::string id;
};

void AddPolicy(CLI::App* cmd, AccessFlags& f) {
  cmd->add_option("--policy", f.policy, "Access policy file (the server's --access_policy)")
      ->required();
}

void AddAccessInit(CLI::App* access, CliContext& ctx) {
  auto f = std::make_shared<AccessFlags>();
  CLI::App* cmd =
      access->add_subcommand("init", "Create an empty access policy (never overwrites)");
  AddPolicy(cmd, *f);
  cmd->add_option("--service", f->service, "Which server reads it: kanwil or node")
      ->required()
      ->check(CLI::IsMember({"kanwil", "node"}));
  ctx.OnRunLocal(cmd, [f]() -> absl::Status {
    UNGGUL_RETURN_IF_ERROR(auth::CreatePolicyFile(
        f->policy, f->service == "kanwil" ? auth::Service::kKanwil : auth::Service::kNode));
    std::cout << "access policy for " << f->service << " written to " << f->policy << "\n";
    return absl::OkStatus();
  });
}

void AddAccessGrant(CLI::App* access, CliContext& ctx) {
  auto f = std::make_shared<AccessFlags>();
  CLI::App* cmd = access->add_subcommand(
      "grant", "Give a person's certificate identity a role (replaces its previous role)");
  AddPolicy(cmd, *f);
  cmd->add_option("--identity", f->identity,
                  "SPIFFE ID of the certificate, spiffe://unggul/kanwil/<KANWIL>/user/<user>")
      ->required();
  cmd->add_option("--role", f->role,
                  "kanwil: VIEWER ASSESSOR PROPOSER VERIFIER APPROVER ADMIN; "
                  "node: OPERATOR VIEWER")
      ->required();
  ctx.OnRunLocal(cmd, [f]() -> absl::Status {
    UNGGUL_RETURN_IF_ERROR(auth::EditPolicyFile(
        f->policy, [&](auth::AccessPolicy& p) { return p.Grant(f->identity, f->role); }));
    std::cout << f->identity << " has role " << f->role << "\n";
    return absl::OkStatus();
  });
}

void AddAccessRevoke(CLI::App* access, CliContext& ctx) {
  auto f = std::make_shared<AccessFlags>();
  CLI::App* cmd = access->add_subcommand("revoke", "Take a certificate identity's role away");
  AddPolicy(cmd, *f);
  cmd->add_option("--identity", f->identity, "SPIFFE ID of the certificate")->required();
  ctx.OnRunLocal(cmd, [f]() -> absl::Status {
    UNGGUL_RETURN_IF_ERROR(auth::EditPolicyFile(
        f->policy, [&](auth::AccessPolicy& p) { return p.Ungrant(f->identity); }));
    std::cout << f->identity << " has no role any more\n";
    return absl::OkStatus();
  });
}

void AddAccessList(CLI::App* access, CliContext& ctx) {
  auto f = std::make_shared<AccessFlags>();
  CLI::App* cmd = access->add_subcommand("list", "Certificate roles and tokens (never secrets)");
  AddPolicy(cmd, *f);
  ctx.OnRunLocal(cmd, [&ctx, f]() -> absl::Status {
    UNGGUL_ASSIGN_OR_RETURN(std::string text, files::ReadFile(f->policy));
    UNGGUL_ASSIGN_OR_RETURN(auth::AccessPolicy policy, auth::AccessPolicy::Parse(text));
    std::vector<std::vector<std::string>> rows;
    std::string json = "[";
    for (const auth::AccessPolicy::Entry& e : policy.entries()) {
      const bool cert = e.kind == auth::AccessPolicy::Entry::Kind::kCert;
      const std::string state = e.revoked ? "revoked" : "active";
      rows.push_back({cert ? "cert" : "token", e.subject, e.role, cert ? "-" : e.token_id, state});
      absl::StrAppend(
          &json, json.size() > 1 ? ", " : "", "{\"kind\": ", JsonQuote(cert ? "cert" : "token"),
          ", \"subject\": ", JsonQuote(e.subject), ", \"role\": ", JsonQuote(e.role),
          ", \"token_id\": ", JsonQuote(e.token_id), ", \"state\": ", JsonQuote(state), "}");
    }
    if (ctx.json()) {
      std::cout << "{\"service\": " << JsonQuote(std::string(auth::ServiceName(policy.service())))
                << ", \"entries\": " << json << "]}\n";
    } else {
      std::cout << "service " << auth::ServiceName(policy.service()) << "\n"
                << RenderTable({"KIND", "SUBJECT", "ROLE", "TOKEN_ID", "STATE"}, rows);
    }
    return absl::OkStatus();
  });
}

void AddTokenAdd(CLI::App* token, CliContext& ctx) {
  auto f = std::make_shared<AccessFlags>();
  CLI::App* cmd = token->add_subcommand(
      "add", "Add a bearer token for a user and print it (once: only its hash is kept)");
  AddPolicy(cmd, *f);
  cmd->add_option("--user", f->user, "Who holds it, lower case, e.g. dasbor.rapat")->required();
  cmd->add_option("--role", f->role,
                  "kanwil: VIEWER ASSESSOR PROPOSER VERIFIER APPROVER ADMIN; "
                  "node: OPERATOR VIEWER")
      ->required();
  ctx.OnRunLocal(cmd, [&ctx, f]() -> absl::Status {
    std::string token;
    UNGGUL_RETURN_IF_ERROR(auth::EditPolicyFile(f->policy, [&](auth::AccessPolicy& p) {
      absl::StatusOr<std::string> added = p.AddToken(f->user, f->role);
      if (added.ok()) token = *added;
      return added.status();
    }));
    if (ctx.json()) {
      std::cout << "{\"user\": " << JsonQuote(f->user) << ", \"role\": " << JsonQuote(f->role)
                << ", \"token\": " << JsonQuote(token) << "}\n";
    } else {
      std::cout << token << "\n";
    }
    return absl::OkStatus();
  });
}

void AddTokenRevoke(CLI::App* token, CliContext& ctx) {
  auto f = std::make_shared<AccessFlags>();
  CLI::App* cmd = token->add_subcommand(
      "revoke", "Revoke every active token of a user, or one token by its id");
  AddPolicy(cmd, *f);
  auto* user = cmd->add_option("--user", f->user, "Revoke all tokens of this user");
  auto* id = cmd->add_option("--id", f->id, "Revoke the token with this id (8 hex digits)");
  user->excludes(id);
  ctx.OnRunLocal(cmd, [f]() -> absl::Status {
    const std::string& which = f->user.empty() ? f->id : f->user;
    if (which.empty()) return absl::InvalidArgumentError("--user or --id: one is required");
    int revoked = 0;
    UNGGUL_RETURN_IF_ERROR(auth::EditPolicyFile(f->policy, [&](auth::AccessPolicy& p) {
      absl::StatusOr<int> n = p.RevokeTokens(which);
      if (n.ok()) revoked = *n;
      return n.status();
    }));
    std::cout << "revoked " << revoked << " token(s) of " << which << "\n";
    return absl::OkStatus();
  });
}

}  // namespace

void RegisterAccessCommands(CLI::App& app, CliContext& ctx) {
  CLI::App* access = app.add_subcommand(
      "access", "A server's access policy file: init, grant (certificate roles), revoke, list");
  access->require_subcommand(1);
  AddAccessInit(access, ctx);
  AddAccessGrant(access, ctx);
  AddAccessRevoke(access, ctx);
  AddAccessList(access, ctx);
  CLI::App* token =
      app.add_subcommand("token", "Bearer tokens in a server's access policy file: add, revoke");
  token->require_subcommand(1);
  AddTokenAdd(token, ctx);
  AddTokenRevoke(token, ctx);
}

}  // namespace unggul::cli

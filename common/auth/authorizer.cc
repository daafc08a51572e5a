#include "common/auth/authorizer.h"

#include <algorithm>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"

namespace unggul::auth {
namespace {

bool Has(const std::vector<std::string>& roles, absl::string_view role) {
  return std::find(roles.begin(), roles.end(), role) != roles.end();
}

absl::StatusOr<Identity> AuthenticateWith(const Caller& caller, const AccessPolicy& policy) {
  if (!caller.authorization.empty()) {
    absl::string_view token = caller.authorization;
    if (!absl::ConsumePrefix(&token, "Bearer ") || token.empty()) {
      return absl::UnauthenticatedError("authorization: must be \"Bearer <token>\"");
    }
    return policy.AuthenticateToken(token);
  }
  if (!caller.cert) {
    return absl::UnauthenticatedError(
        "no credentials: present a client certificate of the Kanwil's CA or "
        "authorization: Bearer <token>");
  }
  const std::string uri = pki::SpiffeUri(*caller.cert);
  if (caller.cert_revoked) {
    return absl::PermissionDeniedError(
        absl::StrCat("certificate ", caller.cert_serial, " of ", uri, " is revoked"));
  }
  Identity identity;
  identity.credential = absl::StrCat("cert ", uri);
  switch (caller.cert->kind) {
    case pki::PeerId::Kind::kUpt:
      identity.kind = Identity::Kind::kNode;
      identity.user = caller.cert->name;
      break;
    case pki::PeerId::Kind::kUser:
      identity.kind = Identity::Kind::kCert;
      identity.user = caller.cert->name;
      identity.role = policy.RoleOfCert(uri).value_or("");
      break;
    case pki::PeerId::Kind::kAggregator:
      identity.kind = Identity::Kind::kOther;
      identity.user = "aggregator";
      break;
  }
  return identity;
}

}  // namespace

std::string DescribeRoles(const std::vector<std::string>& roles) {
  return absl::StrJoin(roles, " or ");
}

RoleTable PublicMethods() {
  return {
      {"/grpc.health.v1.Health/Check", {kPublic}},
      {"/grpc.health.v1.Health/Watch", {kPublic}},
      {"/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo", {kPublic}},
  };
}

Authorizer::Authorizer(RoleTable table, std::string open_role, bool plaintext)
    : table_(std::move(table)), open_role_(std::move(open_role)), plaintext_(plaintext) {
  for (MethodRule& rule : PublicMethods()) table_.push_back(std::move(rule));
}

absl::StatusOr<Identity> Authorizer::Authenticate(const Caller& caller,
                                                  const AccessPolicy* policy) const {
  if (policy != nullptr) return AuthenticateWith(caller, *policy);
  Identity open;
  open.kind = Identity::Kind::kOpen;
  open.role = open_role_;
  return open;
}

const MethodRule* Authorizer::Find(absl::string_view method) const {
  for (const MethodRule& rule : table_) {
    if (rule.method == method) return &rule;
  }
  return nullptr;
}

absl::StatusOr<Identity> Authorizer::Decide(absl::string_view method, const Caller& caller,
                                            const AccessPolicy* policy) const {
  const MethodRule* rule = Find(method);
  if (rule == nullptr) {
    return absl::UnimplementedError(absl::StrCat(method, ": not served here"));
  }
  if (Has(rule->roles, kPublic)) return Identity{};
  if (policy == nullptr) {
    Identity open;
    open.kind = Identity::Kind::kOpen;
    open.role = open_role_;
    return open;
  }
  // No one has a certificate on plaintext: the sync stream's own admission decides.
  if (Has(rule->roles, kUptNode) && plaintext_) return Identity{};
  absl::StatusOr<Identity> identity = AuthenticateWith(caller, *policy);
  if (!identity.ok()) return identity;
  if (Has(rule->roles, kUptNode)) {
    if (identity->kind == Identity::Kind::kNode) return identity;
    return absl::PermissionDeniedError(absl::StrCat(
        method, ": only a UPT node's certificate may call it, not ", identity->Describe()));
  }
  if (!identity->role.empty() && Has(rule->roles, identity->role)) return identity;
  return absl::PermissionDeniedError(absl::StrCat(method, ": needs ", DescribeRoles(rule->roles),
                                                  "; ", identity->Describe(),
                                                  identity->role.empty() ? " has no role" : ""));
}

}  // namespace unggul::auth

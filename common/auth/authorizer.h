#pragma once

// The one decision every call of an Unggul server goes through (the gRPC adapter,
// common/auth/grpc_auth.h, runs it before any handler): find the method in the service's role
// table, authenticate the caller, check the role. Pure: no gRPC, no files, no clock.
//
// Decisions, in this order:
//   1. a method not in the table              -> UNIMPLEMENTED (fail closed: no handler runs;
//                                                  the code gRPC gives for an unknown method)
//   2. a PUBLIC method (health, reflection)   -> allowed, credentials not looked at
//   3. no access policy (--insecure only)     -> allowed, the caller trusted as the open role
//   4. authentication: a bearer token if the call carries `authorization`, else the client
//      certificate; no credentials, a malformed, unknown or revoked token -> UNAUTHENTICATED;
//      a revoked certificate (its holder is known, and barred) -> PERMISSION_DENIED
//   5. UPT_NODE methods (KanwilSync.Sync) take a UPT node's certificate (on plaintext, where no
//      one has a certificate, anyone); every other method a role listed in its entry
//                                              -> PERMISSION_DENIED otherwise.
// Every refusal's message names the method, the identity and the rule. Thread-safe (const).

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/auth/access_policy.h"
#include "common/pki/pki.h"

namespace unggul::auth {

// Pseudo-roles of a table entry.
inline constexpr char kPublic[] = "PUBLIC";     // anyone, without credentials
inline constexpr char kUptNode[] = "UPT_NODE";  // a UPT node's client certificate

// One RPC and the roles that may call it ("/package.Service/Method").
struct MethodRule {
  std::string method;
  std::vector<std::string> roles;
  bool write = false;  // counted against the caller's write rate limit
};
using RoleTable = std::vector<MethodRule>;

// The methods every server serves to anyone: grpc.health.v1.Health Check and Watch, and server
// reflection (v1alpha).
RoleTable PublicMethods();

// What the transport says about the caller.
struct Caller {
  std::string authorization;        // the "authorization" metadata, "" when absent
  std::optional<pki::PeerId> cert;  // from a verified client certificate
  std::string cert_serial;          // its serial (canonical hex)
  bool cert_revoked = false;        // on the deny-list
};

class Authorizer {
 public:
  // `table`: every method of the server (PublicMethods() are added). `open_role`: the role of
  // every caller when there is no policy. `plaintext`: the listener has no TLS.
  Authorizer(RoleTable table, std::string open_role, bool plaintext);

  // `policy` null: no access policy (open). See the decisions above.
  absl::StatusOr<Identity> Decide(absl::string_view method, const Caller& caller,
                                  const AccessPolicy* policy) const;

  // Step 4 alone: who the caller is (kOpen with the open role when `policy` is null).
  absl::StatusOr<Identity> Authenticate(const Caller& caller, const AccessPolicy* policy) const;

  const MethodRule* Find(absl::string_view method) const;
  const RoleTable& table() const { return table_; }

 private:
  RoleTable table_;
  std::string open_role_;
  bool plaintext_;
};

// "PROPOSER or ADMIN" for messages.
std::string DescribeRoles(const std::vector<std::string>& roles);

}  // namespace unggul::auth

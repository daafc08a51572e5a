#pragma once

// The access policy of one server: who its callers are and which role each one has. A CSV file,
// edited only by `unggulctl access` and `unggulctl token` (which validate it) and read by the
// server, which re-reads it when it changes:
//
//   kind,subject,role,token_id,token_hash,state
//   service,kanwil,,,,                                    which server: kanwil or node (first row)
//   cert,spiffe://unggul/kanwil/SUMSEL/user/ani,APPROVER,,,active
//   token,budi,VIEWER,1f0c9a3e,<salt hex>:<sha256 hex>,active
//   token,budi,VIEWER,77aa0012,<salt hex>:<sha256 hex>,revoked
//
// `cert` rows give a person's client certificate (its SPIFFE ID, common/pki) a role. `token` rows
// hold bearer tokens for callers without a certificate (dashboards, scripts). A token is shown
// once when created, "ung_<token_id>_<secret>" (8 + 64 hex digits); the file keeps only a random
// 16-byte salt and SHA-256(salt hex + secret), compared in constant time. Revoked tokens stay as
// rows so a caller still using one is told so (and the attempt is logged). A person's identity
// is lower-case ([a-z0-9._-]{1,64}: the user of a certificate or the user of a token), so
// separation of duties cannot be dodged by case.
//
// Roles: kanwil VIEWER ASSESSOR PROPOSER VERIFIER APPROVER ADMIN; node OPERATOR VIEWER.
// Errors: InvalidArgument "access policy line N: <field>: <rule>, got …" when parsing, and
// "<field>: <rule>, got …" when editing; Unauthenticated from AuthenticateToken. Thread-compatible
// (servers share one parsed policy read-only).

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace unggul::auth {

enum class Service { kKanwil, kNode };

// "kanwil" / "node".
absl::string_view ServiceName(Service service);
// The roles a policy of `service` may grant, in the order the docs list them.
const std::vector<std::string>& RolesOf(Service service);

// Who is calling, after authentication.
struct Identity {
  enum class Kind {
    kOpen,       // no access policy (--insecure only): anyone, trusted as `role`
    kAnonymous,  // a public method (health, reflection): credentials not looked at
    kToken,      // a bearer token of the policy
    kCert,       // a person's client certificate (spiffe://.../user/<user>)
    kNode,       // a UPT node's client certificate (spiffe://.../upt/<UPT>)
    kOther,      // another certificate of the CA (the aggregator's): no role
  };
  Kind kind = Kind::kAnonymous;
  std::string user;        // lower-case person, "" for kOpen/kAnonymous; the UPT code for kNode
  std::string role;        // "" when the policy gives none
  std::string credential;  // "token 1f0c9a3e", "cert spiffe://…" (for logs), "" otherwise

  // "budi (VIEWER, token 1f0c9a3e)" for logs and errors.
  std::string Describe() const;
};

class AccessPolicy {
 public:
  struct Entry {
    enum class Kind { kCert, kToken };
    Kind kind = Kind::kToken;
    std::string subject;  // SPIFFE ID (cert) or user (token)
    std::string role;
    std::string token_id;    // tokens only
    std::string token_hash;  // "<salt hex>:<sha256 hex>", tokens only
    bool revoked = false;    // tokens only
  };

  explicit AccessPolicy(Service service) : service_(service) {}

  static absl::StatusOr<AccessPolicy> Parse(absl::string_view text);
  // The file form, header and service row first; Parse(Serialize()) gives this policy back.
  std::string Serialize() const;

  Service service() const { return service_; }
  const std::vector<Entry>& entries() const { return entries_; }

  // `token` is what follows "Bearer ". Unauthenticated "bearer token: …" if it is malformed,
  // unknown, or revoked (naming its id and user).
  absl::StatusOr<Identity> AuthenticateToken(absl::string_view token) const;
  // The role of a person's certificate, nullopt when the policy names it nowhere.
  std::optional<std::string> RoleOfCert(absl::string_view spiffe_uri) const;

  // Editing (unggulctl). Adds a token for `user` with `role` and returns the token itself (the
  // only time it exists in clear). InvalidArgument naming user or role.
  absl::StatusOr<std::string> AddToken(absl::string_view user, absl::string_view role);
  // Revokes every active token of `user_or_id` (a user, or one token id); returns how many.
  // NotFound when there is none.
  absl::StatusOr<int> RevokeTokens(absl::string_view user_or_id);
  // Gives the certificate identity `spiffe_uri` (a person: .../user/<user>) `role`, replacing
  // its previous role. InvalidArgument naming identity or role.
  absl::Status Grant(absl::string_view spiffe_uri, absl::string_view role);
  // Removes the certificate identity's role. NotFound when it has none.
  absl::Status Ungrant(absl::string_view spiffe_uri);

 private:
  absl::Status CheckRole(absl::string_view role) const;

  Service service_;
  std::vector<Entry> entries_;
};

// OK for a person's identity: [a-z0-9._-]{1,64}, not "." or "..". InvalidArgument naming `field`.
absl::Status ValidateUser(absl::string_view field, absl::string_view user);

}  // namespace unggul::auth

#include "common/auth/access_policy.h"

#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/crypto/sha256.h"
#include "common/csv/csv.h"
#include "common/pki/pki.h"
#include "common/status/echo.h"
#include "common/status/status_macros.h"

namespace unggul::auth {
namespace {

constexpr char kHeader[] = "kind,subject,role,token_id,token_hash,state";
constexpr char kTokenPrefix[] = "ung_";
constexpr size_t kTokenIdHex = 8;
constexpr size_t kSecretHex = 64;
constexpr size_t kSaltBytes = 16;

bool IsLowerHex(absl::string_view s) {
  for (char c : s) {
    if (!absl::ascii_isdigit(c) && (c < 'a' || c > 'f')) return false;
  }
  return true;
}

std::string HashSecret(absl::string_view salt_hex, absl::string_view secret) {
  return Sha256Hex(absl::StrCat(salt_hex, secret));
}

absl::StatusOr<pki::PeerId> PersonOf(absl::string_view field, absl::string_view uri) {
  absl::StatusOr<pki::PeerId> id = pki::ParseSpiffeUri(uri);
  if (!id.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(field, ": ", id.status().message()));
  }
  if (id->kind != pki::PeerId::Kind::kUser) {
    return absl::InvalidArgumentError(absl::StrCat(
        field, ": must be a person's identity (spiffe://unggul/kanwil/<KANWIL>/user/<user>), got ",
        Echo(uri)));
  }
  return id;
}

}  // namespace

absl::string_view ServiceName(Service service) {
  return service == Service::kKanwil ? "kanwil" : "node";
}

const std::vector<std::string>& RolesOf(Service service) {
  static const auto* kanwil = new std::vector<std::string>{"VIEWER",   "ASSESSOR", "PROPOSER",
                                                           "VERIFIER", "APPROVER", "ADMIN"};
  static const auto* node = new std::vector<std::string>{"OPERATOR", "VIEWER"};
  return service == Service::kKanwil ? *kanwil : *node;
}

std::string Identity::Describe() const {
  switch (kind) {
    case Kind::kOpen:
      return absl::StrCat("anyone (no access policy, trusted as ", role, ")");
    case Kind::kAnonymous:
      return "anonymous";
    case Kind::kNode:
      return absl::StrCat("UPT node ", user, " (", credential, ")");
    default:
      break;
  }
  return absl::StrCat(user.empty() ? "unknown" : user, " (",
                      role.empty() ? "no role" : absl::StrCat("role ", role), ", ", credential,
                      ")");
}

absl::Status ValidateUser(absl::string_view field, absl::string_view user) {
  bool ok = !user.empty() && user.size() <= 64 && user != "." && user != "..";
  for (char c : user) {
    if (!absl::ascii_islower(c) && !absl::ascii_isdigit(c) && c != '.' && c != '_' && c != '-') {
      ok = false;
    }
  }
  if (ok) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat(field, ": must be 1..64 of a-z 0-9 . _ - (lower case), got ", Echo(user)));
}

absl::Status AccessPolicy::CheckRole(absl::string_view role) const {
  for (const std::string& r : RolesOf(service_)) {
    if (r == role) return absl::OkStatus();
  }
  return absl::InvalidArgumentError(absl::StrCat("role: must be one of ",
                                                 absl::StrJoin(RolesOf(service_), ", "), " (",
                                                 ServiceName(service_), "), got ", Echo(role)));
}

absl::StatusOr<AccessPolicy> AccessPolicy::Parse(absl::string_view text) {
  UNGGUL_ASSIGN_OR_RETURN(std::vector<CsvRow> rows, ParseCsv(text));
  std::optional<AccessPolicy> policy;
  for (const CsvRow& row : rows) {
    auto bad = [&](const absl::Status& s) {
      return absl::InvalidArgumentError(
          absl::StrCat("access policy line ", row.line, ": ", s.message()));
    };
    auto rule = [&](absl::string_view why) { return bad(absl::InvalidArgumentError(why)); };
    if (row.cells.size() != 6) {
      return rule(absl::StrCat("row: must have 6 cells (", kHeader, "), got ", row.cells.size()));
    }
    const std::vector<std::string>& c = row.cells;
    if (row.line == 1 && absl::StrJoin(c, ",") == kHeader) continue;
    if (!policy) {
      if (c[0] != "service" || (c[1] != "kanwil" && c[1] != "node")) {
        return rule(absl::StrCat("the first row must be service,kanwil or service,node, got ",
                                 Echo(absl::StrJoin(c, ","))));
      }
      policy.emplace(c[1] == "kanwil" ? Service::kKanwil : Service::kNode);
      continue;
    }
    Entry e;
    e.subject = c[1];
    e.role = c[2];
    if (absl::Status s = policy->CheckRole(e.role); !s.ok()) return bad(s);
    if (c[0] == "cert") {
      e.kind = Entry::Kind::kCert;
      if (auto id = PersonOf("subject", e.subject); !id.ok()) return bad(id.status());
      if (!c[3].empty() || !c[4].empty() || c[5] != "active") {
        return rule("cert: token_id and token_hash must be empty and state active");
      }
      if (policy->RoleOfCert(e.subject)) return rule("subject: named twice");
    } else if (c[0] == "token") {
      e.kind = Entry::Kind::kToken;
      if (absl::Status s = ValidateUser("subject", e.subject); !s.ok()) return bad(s);
      e.token_id = c[3];
      e.token_hash = c[4];
      if (e.token_id.size() != kTokenIdHex || !IsLowerHex(e.token_id)) {
        return rule(absl::StrCat("token_id: must be ", kTokenIdHex, " lower-case hex digits, got ",
                                 Echo(e.token_id)));
      }
      std::pair<absl::string_view, absl::string_view> parts = absl::StrSplit(e.token_hash, ':');
      if (parts.first.size() != 2 * kSaltBytes || parts.second.size() != 64 ||
          !IsLowerHex(parts.first) || !IsLowerHex(parts.second)) {
        return rule("token_hash: must be <32 hex salt>:<64 hex sha256>");
      }
      if (c[5] != "active" && c[5] != "revoked") {
        return rule(absl::StrCat("state: must be active or revoked, got ", Echo(c[5])));
      }
      e.revoked = c[5] == "revoked";
      for (const Entry& other : policy->entries_) {
        if (other.kind == Entry::Kind::kToken && other.token_id == e.token_id) {
          return rule(absl::StrCat("token_id: ", e.token_id, " is used twice"));
        }
      }
    } else {
      return rule(absl::StrCat("kind: must be cert or token, got ", Echo(c[0])));
    }
    policy->entries_.push_back(std::move(e));
  }
  if (!policy) {
    return absl::InvalidArgumentError(
        "access policy: empty; create it with `unggulctl access init --service kanwil|node`");
  }
  return *std::move(policy);
}

std::string AccessPolicy::Serialize() const {
  std::string out = absl::StrCat(kHeader, "\nservice,", ServiceName(service_), ",,,,\n");
  for (const Entry& e : entries_) {
    const bool cert = e.kind == Entry::Kind::kCert;
    absl::StrAppend(&out, cert ? "cert" : "token", ",", CsvEscape(e.subject), ",", e.role, ",",
                    e.token_id, ",", e.token_hash, ",", e.revoked ? "revoked" : "active", "\n");
  }
  return out;
}

absl::StatusOr<Identity> AccessPolicy::AuthenticateToken(absl::string_view token) const {
  absl::string_view rest = token;
  if (!absl::ConsumePrefix(&rest, kTokenPrefix) || rest.size() != kTokenIdHex + 1 + kSecretHex ||
      rest[kTokenIdHex] != '_') {
    return absl::UnauthenticatedError(
        "bearer token: must be ung_<8 hex>_<64 hex> as `unggulctl token add` prints it");
  }
  const absl::string_view id = rest.substr(0, kTokenIdHex);
  const absl::string_view secret = rest.substr(kTokenIdHex + 1);
  for (const Entry& e : entries_) {
    if (e.kind != Entry::Kind::kToken || e.token_id != id) continue;
    const size_t colon = e.token_hash.find(':');
    const absl::string_view salt = absl::string_view(e.token_hash).substr(0, colon);
    const absl::string_view hash = absl::string_view(e.token_hash).substr(colon + 1);
    if (!ConstantTimeEquals(HashSecret(salt, secret), hash)) break;
    if (e.revoked) {
      return absl::UnauthenticatedError(
          absl::StrCat("bearer token: token ", e.token_id, " of ", e.subject, " is revoked"));
    }
    Identity identity;
    identity.kind = Identity::Kind::kToken;
    identity.user = e.subject;
    identity.role = e.role;
    identity.credential = absl::StrCat("token ", e.token_id);
    return identity;
  }
  return absl::UnauthenticatedError("bearer token: unknown");
}

std::optional<std::string> AccessPolicy::RoleOfCert(absl::string_view spiffe_uri) const {
  for (const Entry& e : entries_) {
    if (e.kind == Entry::Kind::kCert && e.subject == spiffe_uri) return e.role;
  }
  return std::nullopt;
}

absl::StatusOr<std::string> AccessPolicy::AddToken(absl::string_view user, absl::string_view role) {
  UNGGUL_RETURN_IF_ERROR(ValidateUser("user", user));
  UNGGUL_RETURN_IF_ERROR(CheckRole(role));
  Entry e;
  e.kind = Entry::Kind::kToken;
  e.subject = std::string(user);
  e.role = std::string(role);
  for (bool unique = false; !unique;) {
    UNGGUL_ASSIGN_OR_RETURN(e.token_id, RandomHex(kTokenIdHex / 2));
    unique = true;
    for (const Entry& other : entries_) {
      if (other.kind == Entry::Kind::kToken && other.token_id == e.token_id) unique = false;
    }
  }
  UNGGUL_ASSIGN_OR_RETURN(std::string secret, RandomHex(kSecretHex / 2));
  UNGGUL_ASSIGN_OR_RETURN(std::string salt, RandomHex(kSaltBytes));
  e.token_hash = absl::StrCat(salt, ":", HashSecret(salt, secret));
  std::string token = absl::StrCat(kTokenPrefix, e.token_id, "_", secret);
  entries_.push_back(std::move(e));
  return token;
}

absl::StatusOr<int> AccessPolicy::RevokeTokens(absl::string_view user_or_id) {
  int revoked = 0;
  for (Entry& e : entries_) {
    if (e.kind != Entry::Kind::kToken || e.revoked) continue;
    if (e.subject == user_or_id || e.token_id == user_or_id) {
      e.revoked = true;
      ++revoked;
    }
  }
  if (revoked == 0) {
    return absl::NotFoundError(
        absl::StrCat("user or token id: no active token of ", Echo(user_or_id)));
  }
  return revoked;
}

absl::Status AccessPolicy::Grant(absl::string_view spiffe_uri, absl::string_view role) {
  UNGGUL_RETURN_IF_ERROR(PersonOf("identity", spiffe_uri).status());
  UNGGUL_RETURN_IF_ERROR(CheckRole(role));
  for (Entry& e : entries_) {
    if (e.kind == Entry::Kind::kCert && e.subject == spiffe_uri) {
      e.role = std::string(role);
      return absl::OkStatus();
    }
  }
  Entry e;
  e.kind = Entry::Kind::kCert;
  e.subject = std::string(spiffe_uri);
  e.role = std::string(role);
  entries_.push_back(std::move(e));
  return absl::OkStatus();
}

absl::Status AccessPolicy::Ungrant(absl::string_view spiffe_uri) {
  for (auto it = entries_.begin(); it != entries_.end(); ++it) {
    if (it->kind == Entry::Kind::kCert && it->subject == spiffe_uri) {
      entries_.erase(it);
      return absl::OkStatus();
    }
  }
  return absl::NotFoundError(absl::StrCat("identity: ", Echo(spiffe_uri), " has no role"));
}

}  // namespace unggul::auth

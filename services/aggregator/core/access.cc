#include "services/aggregator/core/access.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/csv/csv.h"
#include "common/status/status_macros.h"

namespace unggul::aggregator {
namespace {

bool Allows(absl::string_view role, Permission needed) {
  if (role == "admin") return true;
  switch (needed) {
    case Permission::kRead:
      return true;
    case Permission::kPropose:
      return role == "proposer";
    case Permission::kVerify:
      return role == "verifier";
    case Permission::kApprove:
      return role == "approver";
  }
  return false;
}

const char* PermissionName(Permission p) {
  switch (p) {
    case Permission::kRead:
      return "read";
    case Permission::kPropose:
      return "propose";
    case Permission::kVerify:
      return "verify";
    case Permission::kApprove:
      return "approve";
  }
  return "?";
}

}  // namespace

absl::StatusOr<AccessPolicy> AccessPolicy::Parse(absl::string_view csv) {
  UNGGUL_ASSIGN_OR_RETURN(std::vector<CsvRow> rows, ParseCsv(csv));
  AccessPolicy policy;
  for (const CsvRow& row : rows) {
    auto bad = [&](absl::string_view why) {
      return absl::InvalidArgumentError(absl::StrCat("tokens line ", row.line, ": ", why));
    };
    if (row.cells.size() == 3 && row.cells[0] == "token") continue;  // header
    if (row.cells.size() != 3) return bad("must be token,user,role");
    const std::string token(absl::StripAsciiWhitespace(row.cells[0]));
    const std::string user(absl::StripAsciiWhitespace(row.cells[1]));
    const std::string role = absl::AsciiStrToLower(absl::StripAsciiWhitespace(row.cells[2]));
    if (token.size() < 16) return bad("token must be at least 16 characters");
    if (user.empty() || user.size() > 64) return bad("user must be 1..64 characters");
    if (role != "viewer" && role != "proposer" && role != "verifier" && role != "approver" &&
        role != "admin") {
      return bad(absl::StrCat("unknown role \"", role,
                              "\" (viewer, proposer, verifier, approver, admin)"));
    }
    if (!policy.tokens_.emplace(token, Principal{user, role}).second) {
      return bad("duplicate token");
    }
  }
  return policy;
}

absl::StatusOr<Principal> AccessPolicy::Authorize(absl::string_view authorization,
                                                  Permission needed) const {
  if (!enabled()) return Principal{"", "admin"};
  absl::string_view token = authorization;
  if (!absl::ConsumePrefix(&token, "Bearer ") || token.empty()) {
    return absl::UnauthenticatedError("missing bearer token (authorization: Bearer <token>)");
  }
  auto it = tokens_.find(token);
  if (it == tokens_.end()) return absl::UnauthenticatedError("unknown bearer token");
  if (!Allows(it->second.role, needed)) {
    return absl::PermissionDeniedError(absl::StrCat(
        "role ", it->second.role, " of ", it->second.user, " may not ", PermissionName(needed)));
  }
  return it->second;
}

}  // namespace unggul::aggregator

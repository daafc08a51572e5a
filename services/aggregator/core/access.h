#pragma once

// Who may call what on the Kanwil APIs (DESIGN.md "Security"): bearer tokens mapped to a user
// and a role, from a CSV file `token,user,role`. Roles: viewer (reads), proposer (drafts,
// submits, withdraws designations), verifier (verifies or rejects; enters panel scores; verifies
// labour reports), approver (approves, publishes, revokes), admin (everything). Every RPC
// declares the permission it needs. Without a tokens file the API is open (local demo): every
// caller is admin and the actor named in a request is trusted. Thread-safe after Parse.

#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace unggul::aggregator {

enum class Permission {
  kRead,
  kPropose,  // CreateDesignation, SUBMIT, WITHDRAW
  kVerify,   // VERIFY, REJECT, SubmitAssessment, VerifyMonthlyReports, Record/CloseIncident
  kApprove,  // APPROVE, PUBLISH, REVOKE
};

struct Principal {
  std::string user;
  std::string role;  // "viewer", "proposer", "verifier", "approver", "admin"
};

class AccessPolicy {
 public:
  // An open policy: authentication off.
  AccessPolicy() = default;
  // InvalidArgument "tokens line N: ..." for a malformed row, an unknown role, a duplicate
  // token or a token shorter than 16 characters.
  static absl::StatusOr<AccessPolicy> Parse(absl::string_view csv);

  bool enabled() const { return !tokens_.empty(); }
  // `authorization` is the request's "authorization" metadata ("Bearer <token>").
  // Unauthenticated: missing or unknown token. PermissionDenied: the role lacks `needed`.
  // With authentication off, returns an admin principal with an empty user.
  absl::StatusOr<Principal> Authorize(absl::string_view authorization, Permission needed) const;

 private:
  std::map<std::string, Principal, std::less<>> tokens_;
};

}  // namespace unggul::aggregator

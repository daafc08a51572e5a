#pragma once

// The security and input-limit flags every server binary shares (--tls_cert, --tls_key, --tls_ca,
// --tls_revoked, --tls_reload_interval, --insecure, --access_policy, --max_message_bytes,
// --max_page_size), the TLS files read into tls::TlsFiles and checked at
// start: without certificates a server refuses to start unless --insecure, which it logs as a
// warning. Returns the process's own identity (nullopt when insecure). Also reads the shared
// input limits (InvalidArgument naming the flag when out of range). --access_policy names the
// file of roles and tokens that AuthFromFlags turns into the server's auth processor.

#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "common/auth/grpc_auth.h"
#include "common/pki/pki.h"
#include "common/tls/tls.h"

namespace unggul {

// Input limits every server shares (--max_message_bytes, --max_page_size).
struct ServerLimits {
  int max_message_bytes = 4 << 20;
  int max_page_size = 1000;
};

struct ServerSecurity {
  tls::TlsFiles files;
  std::optional<pki::PeerId> self;  // from --tls_cert
  // "mutual TLS as <uri>" or "INSECURE (plaintext on loopback, no identities)": for logs and
  // info output.
  std::string description;
  std::string access_policy;  // --access_policy, "" for none
  ServerLimits limits;
};

absl::StatusOr<ServerSecurity> ServerSecurityFromFlags();

// The auth processor of a server from --access_policy: `table` is the service's role table,
// `revoked` the deny-list (may be null). Without a policy: InvalidArgument unless --insecure,
// where every caller is trusted as ADMIN (kanwil) or OPERATOR (node), with a warning.
absl::StatusOr<std::shared_ptr<auth::AuthProcessor>> AuthFromFlags(const ServerSecurity& security,
                                                                   auth::Service service,
                                                                   auth::RoleTable table,
                                                                   tls::RevocationList* revoked,
                                                                   auth::RateLimiter* writes);

}  // namespace unggul

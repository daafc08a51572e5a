#pragma once

// The transport-security flags every server binary shares (--tls_cert, --tls_key, --tls_ca,
// --tls_revoked, --tls_reload_interval, --insecure), read into tls::TlsFiles and checked at
// start: without certificates a server refuses to start unless --insecure, which it logs as a
// warning. Returns the process's own identity (nullopt when insecure).

#include <optional>

#include "absl/status/statusor.h"
#include "common/pki/pki.h"
#include "common/tls/tls.h"

namespace unggul {

struct ServerSecurity {
  tls::TlsFiles files;
  std::optional<pki::PeerId> self;  // from --tls_cert
  // "mutual TLS as <uri>" or "INSECURE (plaintext, no identities)": for logs and info output.
  std::string description;
};

absl::StatusOr<ServerSecurity> ServerSecurityFromFlags();

}  // namespace unggul

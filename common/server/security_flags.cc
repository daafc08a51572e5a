#include "common/server/security_flags.h"

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "common/log/log.h"
#include "common/status/status_macros.h"

ABSL_FLAG(
    std::string, tls_cert, "",
    "PEM certificate of this server, issued by `unggulctl pki issue` (one spiffe://unggul/... "
    "identity); re-read every --tls_reload_interval");
ABSL_FLAG(std::string, tls_key, "", "PEM private key of --tls_cert (mode 0600)");
ABSL_FLAG(std::string, tls_ca, "", "PEM bundle of the Kanwil CA that signs every peer");
ABSL_FLAG(std::string, tls_revoked, "",
          "Deny-list of revoked certificate serials (`unggulctl pki revoke` writes revoked.txt); "
          "re-read when it changes");
ABSL_FLAG(absl::Duration, tls_reload_interval, absl::Seconds(10),
          "How often certificate, key and CA files are re-read (rotation without restart)");
ABSL_FLAG(bool, insecure, false,
          "Serve plaintext without identities (tests on loopback only): no TLS, no certificate "
          "identities, anyone who reaches the port is trusted");

namespace unggul {

absl::StatusOr<ServerSecurity> ServerSecurityFromFlags() {
  ServerSecurity out;
  out.files.cert = absl::GetFlag(FLAGS_tls_cert);
  out.files.key = absl::GetFlag(FLAGS_tls_key);
  out.files.ca = absl::GetFlag(FLAGS_tls_ca);
  out.files.revoked = absl::GetFlag(FLAGS_tls_revoked);
  out.files.reload_interval = absl::GetFlag(FLAGS_tls_reload_interval);
  out.files.insecure = absl::GetFlag(FLAGS_insecure);
  if (out.files.insecure && !out.files.cert.empty()) {
    return absl::InvalidArgumentError("--insecure: cannot be combined with --tls_cert");
  }
  UNGGUL_ASSIGN_OR_RETURN(out.self, tls::CheckFiles(out.files));
  if (out.self) {
    out.description = absl::StrCat("mutual TLS as ", pki::SpiffeUri(*out.self));
  } else {
    out.description = "INSECURE (plaintext, no identities)";
    log::Warn("serving WITHOUT TLS (--insecure): plaintext, no identities; for tests only");
  }
  return out;
}

}  // namespace unggul

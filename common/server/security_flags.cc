#include "common/server/security_flags.h"

#include <memory>
#include <utility>

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
          "Serve plaintext on loopback only, without certificate identities (tests and local "
          "trials): without --access_policy anyone who reaches the port is trusted with every "
          "role");
ABSL_FLAG(int, max_message_bytes, 4 << 20,
          "Largest request message accepted, bytes; a larger one is refused with "
          "RESOURCE_EXHAUSTED before any handler runs (1 KiB..64 MiB).");
ABSL_FLAG(int, max_page_size, 1000,
          "Largest page a list call may ask for (100..1000); a larger page_size is refused with "
          "INVALID_ARGUMENT naming this limit (0 in a request means 100).");
ABSL_FLAG(std::string, access_policy, "",
          "Access policy file (`unggulctl access init|grant`, `unggulctl token add|revoke`): the "
          "role of each person's certificate and the hashed bearer tokens; re-read when it "
          "changes. Required unless --insecure.");

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
  out.access_policy = absl::GetFlag(FLAGS_access_policy);
  out.limits.max_message_bytes = absl::GetFlag(FLAGS_max_message_bytes);
  out.limits.max_page_size = absl::GetFlag(FLAGS_max_page_size);
  if (out.limits.max_message_bytes < 1024 || out.limits.max_message_bytes > (64 << 20)) {
    return absl::InvalidArgumentError("--max_message_bytes: must be from 1024 to 67108864");
  }
  if (out.limits.max_page_size < 100 || out.limits.max_page_size > 1000) {
    return absl::InvalidArgumentError("--max_page_size: must be from 100 to 1000");
  }
  if (out.self) {
    out.description = absl::StrCat("mutual TLS as ", pki::SpiffeUri(*out.self));
  } else {
    out.description = "INSECURE (plaintext on loopback, no identities)";
    log::Warn("serving WITHOUT TLS (--insecure): plaintext, loopback clients only, no identities");
  }
  return out;
}

absl::StatusOr<std::shared_ptr<auth::AuthProcessor>> AuthFromFlags(const ServerSecurity& security,
                                                                   auth::Service service,
                                                                   auth::RoleTable table,
                                                                   tls::RevocationList* revoked,
                                                                   auth::RateLimiter* writes) {
  const std::string open_role = service == auth::Service::kKanwil ? "ADMIN" : "OPERATOR";
  std::unique_ptr<auth::PolicyFile> policy;
  if (!security.access_policy.empty()) {
    absl::StatusOr<std::unique_ptr<auth::PolicyFile>> opened =
        auth::PolicyFile::Open(security.access_policy, service);
    if (!opened.ok()) {
      return absl::Status(opened.status().code(),
                          absl::StrCat("--access_policy: ", opened.status().message()));
    }
    policy = *std::move(opened);
  } else if (!security.files.insecure) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--access_policy: is required (create one with `unggulctl access init --service ",
        auth::ServiceName(service), " --policy FILE`); only --insecure serves without one"));
  } else {
    log::Warn("serving WITHOUT an access policy (--insecure): every caller is trusted as " +
              open_role);
  }
  return std::make_shared<auth::AuthProcessor>(
      auth::Authorizer(std::move(table), open_role, security.files.insecure), std::move(policy),
      revoked, writes);
}

}  // namespace unggul

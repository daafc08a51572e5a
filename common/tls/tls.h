#pragma once

// Transport security of every Unggul listener and client: mutual TLS with certificates from the
// Kanwil's CA (`unggulctl pki`), each identity one SPIFFE URI SAN (common/pki). Key, certificate
// and CA bundle are files, re-read every `reload_interval` (gRPC's file-watcher provider), so a
// rotated certificate takes effect for new connections without a restart; replace key and
// certificate together by rename. Plaintext only with `insecure` (tests on loopback; says so in
// the logs and in node info).
//
// Codes: InvalidArgument (flags: which is missing), NotFound/DataLoss (a file that cannot be read
// or parsed, named), FailedPrecondition (a certificate without a Unggul identity). Thread-safe.

#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/pki/pki.h"
#include "grpcpp/security/auth_context.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/security/server_credentials.h"

namespace unggul::tls {

struct TlsFiles {
  std::string cert;     // PEM certificate of this process (one spiffe://unggul/... URI SAN)
  std::string key;      // its PEM private key
  std::string ca;       // PEM bundle of the CA(s) that sign peers
  std::string revoked;  // optional deny-list of serials (`unggulctl pki` revoked.txt)
  absl::Duration reload_interval = absl::Seconds(10);
  bool insecure = false;  // plaintext, no identities
};

// Checks the flags (all three files, or insecure) and that the files parse; returns this
// process's own identity from its certificate (nullopt when insecure).
absl::StatusOr<std::optional<pki::PeerId>> CheckFiles(const TlsFiles& files);

enum class ClientCerts {
  kRequire,   // every client presents a certificate of our CA (the aggregator's sync peers)
  kOptional,  // verified when presented (callers may authenticate otherwise, e.g. tokens)
};
std::shared_ptr<grpc::ServerCredentials> ServerCredentials(const TlsFiles& files,
                                                           ClientCerts client_certs);

// Credentials for a client. With `expected_server` the server's certificate must carry exactly
// that identity (the node checks it talks to its Kanwil's aggregator); otherwise the usual host
// name check against the server's DNS/IP SANs applies.
std::shared_ptr<grpc::ChannelCredentials> ChannelCredentials(
    const TlsFiles& files, const std::optional<pki::PeerId>& expected_server);

// The peer's identity from its verified certificate; nullopt without one (plaintext, or a
// client that presented none).
struct Peer {
  pki::PeerId id;
  std::string serial;  // canonical hex
};
std::optional<Peer> PeerOf(const grpc::AuthContext& context);

// The deny-list of certificate serials, re-read when the file changes (one stat per check: checks
// happen when a stream opens). An empty path revokes nothing. Thread-safe.
class RevocationList {
 public:
  explicit RevocationList(std::string path) : path_(std::move(path)) {}
  // Whether `serial` is revoked; a deny-list that cannot be read counts every serial as revoked
  // (fail closed) and says why in `why`.
  bool IsRevoked(const std::string& serial, std::string* why);

 private:
  const std::string path_;
  absl::Mutex mu_;
  int64_t mtime_ns_ ABSL_GUARDED_BY(mu_) = -1;
  std::set<std::string> serials_ ABSL_GUARDED_BY(mu_);
  std::string error_ ABSL_GUARDED_BY(mu_);
};

}  // namespace unggul::tls

#include "common/tls/tls.h"

#include <sys/stat.h>

#include <fstream>
#include <sstream>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/log/log.h"
#include "common/status/status_macros.h"
#include "grpc/grpc_security_constants.h"
#include "grpcpp/security/tls_certificate_provider.h"
#include "grpcpp/security/tls_certificate_verifier.h"
#include "grpcpp/security/tls_credentials_options.h"

namespace unggul::tls {
namespace {

namespace gx = ::grpc::experimental;

absl::StatusOr<std::string> ReadPem(const std::string& path, absl::string_view flag) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat(flag, ": cannot read ", path));
  std::ostringstream text;
  text << in.rdbuf();
  if (text.str().find("-----BEGIN ") == std::string::npos) {
    return absl::DataLossError(absl::StrCat(flag, ": ", path, " is not a PEM file"));
  }
  return text.str();
}

// The server must be exactly this identity (one URI SAN); the chain is already verified.
class ExactIdentityVerifier final : public gx::ExternalCertificateVerifier {
 public:
  explicit ExactIdentityVerifier(std::string uri) : uri_(std::move(uri)) {}
  bool Verify(gx::TlsCustomVerificationCheckRequest* request,
              std::function<void(grpc::Status)> /*callback*/, grpc::Status* sync_status) override {
    const std::vector<grpc::string_ref> uris = request->uri_names();
    if (uris.size() == 1 && std::string(uris[0].data(), uris[0].size()) == uri_) {
      *sync_status = grpc::Status::OK;
    } else {
      std::string got;
      for (const grpc::string_ref& u : uris)
        absl::StrAppend(&got, got.empty() ? "" : ", ", std::string(u.data(), u.size()));
      *sync_status = grpc::Status(grpc::StatusCode::UNAUTHENTICATED,
                                  absl::StrCat("peer certificate is not ", uri_, " (it names ",
                                               got.empty() ? "no URI" : got, ")"));
    }
    return true;  // answered synchronously
  }
  void Cancel(gx::TlsCustomVerificationCheckRequest* /*request*/) override {}

 private:
  const std::string uri_;
};

std::shared_ptr<gx::FileWatcherCertificateProvider> Provider(const TlsFiles& files) {
  const auto seconds =
      static_cast<unsigned int>(std::max<int64_t>(1, absl::ToInt64Seconds(files.reload_interval)));
  return std::make_shared<gx::FileWatcherCertificateProvider>(files.key, files.cert, files.ca,
                                                              seconds);
}

}  // namespace

absl::StatusOr<std::optional<pki::PeerId>> CheckFiles(const TlsFiles& files) {
  if (files.insecure) return std::optional<pki::PeerId>();
  for (const auto& [value, flag] :
       {std::pair{files.cert, "--tls_cert"}, {files.key, "--tls_key"}, {files.ca, "--tls_ca"}}) {
    if (value.empty()) {
      return absl::InvalidArgumentError(absl::StrCat(
          flag,
          ": is required (with --tls_cert, --tls_key and --tls_ca from `unggulctl pki`), "
          "or pass --insecure for a plaintext test setup"));
    }
  }
  UNGGUL_RETURN_IF_ERROR(ReadPem(files.key, "--tls_key").status());
  UNGGUL_RETURN_IF_ERROR(ReadPem(files.ca, "--tls_ca").status());
  UNGGUL_ASSIGN_OR_RETURN(std::string cert_pem, ReadPem(files.cert, "--tls_cert"));
  UNGGUL_ASSIGN_OR_RETURN(pki::CertInfo info, pki::InspectCertificatePem(cert_pem));
  if (info.uris.size() != 1) {
    return absl::FailedPreconditionError(
        absl::StrCat("--tls_cert: ", files.cert,
                     " must carry exactly one spiffe://unggul/... URI, has ", info.uris.size()));
  }
  UNGGUL_ASSIGN_OR_RETURN(pki::PeerId id, pki::ParseSpiffeUri(info.uris[0]));
  return std::optional<pki::PeerId>(std::move(id));
}

std::shared_ptr<grpc::ServerCredentials> ServerCredentials(const TlsFiles& files,
                                                           ClientCerts client_certs) {
  if (files.insecure) return grpc::InsecureServerCredentials();
  gx::TlsServerCredentialsOptions options(Provider(files));
  options.watch_root_certs();
  options.watch_identity_key_cert_pairs();
  options.set_cert_request_type(client_certs == ClientCerts::kRequire
                                    ? GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY
                                    : GRPC_SSL_REQUEST_CLIENT_CERTIFICATE_AND_VERIFY);
  return gx::TlsServerCredentials(options);
}

std::shared_ptr<grpc::ChannelCredentials> ChannelCredentials(
    const TlsFiles& files, const std::optional<pki::PeerId>& expected_server) {
  if (files.insecure) return grpc::InsecureChannelCredentials();
  gx::TlsChannelCredentialsOptions options;
  options.set_certificate_provider(Provider(files));
  options.watch_root_certs();
  if (!files.cert.empty()) options.watch_identity_key_cert_pairs();
  options.set_verify_server_certs(true);
  if (expected_server) {
    options.set_certificate_verifier(gx::ExternalCertificateVerifier::Create<ExactIdentityVerifier>(
        pki::SpiffeUri(*expected_server)));
    options.set_check_call_host(false);
  }
  return gx::TlsCredentials(options);
}

std::optional<Peer> PeerOf(const grpc::AuthContext& context) {
  const std::vector<grpc::string_ref> uris =
      context.FindPropertyValues(GRPC_PEER_SPIFFE_ID_PROPERTY_NAME);
  const std::vector<grpc::string_ref> pems =
      context.FindPropertyValues(GRPC_X509_PEM_CERT_PROPERTY_NAME);
  if (uris.size() != 1 || pems.size() != 1) return std::nullopt;
  absl::StatusOr<pki::PeerId> id =
      pki::ParseSpiffeUri(absl::string_view(uris[0].data(), uris[0].size()));
  if (!id.ok()) return std::nullopt;
  absl::StatusOr<pki::CertInfo> info =
      pki::InspectCertificatePem(absl::string_view(pems[0].data(), pems[0].size()));
  if (!info.ok()) return std::nullopt;
  return Peer{*std::move(id), info->serial_hex};
}

bool RevocationList::IsRevoked(const std::string& serial, std::string* why) {
  if (path_.empty()) return false;
  absl::MutexLock lock(&mu_);
  struct stat st {};
  const int64_t mtime =
      ::stat(path_.c_str(), &st) == 0
          ? static_cast<int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec
          : 0;  // missing: an empty deny-list
  if (mtime != mtime_ns_) {
    absl::StatusOr<std::set<std::string>> serials = pki::ReadRevokedSerials(path_);
    if (serials.ok()) {
      serials_ = *std::move(serials);
      error_.clear();
      log::Info("security event", {{"event", "deny_list_reloaded"},
                                   {"path", path_},
                                   {"revoked", absl::StrCat(serials_.size())}});
    } else {
      error_ = serials.status().ToString();
      log::Error("security event", {{"event", "deny_list_unreadable"},
                                    {"path", path_},
                                    {"error", error_},
                                    {"effect", "every certificate is refused until it is fixed"}});
    }
    mtime_ns_ = mtime;
  }
  if (!error_.empty()) {
    *why = absl::StrCat("the deny-list ", path_, " cannot be read (", error_,
                        "): every certificate is refused until it is fixed");
    return true;
  }
  if (serials_.count(serial) > 0) {
    *why = absl::StrCat("certificate serial ", serial, " is revoked (", path_, ")");
    return true;
  }
  return false;
}

}  // namespace unggul::tls

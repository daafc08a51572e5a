#include "common/auth/grpc_auth.h"

#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/log/log.h"
#include "common/status/echo.h"
#include "common/status/grpc_status.h"
#include "grpc/grpc_security_constants.h"

namespace unggul::auth {
namespace {}  // namespace

AuthProcessor::AuthProcessor(Authorizer authorizer, std::unique_ptr<PolicyFile> policy,
                             tls::RevocationList* revoked, RateLimiter* writes)
    : authorizer_(std::move(authorizer)),
      policy_(std::move(policy)),
      revoked_(revoked),
      writes_(writes) {}

Caller AuthProcessor::CallerOf(absl::string_view authorization, const grpc::AuthContext* context) {
  Caller caller;
  caller.authorization = std::string(authorization);
  if (context == nullptr) return caller;
  if (std::optional<tls::Peer> peer = tls::PeerOf(*context)) {
    caller.cert = peer->id;
    caller.cert_serial = peer->serial;
    std::string why;
    if (revoked_ != nullptr && revoked_->IsRevoked(peer->serial, &why)) caller.cert_revoked = true;
  }
  return caller;
}

grpc::Status AuthProcessor::Process(const InputMetadata& auth_metadata, grpc::AuthContext* context,
                                    OutputMetadata*, OutputMetadata*) {
  std::string method;
  std::string authorization;
  if (auto it = auth_metadata.find(":path"); it != auth_metadata.end()) {
    method.assign(it->second.data(), it->second.size());
  }
  if (auto it = auth_metadata.find("authorization"); it != auth_metadata.end()) {
    authorization.assign(it->second.data(), it->second.size());
  }
  const Caller caller = CallerOf(authorization, context);
  std::shared_ptr<const AccessPolicy> policy = policy_ ? policy_->Current() : nullptr;
  absl::StatusOr<Identity> identity = authorizer_.Decide(method, caller, policy.get());
  if (!identity.ok()) {
    log::Warn("security event",
              {{"event", absl::IsUnauthenticated(identity.status()) ? "authentication_failed"
                                                                    : "role_refused"},
               {"method", Echo(method)},
               {"code", absl::StatusCodeToString(identity.status().code())},
               {"certificate", caller.cert ? pki::SpiffeUri(*caller.cert) : "none"},
               {"reason", std::string(identity.status().message())}});
    return ToGrpcStatus(identity.status());
  }
  if (const MethodRule* rule = authorizer_.Find(method); writes_ != nullptr && rule->write) {
    const std::string caller = identity->kind == Identity::Kind::kOpen ? "anyone" : identity->user;
    if (absl::Status limited = writes_->Take(caller); !limited.ok()) {
      log::Warn("security event", {{"event", "write_rate_limited"},
                                   {"method", Echo(method)},
                                   {"identity", identity->Describe()}});
      return ToGrpcStatus(limited);
    }
  }
  return grpc::Status::OK;
}

std::shared_ptr<grpc::ServerCredentials> ServerCredentialsWithAuth(
    const tls::TlsFiles& files, tls::ClientCerts client_certs,
    std::shared_ptr<AuthProcessor> processor, grpc_local_connect_type local_type) {
  std::shared_ptr<grpc::ServerCredentials> credentials =
      files.insecure ? grpc::experimental::LocalServerCredentials(local_type)
                     : tls::ServerCredentials(files, client_certs);
  credentials->SetAuthMetadataProcessor(std::move(processor));
  return credentials;
}

absl::StatusOr<std::optional<Identity>> AuthProcessor::ActingPerson(
    const grpc::ServerContextBase& context) {
  std::string authorization;
  const auto& metadata = context.client_metadata();
  if (auto it = metadata.find("authorization"); it != metadata.end()) {
    authorization.assign(it->second.data(), it->second.size());
  }
  std::shared_ptr<const grpc::AuthContext> auth = context.auth_context();
  const Caller caller = CallerOf(authorization, auth.get());
  std::shared_ptr<const AccessPolicy> policy = policy_ ? policy_->Current() : nullptr;
  absl::StatusOr<Identity> identity = authorizer_.Authenticate(caller, policy.get());
  if (!identity.ok()) return identity.status();
  if (identity->kind == Identity::Kind::kOpen) return std::optional<Identity>();
  return std::optional<Identity>(*std::move(identity));
}

}  // namespace unggul::auth

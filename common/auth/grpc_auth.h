#pragma once

// The gRPC side of authorization: one grpc::AuthMetadataProcessor per server runs the
// Authorizer on every call before any handler (it sees the method, the metadata and the TLS peer)
// and refuses with the Authorizer's status; a write (MethodRule::write) then takes one write from
// the caller's rate limit (RESOURCE_EXHAUSTED when it is used up). Handlers that record a person
// (separation of duties, "recorded by") ask the same processor who the caller is (ActingPerson): it
// authenticates the call again from its metadata and peer. (The identity is not stored in the
// AuthContext: gRPC shares that object between all calls of a connection.)
//
// A processor only runs on secure credentials, so --insecure servers listen with gRPC's local
// credentials (LOCAL_TCP: plaintext on the wire, loopback clients only) and the same processor.
// Refusals and policy reloads are logged as structured security events (event, method, code,
// identity, reason); the processor cannot see the peer's address, its certificate identity is
// logged instead. Thread-safe.

#include <memory>
#include <optional>
#include <string>

#include "common/auth/authorizer.h"
#include "common/auth/policy_file.h"
#include "common/auth/rate_limiter.h"
#include "common/tls/tls.h"
#include "grpc/grpc_security_constants.h"
#include "grpcpp/security/auth_metadata_processor.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server_context.h"

namespace unggul::auth {

class AuthProcessor final : public grpc::AuthMetadataProcessor {
 public:
  // `policy` null: open (only with --insecure; main refuses otherwise). `revoked` and `writes`
  // may be null (no deny-list, no write rate limit).
  AuthProcessor(Authorizer authorizer, std::unique_ptr<PolicyFile> policy,
                tls::RevocationList* revoked, RateLimiter* writes = nullptr);

  bool IsBlocking() const override { return false; }  // in-memory decision, no I/O but a stat
  grpc::Status Process(const InputMetadata& auth_metadata, grpc::AuthContext* context,
                       OutputMetadata* consumed_auth_metadata,
                       OutputMetadata* response_metadata) override;

  const Authorizer& authorizer() const { return authorizer_; }

  // The person acting in this call, for "recorded by" fields and separation of duties: the
  // authenticated user; nullopt when the server runs open (no access policy, --insecure), where
  // the request's own field is trusted. Unauthenticated as the processor would answer.
  absl::StatusOr<std::optional<Identity>> ActingPerson(const grpc::ServerContextBase& context);

 private:
  Caller CallerOf(absl::string_view authorization, const grpc::AuthContext* context);

  const Authorizer authorizer_;
  const std::unique_ptr<PolicyFile> policy_;
  tls::RevocationList* const revoked_;
  RateLimiter* const writes_;
};

// Credentials for a listener: TLS (files) or, when files.insecure, local credentials of
// `local_type` (LOCAL_TCP: loopback; LOCAL_UDS: a unix socket, for in-process tests); either way
// with `processor` deciding every call.
std::shared_ptr<grpc::ServerCredentials> ServerCredentialsWithAuth(
    const tls::TlsFiles& files, tls::ClientCerts client_certs,
    std::shared_ptr<AuthProcessor> processor, grpc_local_connect_type local_type = LOCAL_TCP);

}  // namespace unggul::auth

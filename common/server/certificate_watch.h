#pragma once

// Logs a security event when this server's certificate file changes: gRPC's file watcher
// (common/tls) serves the new certificate to new connections within --tls_reload_interval, and
// this says so in the log: `certificate_reloaded` with the serial, identity and expiry, or
// `certificate_unusable` (error) when the file cannot be read or names another identity than the
// one the server started with (gRPC keeps serving the last good pair). Checks every `interval`
// on the injected clock; nothing when `cert_path` is empty (--insecure).

#include <memory>
#include <string>

#include "absl/time/time.h"
#include "common/time/clock.h"
#include "common/time/periodic_task.h"

namespace unggul {

class CertificateWatch {
 public:
  CertificateWatch(const Clock& clock, std::string cert_path, std::string identity,
                   absl::Duration interval);
  // Compares the file with the last one seen and logs a change; returns the event logged
  // ("certificate_reloaded", "certificate_unusable") or "" when unchanged. Called by the periodic
  // task; public for tests.
  std::string Check();

 private:
  const std::string path_;
  const std::string identity_;
  std::string last_serial_;
  std::unique_ptr<PeriodicTask> task_;  // last: stops before the fields go
};

}  // namespace unggul

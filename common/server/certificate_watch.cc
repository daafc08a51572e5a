#include "common/server/certificate_watch.h"

#include <utility>

#include "absl/strings/str_join.h"
#include "common/log/log.h"
#include "common/pki/pki.h"

namespace unggul {

CertificateWatch::CertificateWatch(const Clock& clock, std::string cert_path, std::string identity,
                                   absl::Duration interval)
    : path_(std::move(cert_path)), identity_(std::move(identity)) {
  if (path_.empty()) return;
  if (absl::StatusOr<pki::CertInfo> info = pki::InspectCertificateFile(path_); info.ok()) {
    last_serial_ = info->serial_hex;
  }
  task_ = std::make_unique<PeriodicTask>(clock, interval, [this] { (void)Check(); });
}

std::string CertificateWatch::Check() {
  absl::StatusOr<pki::CertInfo> info = pki::InspectCertificateFile(path_);
  if (!info.ok()) {
    log::Error(
        "security event",
        {{"event", "certificate_unusable"}, {"path", path_}, {"error", info.status().ToString()}});
    return "certificate_unusable";
  }
  if (info->serial_hex == last_serial_) return "";
  last_serial_ = info->serial_hex;
  const std::string uris = absl::StrJoin(info->uris, ",");
  if (uris != identity_) {
    log::Error("security event", {{"event", "certificate_unusable"},
                                  {"path", path_},
                                  {"serial", info->serial_hex},
                                  {"identity", uris},
                                  {"error", "names another identity than " + identity_}});
    return "certificate_unusable";
  }
  log::Info("security event", {{"event", "certificate_reloaded"},
                               {"path", path_},
                               {"serial", info->serial_hex},
                               {"identity", uris},
                               {"not_after", absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", info->not_after,
                                                              absl::UTCTimeZone())}});
  return "certificate_reloaded";
}

}  // namespace unggul

#pragma once

// A server's access policy file (AccessPolicy), re-read when it changes: each Current() compares
// the file's inode, size and mtime with the last read (one stat), so `unggulctl token revoke`
// takes effect on the next call without a restart. A changed file that cannot be read or parsed,
// or names another service, is refused: the last good policy stays in force and the error is
// logged once per change as a security event. Thread-safe.

#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "common/auth/access_policy.h"

namespace unggul::auth {

class PolicyFile {
 public:
  // Reads the file now: NotFound / InvalidArgument (naming the line) / FailedPrecondition (a
  // policy of the other service) make the server refuse to start.
  static absl::StatusOr<std::unique_ptr<PolicyFile>> Open(std::string path, Service service);

  std::shared_ptr<const AccessPolicy> Current();

 private:
  struct Stamp {
    uint64_t inode = 0, size = 0;
    int64_t mtime_ns = -1;
    bool operator==(const Stamp&) const = default;
  };
  PolicyFile(std::string path, Service service) : path_(std::move(path)), service_(service) {}
  absl::StatusOr<std::shared_ptr<const AccessPolicy>> Load(Stamp* stamp) const;

  const std::string path_;
  const Service service_;
  absl::Mutex mu_;
  Stamp stamp_ ABSL_GUARDED_BY(mu_);
  std::shared_ptr<const AccessPolicy> policy_ ABSL_GUARDED_BY(mu_);
};

// Reads, edits and writes a policy file under an exclusive lock of its folder (so concurrent
// `unggulctl` runs never lose an edit); the file is replaced atomically (mode 0600: it holds
// token hashes). CreatePolicyFile writes an empty policy of `service` (AlreadyExists when the file
// exists); EditPolicyFile applies `edit` to the file (NotFound when it does not exist) and
// writes nothing when `edit` fails.
absl::Status EditPolicyFile(const std::string& path,
                            const std::function<absl::Status(AccessPolicy&)>& edit);
absl::Status CreatePolicyFile(const std::string& path, Service service);

}  // namespace unggul::auth

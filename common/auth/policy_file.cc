#include "common/auth/policy_file.h"

#include <sys/stat.h>

#include <functional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/files/files.h"
#include "common/log/log.h"
#include "common/status/status_macros.h"

namespace unggul::auth {
namespace {

absl::StatusOr<AccessPolicy> ReadPolicy(const std::string& path) {
  UNGGUL_ASSIGN_OR_RETURN(std::string text, files::ReadFile(path));
  absl::StatusOr<AccessPolicy> policy = AccessPolicy::Parse(text);
  if (!policy.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": ", policy.status().message()));
  }
  return policy;
}

}  // namespace

absl::StatusOr<std::unique_ptr<PolicyFile>> PolicyFile::Open(std::string path, Service service) {
  std::unique_ptr<PolicyFile> file(new PolicyFile(std::move(path), service));
  Stamp stamp;
  UNGGUL_ASSIGN_OR_RETURN(std::shared_ptr<const AccessPolicy> policy, file->Load(&stamp));
  absl::MutexLock lock(&file->mu_);
  file->stamp_ = stamp;
  file->policy_ = std::move(policy);
  return file;
}

absl::StatusOr<std::shared_ptr<const AccessPolicy>> PolicyFile::Load(Stamp* stamp) const {
  struct stat st;
  if (::stat(path_.c_str(), &st) != 0) return files::LastErrnoStatus("cannot read", path_);
  *stamp = Stamp{static_cast<uint64_t>(st.st_ino), static_cast<uint64_t>(st.st_size),
                 static_cast<int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec};
  UNGGUL_ASSIGN_OR_RETURN(AccessPolicy policy, ReadPolicy(path_));
  if (policy.service() != service_) {
    return absl::FailedPreconditionError(absl::StrCat(path_, ": is a policy for ",
                                                      ServiceName(policy.service()), ", not for ",
                                                      ServiceName(service_)));
  }
  return std::make_shared<const AccessPolicy>(std::move(policy));
}

std::shared_ptr<const AccessPolicy> PolicyFile::Current() {
  absl::MutexLock lock(&mu_);
  struct stat st;
  Stamp now = stamp_;
  if (::stat(path_.c_str(), &st) == 0) {
    now = Stamp{static_cast<uint64_t>(st.st_ino), static_cast<uint64_t>(st.st_size),
                static_cast<int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec};
  } else {
    now.mtime_ns = -2;  // gone: reported once, the last good policy stays
  }
  if (now == stamp_) return policy_;
  Stamp loaded;
  absl::StatusOr<std::shared_ptr<const AccessPolicy>> fresh = Load(&loaded);
  stamp_ = now;
  if (!fresh.ok()) {
    log::Error("security event", {{"event", "access_policy_refused"},
                                  {"path", path_},
                                  {"error", fresh.status().ToString()},
                                  {"effect", "the last good policy stays in force"}});
    return policy_;
  }
  stamp_ = loaded;
  policy_ = *std::move(fresh);
  log::Info("security event", {{"event", "access_policy_reloaded"},
                               {"path", path_},
                               {"entries", absl::StrCat(policy_->entries().size())}});
  return policy_;
}

absl::Status CreatePolicyFile(const std::string& path, Service service) {
  UNGGUL_ASSIGN_OR_RETURN(files::ScopedFd lock,
                          files::LockPath(files::ParentDir(path), "policy folder"));
  if (files::PathExists(path)) {
    return absl::AlreadyExistsError(absl::StrCat(path, ": exists (never overwritten)"));
  }
  return files::WriteFileAtomic(path, AccessPolicy(service).Serialize(), 0600);
}

absl::Status EditPolicyFile(const std::string& path,
                            const std::function<absl::Status(AccessPolicy&)>& edit) {
  UNGGUL_ASSIGN_OR_RETURN(files::ScopedFd lock,
                          files::LockPath(files::ParentDir(path), "policy folder"));
  UNGGUL_ASSIGN_OR_RETURN(AccessPolicy policy, ReadPolicy(path));
  UNGGUL_RETURN_IF_ERROR(edit(policy));
  return files::WriteFileAtomic(path, policy.Serialize(), 0600);
}

}  // namespace unggul::auth

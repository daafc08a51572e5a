#pragma once

// Small files written whole and crash-safe (temporary file, fsync, rename, fsync of the folder),
// read whole, and locked across processes with flock: the CA folder (common/pki) and the access
// policy (common/auth) are edited this way by `unggulctl` while servers read them.
//
// Errors: "<what> <path>: <error text>"; NotFound for ENOENT, PermissionDenied for EACCES/EPERM,
// Internal otherwise.

#include <sys/types.h>

#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace unggul::files {

// An owned file descriptor, closed on destruction.
class ScopedFd {
 public:
  explicit ScopedFd(int fd) : fd_(fd) {}
  ScopedFd(ScopedFd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  ScopedFd& operator=(ScopedFd&&) = delete;
  ~ScopedFd();
  int get() const { return fd_; }

 private:
  int fd_;
};

absl::Status ErrnoStatus(int err, absl::string_view what, absl::string_view path);
// ErrnoStatus of errno, read before anything can change it.
absl::Status LastErrnoStatus(absl::string_view what, absl::string_view path);

absl::StatusOr<std::string> ReadFile(const std::string& path);
// The file's contents, or "" if it does not exist.
absl::StatusOr<std::string> ReadFileOrEmpty(const std::string& path);
bool PathExists(const std::string& path);
std::string ParentDir(const std::string& path);
absl::Status SyncDir(const std::string& dir);

struct FileContent {
  std::string path;
  absl::string_view content;
  mode_t mode;
};
// Writes every file to a temporary name first, then renames them into place one after the other
// (so a failed write replaces nothing), then syncs their folders.
absl::Status WriteFilesAtomic(const std::vector<FileContent>& files);
absl::Status WriteFileAtomic(const std::string& path, absl::string_view content, mode_t mode);

// Holds an exclusive flock on `path` (a file or a folder; `what` names it in errors) until the
// returned descriptor is destroyed.
absl::StatusOr<ScopedFd> LockPath(const std::string& path, absl::string_view what);

}  // namespace unggul::files

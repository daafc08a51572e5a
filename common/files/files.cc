#include "common/files/files.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <set>
#include <system_error>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/status/status_macros.h"

namespace unggul::files {

ScopedFd::~ScopedFd() {
  if (fd_ >= 0) ::close(fd_);
}

namespace {

// Writes <path>.tmp with `mode` from its creation on, fsyncs it.
absl::Status WriteTemp(const std::string& tmp, absl::string_view content, mode_t mode) {
  ScopedFd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode));
  if (fd.get() < 0) return LastErrnoStatus("cannot write", tmp);
  if (::fchmod(fd.get(), mode) != 0) return LastErrnoStatus("cannot chmod", tmp);
  while (!content.empty()) {
    const ssize_t n = ::write(fd.get(), content.data(), content.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return LastErrnoStatus("cannot write", tmp);
    }
    content.remove_prefix(static_cast<size_t>(n));
  }
  if (::fsync(fd.get()) != 0) return LastErrnoStatus("cannot sync", tmp);
  return absl::OkStatus();
}

}  // namespace

// "<what> <path>: <error text>"; NotFound for ENOENT, PermissionDenied for EACCES/EPERM, else
// Internal.
absl::Status ErrnoStatus(int err, absl::string_view what, absl::string_view path) {
  std::string message = absl::StrCat(what, " ", path, ": ", std::generic_category().message(err));
  if (err == ENOENT) return absl::NotFoundError(message);
  if (err == EACCES || err == EPERM) return absl::PermissionDeniedError(message);
  return absl::InternalError(message);
}

// ErrnoStatus of errno, read before anything can change it (the arguments allocate nothing).
absl::Status LastErrnoStatus(absl::string_view what, absl::string_view path) {
  return ErrnoStatus(errno, what, path);
}

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  ScopedFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) return LastErrnoStatus("cannot read", path);
  std::string out;
  char buf[8192];
  for (;;) {
    const ssize_t n = ::read(fd.get(), buf, sizeof(buf));
    if (n == 0) break;
    if (n < 0) {
      if (errno == EINTR) continue;
      return LastErrnoStatus("cannot read", path);
    }
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

// The file's contents, or "" if it does not exist.
absl::StatusOr<std::string> ReadFileOrEmpty(const std::string& path) {
  absl::StatusOr<std::string> content = ReadFile(path);
  if (absl::IsNotFound(content.status())) return std::string();
  return content;
}

bool PathExists(const std::string& path) {
  struct stat st;
  return ::lstat(path.c_str(), &st) == 0;
}

std::string ParentDir(const std::string& path) {
  std::string parent = std::filesystem::path(path).parent_path().string();
  return parent.empty() ? "." : parent;
}

absl::Status SyncDir(const std::string& dir) {
  ScopedFd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() < 0 || ::fsync(fd.get()) != 0) {
    return LastErrnoStatus("cannot sync folder", dir);
  }
  return absl::OkStatus();
}

// Writes every file to a temporary name first, then renames them into place one after the other
// (so a failed write replaces nothing), then syncs their folders.
absl::Status WriteFilesAtomic(const std::vector<FileContent>& files) {
  std::vector<std::string> temps;
  for (const FileContent& f : files) {
    std::string tmp = absl::StrCat(f.path, ".tmp");
    absl::Status written = WriteTemp(tmp, f.content, f.mode);
    temps.push_back(std::move(tmp));
    if (!written.ok()) {
      for (const std::string& t : temps) ::unlink(t.c_str());
      return written;
    }
  }
  for (size_t i = 0; i < files.size(); ++i) {
    if (std::rename(temps[i].c_str(), files[i].path.c_str()) != 0) {
      const int err = errno;
      for (size_t j = i; j < temps.size(); ++j) ::unlink(temps[j].c_str());
      return ErrnoStatus(err, absl::StrCat("cannot rename ", temps[i], " to"), files[i].path);
    }
  }
  std::set<std::string> dirs;
  for (const FileContent& f : files) dirs.insert(ParentDir(f.path));
  for (const std::string& dir : dirs) UNGGUL_RETURN_IF_ERROR(SyncDir(dir));
  return absl::OkStatus();
}

absl::Status WriteFileAtomic(const std::string& path, absl::string_view content, mode_t mode) {
  return WriteFilesAtomic({FileContent{path, content, mode}});
}

absl::StatusOr<ScopedFd> LockPath(const std::string& path, absl::string_view what) {
  ScopedFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) return LastErrnoStatus(absl::StrCat("cannot open ", what), path);
  while (::flock(fd.get(), LOCK_EX) != 0) {
    if (errno != EINTR) return LastErrnoStatus(absl::StrCat("cannot lock ", what), path);
  }
  return fd;
}

}  // namespace unggul::files

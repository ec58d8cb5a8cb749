#include "sys/file.h"

#include <dirent.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <pthread.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <climits>

namespace hull::sys {

using base::Error;
using base::fail;

Result<UniqueFd> open(const std::string& path, int flags, mode_t mode) {
  int fd = ::open(path.c_str(), flags | O_CLOEXEC, mode);
  if (fd < 0) return fail(Error::from_errno(errno, "open", path));
  return UniqueFd(fd);
}

Result<UniqueFd> openat(FdRef dir, const std::string& path, int flags, mode_t mode) {
  int fd = ::openat(dir.get(), path.c_str(), flags | O_CLOEXEC, mode);
  if (fd < 0) return fail(Error::from_errno(errno, "openat", path));
  return UniqueFd(fd);
}

Result<UniqueFd> openat2(FdRef dir, const std::string& path, uint64_t flags, uint64_t resolve,
                         mode_t mode) {
  struct open_how how {};
  how.flags = flags | O_CLOEXEC;
  how.mode = (flags & (O_CREAT | O_TMPFILE)) ? mode : 0;
  how.resolve = resolve;
  // SAFETY: open_how is fully initialised and its size is passed; the path is NUL-terminated.
  long fd = ::syscall(SYS_openat2, dir.get(), path.c_str(), &how, sizeof how);
  if (fd < 0) return fail(Error::from_errno(errno, "openat2", path));
  return UniqueFd(static_cast<int>(fd));
}

Result<size_t> read_some(FdRef fd, std::span<char> buf, const std::string& what) {
  for (;;) {
    ssize_t n = ::read(fd.get(), buf.data(), buf.size());
    if (n >= 0) return static_cast<size_t>(n);
    if (errno != EINTR) return fail(Error::from_errno(errno, "read", what));
  }
}

Result<std::string> read_all(FdRef fd, const std::string& what) {
  std::string out;
  char buf[8192];
  for (;;) {
    size_t n = TRY(read_some(fd, buf, what));
    if (n == 0) return out;
    out.append(buf, n);
  }
}

Result<int> file_status_flags(FdRef fd, const std::string& what) {
  int flags = ::fcntl(fd.get(), F_GETFL);
  if (flags < 0) return fail(Error::from_errno(errno, "fcntl F_GETFL", what));
  return flags;
}

Result<UniqueFd> dup_cloexec(FdRef fd) {
  int out = ::fcntl(fd.get(), F_DUPFD_CLOEXEC, 3);
  if (out < 0)
    return fail(Error::from_errno(errno, "fcntl F_DUPFD_CLOEXEC", fmt::format("fd {}", fd.get())));
  return UniqueFd(out);
}

Result<std::string> realpath(const std::string& path) {
  char buf[PATH_MAX];
  if (::realpath(path.c_str(), buf) == nullptr)
    return fail(Error::from_errno(errno, "realpath", path));
  return std::string(buf);
}

Result<std::string> pread_all(FdRef fd, const std::string& what) {
  std::string out;
  char buf[8192];
  for (;;) {
    ssize_t n = ::pread(fd.get(), buf, sizeof buf, static_cast<off_t>(out.size()));
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail(Error::from_errno(errno, "pread", what));
    }
    if (n == 0) return out;
    out.append(buf, static_cast<size_t>(n));
  }
}

Result<> write_all(FdRef fd, std::string_view data, const std::string& what) {
  while (!data.empty()) {
    ssize_t n = ::write(fd.get(), data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail(Error::from_errno(errno, "write", what));
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return {};
}

Result<> write_all_nosigpipe(FdRef fd, std::string_view data, const std::string& what) {
  sigset_t pipe_only, old, pending;
  ::sigemptyset(&pipe_only);
  ::sigaddset(&pipe_only, SIGPIPE);
  ::sigpending(&pending);
  bool was_pending = ::sigismember(&pending, SIGPIPE) == 1;
  ::pthread_sigmask(SIG_BLOCK, &pipe_only, &old);
  auto r = write_all(fd, data, what);
  if (!r.has_value() && r.error().errno_code() == EPIPE && !was_pending) {
    // The SIGPIPE this write raised is pending for this thread: take it before unblocking.
    struct timespec zero {};
    (void)::sigtimedwait(&pipe_only, nullptr, &zero);
  }
  ::pthread_sigmask(SIG_SETMASK, &old, nullptr);
  return r;
}

Result<std::string> read_file(const std::string& path) {
  UniqueFd fd = TRY(open(path, O_RDONLY));
  return read_all(fd, path);
}

Result<std::string> read_file_at(FdRef dir, const std::string& name) {
  UniqueFd fd = TRY(openat(dir, name, O_RDONLY));
  return read_all(fd, name);
}

Result<> write_file_atomic(FdRef dir, const std::string& name, std::string_view data, mode_t mode) {
  std::string tmp = "." + name + ".tmp";
  UniqueFd fd = TRY(openat(dir, tmp, O_WRONLY | O_CREAT | O_TRUNC, mode));
  auto written = [&]() -> Result<> {
    TRY(write_all(fd, data, tmp));
    if (::renameat(dir.get(), tmp.c_str(), dir.get(), name.c_str()) < 0)
      return fail(Error::from_errno(errno, "rename to " + name, tmp));
    return {};
  }();
  if (!written.has_value()) (void)::unlinkat(dir.get(), tmp.c_str(), 0);
  return written;
}

Result<> write_file(const std::string& path, std::string_view data) {
  UniqueFd fd = TRY(open(path, O_WRONLY | O_TRUNC));
  return write_all(fd, data, path);
}

Result<> mkdirat(FdRef dir, const std::string& name, mode_t mode) {
  if (::mkdirat(dir.get(), name.c_str(), mode) < 0)
    return fail(Error::from_errno(errno, "mkdir", name));
  return {};
}

Result<> mkdir_all(const std::string& path, mode_t mode) {
  if (path.empty()) return fail(Error::invalid("mkdir: empty path"));
  size_t pos = 0;
  while (pos != std::string::npos) {
    pos = path.find('/', pos + 1);
    std::string part = path.substr(0, pos);
    if (::mkdir(part.c_str(), mode) < 0 && errno != EEXIST)
      return fail(Error::from_errno(errno, "mkdir", part));
  }
  return {};
}

Result<> unlinkat(FdRef dir, const std::string& name, int flags) {
  if (::unlinkat(dir.get(), name.c_str(), flags) < 0)
    return fail(Error::from_errno(errno, flags & AT_REMOVEDIR ? "rmdir" : "unlink", name));
  return {};
}

namespace {

// Empties the directory `fd` (named `path` for errors), staying on its filesystem.
Result<> remove_contents(int fd, const std::string& path, dev_t dev) {
  int dup = ::fcntl(fd, F_DUPFD_CLOEXEC, 0);
  if (dup < 0) return fail(Error::from_errno(errno, "dup", path));
  DIR* d = ::fdopendir(dup);
  if (d == nullptr) {
    ::close(dup);
    return fail(Error::from_errno(errno, "opendir", path));
  }
  Result<> result;
  while (struct dirent* e = ::readdir(d)) {
    std::string name = e->d_name;
    if (name == "." || name == "..") continue;
    std::string sub = path + "/" + name;
    struct stat st {};
    if (::fstatat(fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) < 0) {
      if (errno == ENOENT) continue;
      result = fail(Error::from_errno(errno, "stat", sub));
      break;
    }
    if (S_ISDIR(st.st_mode)) {
      if (st.st_dev != dev) {  // a mount point: never delete through it
        result = fail(Error::from_errno(EBUSY, "rmdir", sub));
        break;
      }
      int child = ::openat(fd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (child < 0) {
        result = fail(Error::from_errno(errno, "open", sub));
        break;
      }
      result = remove_contents(child, sub, dev);
      ::close(child);
      if (!result.has_value()) break;
      if (::unlinkat(fd, name.c_str(), AT_REMOVEDIR) < 0 && errno != ENOENT) {
        result = fail(Error::from_errno(errno, "rmdir", sub));
        break;
      }
    } else if (::unlinkat(fd, name.c_str(), 0) < 0 && errno != ENOENT) {
      result = fail(Error::from_errno(errno, "unlink", sub));
      break;
    }
  }
  ::closedir(d);
  return result;
}

}  // namespace

Result<> remove_tree(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return {};
    if (errno == ENOTDIR || errno == ELOOP) return unlinkat(AT_FDCWD, path, 0);
    return fail(Error::from_errno(errno, "open", path));
  }
  UniqueFd owned(fd);
  struct stat st {};
  if (::fstat(fd, &st) < 0) return fail(Error::from_errno(errno, "stat", path));
  TRY(remove_contents(fd, path, st.st_dev));
  if (::rmdir(path.c_str()) < 0 && errno != ENOENT)
    return fail(Error::from_errno(errno, "rmdir", path));
  return {};
}

Result<struct stat> fstat(FdRef fd, const std::string& what) {
  struct stat st {};
  if (::fstat(fd.get(), &st) < 0) return fail(Error::from_errno(errno, "fstat", what));
  return st;
}

Result<struct stat> fstatat(FdRef dir, const std::string& path, int flags) {
  struct stat st {};
  if (::fstatat(dir.get(), path.c_str(), &st, flags) < 0)
    return fail(Error::from_errno(errno, "stat", path));
  return st;
}

bool exists(const std::string& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0;
}

Result<> mknodat(FdRef dir, const std::string& name, mode_t mode, dev_t dev) {
  if (::mknodat(dir.get(), name.c_str(), mode, dev) < 0)
    return fail(Error::from_errno(errno, "mknod", name));
  return {};
}

Result<> fchownat(FdRef dir, const std::string& name, uid_t uid, gid_t gid, int flags) {
  if (::fchownat(dir.get(), name.c_str(), uid, gid, flags) < 0)
    return fail(Error::from_errno(errno, "chown", name));
  return {};
}

Result<> fchown(FdRef fd, uid_t uid, gid_t gid, const std::string& what) {
  if (::fchown(fd.get(), uid, gid) < 0) return fail(Error::from_errno(errno, "chown", what));
  return {};
}

Result<> fchmod(FdRef fd, mode_t mode, const std::string& what) {
  if (::fchmod(fd.get(), mode) < 0) return fail(Error::from_errno(errno, "chmod", what));
  return {};
}

Result<> symlinkat(const std::string& target, FdRef dir, const std::string& name) {
  if (::symlinkat(target.c_str(), dir.get(), name.c_str()) < 0)
    return fail(Error::from_errno(errno, "symlink " + target + " to", name));
  return {};
}

Result<> fchdir(FdRef dir, const std::string& what) {
  if (::fchdir(dir.get()) < 0) return fail(Error::from_errno(errno, "chdir", what));
  return {};
}

Result<std::string> getcwd() {
  char buf[PATH_MAX];
  if (::getcwd(buf, sizeof buf) == nullptr) return fail(Error::from_errno(errno, "getcwd", "."));
  return std::string(buf);
}

Result<std::string> readlinkat(FdRef dir, const std::string& path) {
  char buf[4096];
  ssize_t n = ::readlinkat(dir.get(), path.c_str(), buf, sizeof buf);
  if (n < 0) return fail(Error::from_errno(errno, "readlink", path));
  if (static_cast<size_t>(n) == sizeof buf)
    return fail(Error::from_errno(ENAMETOOLONG, "readlink", path));
  return std::string(buf, static_cast<size_t>(n));
}

Result<std::vector<std::string>> list_dir(const std::string& path) {
  DIR* d = ::opendir(path.c_str());
  if (d == nullptr) return fail(Error::from_errno(errno, "opendir", path));
  std::vector<std::string> out;
  while (struct dirent* e = ::readdir(d)) {
    std::string name = e->d_name;
    if (name != "." && name != "..") out.push_back(std::move(name));
  }
  ::closedir(d);
  return out;
}

Result<> flock(FdRef fd, int op, const std::string& what) {
  for (;;) {
    if (::flock(fd.get(), op) == 0) return {};
    if (errno != EINTR) return fail(Error::from_errno(errno, "flock", what));
  }
}

}  // namespace hull::sys

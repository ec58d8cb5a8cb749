#include "sys/mount.h"

#include <fcntl.h>
#include <linux/mount.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>

#include "sys/file.h"

namespace hull::sys {

using base::Error;
using base::fail;

std::string fd_path(FdRef fd) { return fmt::format("/proc/self/fd/{}", fd.get()); }

Result<> mount(const char* source, const char* target, const char* fstype, unsigned long flags,
               const char* data, const std::string& what) {
  if (::mount(source, target, fstype, flags, data) < 0)
    return fail(Error::from_errno(errno, "mount", what));
  return {};
}

Result<> mount_at(const char* source, FdRef target, const char* fstype, unsigned long flags,
                  const char* data, const std::string& what) {
  std::string path = fd_path(target);
  return sys::mount(source, path.c_str(), fstype, flags, data, what);
}

Result<> umount2(const std::string& target, int flags) {
  if (::umount2(target.c_str(), flags) < 0) return fail(Error::from_errno(errno, "umount", target));
  return {};
}

Result<> mount_setattr(FdRef dir, const std::string& path, uint64_t attr_set, uint64_t attr_clr,
                       uint64_t propagation, bool recursive, const std::string& what) {
  struct mount_attr attr {};
  attr.attr_set = attr_set;
  attr.attr_clr = attr_clr;
  attr.propagation = propagation;
  unsigned flags = (path.empty() ? AT_EMPTY_PATH : 0u) | (recursive ? AT_RECURSIVE : 0u);
  // SAFETY: mount_attr is fully initialised and its size passed.
  if (::syscall(SYS_mount_setattr, dir.get(), path.c_str(), flags, &attr, sizeof attr) < 0)
    return fail(Error::from_errno(errno, "mount_setattr", what));
  return {};
}

Result<> mount_setattr_idmap(FdRef tree, FdRef userns, bool recursive, const std::string& what) {
  struct mount_attr attr {};
  attr.attr_set = MOUNT_ATTR_IDMAP;
  attr.userns_fd = static_cast<__u64>(static_cast<unsigned>(userns.get()));
  unsigned flags = AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0u);
  // SAFETY: mount_attr is fully initialised and its size passed.
  if (::syscall(SYS_mount_setattr, tree.get(), "", flags, &attr, sizeof attr) < 0)
    return fail(Error::from_errno(errno, "mount_setattr MOUNT_ATTR_IDMAP", what));
  return {};
}

Result<> pivot_root_here(FdRef new_root) {
  UniqueFd old_root = TRY(sys::open("/", O_PATH | O_DIRECTORY));
  if (::fchdir(new_root.get()) < 0) return fail(Error::from_errno(errno, "fchdir", "new root"));
  // SAFETY: raw syscall with two NUL-terminated paths.
  if (::syscall(SYS_pivot_root, ".", ".") < 0)
    return fail(Error::from_errno(errno, "pivot_root", "."));
  // The old root is now mounted on top of the new one. "." must name it, not the new root our
  // cwd still is (a lookup of "." does not cross the mount stacked on it): otherwise MS_SLAVE
  // below would turn every mount of the container, rshared binds included, into a slave.
  if (::fchdir(old_root.get()) < 0) return fail(Error::from_errno(errno, "fchdir", "old root"));
  // Keep the unmount from propagating to the host, then detach the old root.
  TRY(sys::mount(nullptr, ".", nullptr, MS_SLAVE | MS_REC, nullptr, "old root as slave"));
  TRY(sys::umount2(".", MNT_DETACH));
  if (::chdir("/") < 0) return fail(Error::from_errno(errno, "chdir", "/"));
  return {};
}

Result<> chroot(const std::string& path) {
  if (::chroot(path.c_str()) < 0) return fail(Error::from_errno(errno, "chroot", path));
  if (::chdir("/") < 0) return fail(Error::from_errno(errno, "chdir", "/"));
  return {};
}

}  // namespace hull::sys

namespace hull::sys {

Result<UniqueFd> open_tree_clone(FdRef dir, const std::string& path, bool recursive,
                                 const std::string& what) {
  unsigned flags = OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | (path.empty() ? AT_EMPTY_PATH : 0u) |
                   (recursive ? AT_RECURSIVE : 0u);
  // SAFETY: raw syscall with an fd, a NUL-terminated path and flags.
  long fd = ::syscall(SYS_open_tree, dir.get(), path.c_str(), flags);
  if (fd < 0) return fail(Error::from_errno(errno, "open_tree", what));
  return UniqueFd(static_cast<int>(fd));
}

Result<> move_mount(FdRef mnt, FdRef target, const std::string& what) {
  // SAFETY: raw syscall; both paths are empty and named by fd.
  if (::syscall(SYS_move_mount, mnt.get(), "", target.get(), "",
                MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
    return fail(Error::from_errno(errno, "move_mount", what));
  return {};
}

namespace {

// The kernel explains fsconfig failures in messages read from the fs context fd.
std::string fs_context_log(int fd) {
  std::string out;
  char buf[512];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf - 1);
    if (n <= 0) break;
    if (!out.empty()) out += "; ";
    out.append(buf, static_cast<size_t>(n));
    while (!out.empty() && out.back() == '\n') out.pop_back();
  }
  return out;
}

Result<> fsconfig(int fd, unsigned cmd, const char* key, const char* value,
                  const std::string& what) {
  // SAFETY: raw syscall; key/value are NUL-terminated or null as fsconfig(2) allows per cmd.
  if (::syscall(SYS_fsconfig, fd, cmd, key, value, 0) < 0) {
    int err = errno;
    std::string log = fs_context_log(fd);
    auto e = Error::from_errno(err, "fsconfig", what);
    if (!log.empty()) e.context("kernel: " + log);
    return fail(std::move(e));
  }
  return {};
}

}  // namespace

Result<UniqueFd> fs_mount(const std::string& fstype, const std::string& source,
                          const std::vector<std::string>& options, uint64_t attr,
                          const std::string& what) {
  // SAFETY: raw syscall with a NUL-terminated filesystem name.
  long raw = ::syscall(SYS_fsopen, fstype.c_str(), FSOPEN_CLOEXEC);
  if (raw < 0) return fail(Error::from_errno(errno, "fsopen " + fstype, what));
  UniqueFd ctx(static_cast<int>(raw));
  if (!source.empty())
    TRY(fsconfig(ctx.get(), FSCONFIG_SET_STRING, "source", source.c_str(), what));
  for (const auto& opt : options) {
    size_t eq = opt.find('=');
    if (eq == std::string::npos) {
      TRY(fsconfig(ctx.get(), FSCONFIG_SET_FLAG, opt.c_str(), nullptr, what + " option " + opt));
    } else {
      std::string key = opt.substr(0, eq), value = opt.substr(eq + 1);
      TRY(fsconfig(ctx.get(), FSCONFIG_SET_STRING, key.c_str(), value.c_str(),
                   what + " option " + opt));
    }
  }
  TRY(fsconfig(ctx.get(), FSCONFIG_CMD_CREATE, nullptr, nullptr, what));
  // SAFETY: raw syscall with integer arguments.
  long mnt = ::syscall(SYS_fsmount, ctx.get(), FSMOUNT_CLOEXEC, static_cast<unsigned>(attr));
  if (mnt < 0) return fail(Error::from_errno(errno, "fsmount", what));
  return UniqueFd(static_cast<int>(mnt));
}

}  // namespace hull::sys

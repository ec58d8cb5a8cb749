#include "sys/mount.h"

#include <fcntl.h>
#include <linux/mount.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>

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

Result<> pivot_root_here(FdRef new_root) {
  if (::fchdir(new_root.get()) < 0) return fail(Error::from_errno(errno, "fchdir", "new root"));
  // SAFETY: raw syscall with two NUL-terminated paths.
  if (::syscall(SYS_pivot_root, ".", ".") < 0)
    return fail(Error::from_errno(errno, "pivot_root", "."));
  // The old root is now mounted on top of the new one at "."; keep it from propagating the
  // unmount to the host, then detach it.
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

#include "sys/ns.h"

#include <fcntl.h>
#include <linux/close_range.h>
#include <linux/magic.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>

#include "sys/child.h"
#include "sys/dir_entries.h"
#include "sys/file.h"
#include "sys/security.h"

namespace hull::sys {

using base::Error;
using base::fail;

Result<> unshare(int flags) {
  if (::unshare(flags) < 0)
    return fail(Error::from_errno(errno, "unshare", fmt::format("{:#x}", flags)));
  return {};
}

Result<> setns(FdRef fd, int nstype, const std::string& what) {
  if (::setns(fd.get(), nstype) < 0) return fail(Error::from_errno(errno, "setns", what));
  return {};
}

Result<> sethostname(const std::string& name) {
  if (::sethostname(name.data(), name.size()) < 0)
    return fail(Error::from_errno(errno, "sethostname", name));
  return {};
}

Result<> setdomainname(const std::string& name) {
  if (::setdomainname(name.data(), name.size()) < 0)
    return fail(Error::from_errno(errno, "setdomainname", name));
  return {};
}

Result<> prctl(int option, unsigned long arg2, const std::string& what) {
  if (::prctl(option, arg2, 0, 0, 0) < 0) return fail(Error::from_errno(errno, "prctl", what));
  return {};
}

Result<> cloexec_from(int first) {
  // SAFETY: raw syscall with integer arguments.
  if (::syscall(SYS_close_range, static_cast<unsigned>(first), ~0U, CLOSE_RANGE_CLOEXEC) == 0)
    return {};
  int err = errno;
  return cloexec_each_from(first).map_error([&](Error e) {
    return std::move(e).context(
        fmt::format("close_range from fd {}: {}; then", first, base::describe_errno(err)));
  });
}

Result<> cloexec_each_from(int first) {
  const std::string what = "/proc/self/fd";
  StepError e = cloexec_walk(first);
  switch (e.step) {
    case 0: return {};
    case kStepProcNotProcfs:
      if (e.err == 0)
        return fail(Error::invalid(what + " is not on procfs: cannot list the open fds"));
      return fail(Error::from_errno(e.err, "fstatfs", what));
    case kStepOpenProcFd: return fail(Error::from_errno(e.err, "open", what));
    case kStepListFds: return fail(Error::from_errno(e.err, "getdents64", what));
    default:
      return fail(
          Error::from_errno(e.err, "fcntl F_SETFD FD_CLOEXEC", fmt::format("fd {}", e.index)));
  }
}

}  // namespace hull::sys

#include <linux/keyctl.h>

namespace hull::sys {

Result<> join_session_keyring(const std::string& name) {
  // SAFETY: raw syscall with a NUL-terminated name.
  if (::syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, name.c_str()) < 0)
    return fail(Error::from_errno(errno, "keyctl JOIN_SESSION_KEYRING", name));
  return {};
}

}  // namespace hull::sys

#include "sys/inotify.h"

#include <sys/inotify.h>
#include <unistd.h>

#include <cerrno>

namespace hull::sys {

using base::Error;
using base::fail;

base::Result<UniqueFd> inotify_init1(int extra_flags) {
  int fd = ::inotify_init1(IN_CLOEXEC | extra_flags);
  if (fd < 0) return fail(Error::from_errno(errno, "inotify_init1"));
  return UniqueFd(fd);
}

base::Result<int> inotify_add_watch(FdRef inotify, FdRef dir, const std::string& name,
                                    uint32_t mask) {
  // inotify has no *at variant; the magic link names exactly the directory the caller holds.
  std::string path = "/proc/self/fd/" + std::to_string(dir.get()) + "/" + name;
  int wd = ::inotify_add_watch(inotify.get(), path.c_str(), mask);
  if (wd < 0) return fail(Error::from_errno(errno, "inotify_add_watch", path));
  return wd;
}

base::Result<size_t> inotify_drain(FdRef inotify) {
  alignas(struct inotify_event) char buf[4096];
  size_t events = 0;
  for (;;) {
    ssize_t n = ::read(inotify.get(), buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN) return events;
      return fail(Error::from_errno(errno, "read", "inotify"));
    }
    if (n == 0) return events;
    for (ssize_t off = 0; off < n;) {
      // SAFETY: the kernel writes whole, aligned inotify_event records into buf.
      const auto* ev = reinterpret_cast<const struct inotify_event*>(buf + off);
      off += static_cast<ssize_t>(sizeof(struct inotify_event) + ev->len);
      ++events;
    }
    if (static_cast<size_t>(n) < sizeof buf) return events;
  }
}

}  // namespace hull::sys

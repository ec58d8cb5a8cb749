#include "sys/eventfd.h"

#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>

namespace hull::sys {

using base::Error;
using base::fail;

base::Result<UniqueFd> eventfd(unsigned int initval, int extra_flags) {
  int fd = ::eventfd(initval, EFD_CLOEXEC | extra_flags);
  if (fd < 0) return fail(Error::from_errno(errno, "eventfd"));
  return UniqueFd(fd);
}

base::Result<uint64_t> eventfd_read(FdRef fd) {
  uint64_t value = 0;
  for (;;) {
    ssize_t n = ::read(fd.get(), &value, sizeof value);
    if (n == static_cast<ssize_t>(sizeof value)) return value;
    if (n < 0 && errno == EINTR) continue;
    return fail(Error::from_errno(n < 0 ? errno : EIO, "read", "eventfd"));
  }
}

}  // namespace hull::sys

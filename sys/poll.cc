#include "sys/poll.h"

#include <cerrno>

namespace hull::sys {

using base::Error;
using base::fail;

base::Result<int> poll(std::span<struct pollfd> fds, int timeout_ms) {
  for (;;) {
    int n = ::poll(fds.data(), static_cast<nfds_t>(fds.size()), timeout_ms);
    if (n >= 0) return n;
    if (errno != EINTR) return fail(Error::from_errno(errno, "poll"));
  }
}

}  // namespace hull::sys

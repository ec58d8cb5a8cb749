// poll(2) over several fds (a pidfd and a cgroup notifier, for `hull events`).
#pragma once

#include <poll.h>

#include <span>

#include "base/result.h"

namespace hull::sys {

// poll(fds, timeout_ms): the number of fds with non-zero revents (0 on timeout). EINTR is
// retried with the same timeout, so a signal can lengthen the wait by at most one timeout.
base::Result<int> poll(std::span<struct pollfd> fds, int timeout_ms);

}  // namespace hull::sys

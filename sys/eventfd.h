// eventfd(2): a counter fd, used for cgroup v1 notifications (cgroup.event_control).
#pragma once

#include <cstdint>

#include "base/result.h"
#include "sys/unique_fd.h"

namespace hull::sys {

// eventfd(initval, EFD_CLOEXEC | extra_flags).
base::Result<UniqueFd> eventfd(unsigned int initval, int extra_flags = 0);
// Reads (and resets) the counter; EAGAIN if the fd is non-blocking and the counter is zero.
base::Result<uint64_t> eventfd_read(FdRef fd);

}  // namespace hull::sys

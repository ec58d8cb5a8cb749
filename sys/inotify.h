// inotify(7): used to watch cgroup v2 event files (memory.events, cgroup.events).
#pragma once

#include <cstdint>
#include <string>

#include "base/result.h"
#include "sys/unique_fd.h"

namespace hull::sys {

// inotify_init1(IN_CLOEXEC | extra_flags).
base::Result<UniqueFd> inotify_init1(int extra_flags = 0);
// inotify_add_watch(fd, path, mask) with `path` relative to `dir` (resolved through /proc/self/fd
// so that the watch follows the directory the caller opened). Returns the watch descriptor.
base::Result<int> inotify_add_watch(FdRef inotify, FdRef dir, const std::string& name,
                                    uint32_t mask);
// Reads and discards all queued events; returns how many there were (0 when a non-blocking fd
// has none).
base::Result<size_t> inotify_drain(FdRef inotify);

}  // namespace hull::sys

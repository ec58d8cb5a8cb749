// The CVE-2019-5736 defence: no process inside a container may run from a host file it could
// open through /proc/<pid>/exe and overwrite. Everything hull runs in a container's namespaces
// before the user's program is hull-init (container/init/), executed from a sealed memfd copy of
// the program hull carries inside itself; the kernel refuses every write to a sealed memfd, so
// /proc/<pid>/exe leads nowhere writable. (runc re-executes all of itself from such a copy; hull's
// init program is a fraction of its size, and hull itself is never exposed.)
#pragma once

#include <span>

#include "base/result.h"
#include "sys/unique_fd.h"

namespace hull::container::security {

using base::Result;

// A memfd named `name` holding `bytes`, sealed with F_SEAL_SEAL, F_SEAL_SHRINK, F_SEAL_GROW and
// F_SEAL_WRITE, executable (MFD_EXEC where the kernel knows it) and CLOEXEC. When `bytes` are
// part of a loaded file (data linked into hull), the kernel copies them from that file
// (sys/image.h), so they are not faulted into this process; otherwise they are written.
Result<sys::UniqueFd> sealed_memfd(const char* name, std::span<const unsigned char> bytes);

// True when `fd` is a memfd carrying all four seals above.
bool is_sealed_memfd(int fd);

}  // namespace hull::container::security

// The CVE-2019-5736 defence: the process that enters a container must not run from the host's
// hull binary, or a container process could open /proc/<pid>/exe for writing and replace it. Like
// runc's cloned_binary, hull re-executes itself from a sealed memfd copy; the kernel refuses every
// write to a sealed memfd, so /proc/self/exe leads nowhere writable.
#pragma once

#include "base/result.h"

namespace hull::container::security {

using base::Result;

enum class SealMode {
  SkipReadOnly,  // a binary on a read-only mount cannot be overwritten: no copy needed
  Always,        // copy even then (tests; bind mounts can be remounted read-write by the host)
};

// Returns at once when /proc/self/exe is already a memfd with F_SEAL_SEAL, F_SEAL_SHRINK,
// F_SEAL_GROW and F_SEAL_WRITE (the re-executed copy), or, with SkipReadOnly, when it sits on a
// read-only mount. Otherwise copies /proc/self/exe into memfd_create("hull", MFD_CLOEXEC |
// MFD_ALLOW_SEALING [| MFD_EXEC]), seals it and fexecve()s it with the argv of /proc/self/cmdline
// and the current `environ`: on success it does not return. Call it first thing in
// create/run/exec, before any thread is started. The copy costs one binary's worth of memory.
Result<> ensure_sealed_self(SealMode mode = SealMode::SkipReadOnly);

// True when `fd` is a memfd carrying all four seals above.
bool is_sealed_memfd(int fd);

}  // namespace hull::container::security

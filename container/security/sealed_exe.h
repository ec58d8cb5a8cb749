// The CVE-2019-5736 defence: no process inside a container may run from a host file it could
// open through /proc/<pid>/exe and overwrite. Everything hull runs in a container's namespaces
// before the user's program is hull-init (container/init/), executed from one of:
// - a sealed memfd copy of the program the library carries inside itself: the kernel refuses
//   every write to a sealed memfd;
// - a read-only overlayfs view of a file that carries hull-init too (the hull binary), when the
//   program says it does (container.h): an overlay without an upper layer has a read-only
//   superblock that no remount, clone or mount attribute makes writable, and its mount is
//   detached, in no namespace. No copy: the page cache is shared (runc 1.2 does the same).
// Either way /proc/<pid>/exe and /proc/<pid>/map_files lead nowhere writable.
#pragma once

#include <span>
#include <string>

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

// An O_PATH descriptor of the executable file `exe` (a path or /proc/self/exe) seen through a
// new detached overlayfs, mounted read-only, nodev and nosuid, whose lower layers are the file's
// directory and then `spare_dir`, which overlayfs requires as a second layer (lower layers alone
// make the overlay read-only) and which must neither contain nor lie inside that directory. The
// mount lives as long as the descriptor and the processes executing from it. Fails when the view
// is not the file `exe` named when this began (replaced meanwhile: size or times differ).
Result<sys::UniqueFd> overlay_view(const std::string& exe, const std::string& spare_dir);

}  // namespace hull::container::security

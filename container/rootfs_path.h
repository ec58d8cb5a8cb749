// Safe paths inside a container root. Every mount target, device node and masked path is opened
// from the root's fd with openat2 and RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS: a symlink planted in
// the rootfs resolves inside it and can never lead out to the host (CVE-2021-30465 and kin).
// Missing components are created one at a time and re-opened with O_NOFOLLOW, so a component
// swapped for a symlink between mkdir and open is refused rather than followed.
#pragma once

#include <string>

#include "base/result.h"
#include "sys/unique_fd.h"

namespace hull::container {

enum class PathKind { Directory, File };

// Opens `path` (absolute, inside the root) as O_PATH. ENOENT is an error with that errno.
base::Result<sys::UniqueFd> open_in_root(sys::FdRef root, const std::string& path);
// Opens `path`, creating it (and its parents) as `kind` when missing; an existing path of the
// other kind is an error (ENOTDIR / EISDIR).
base::Result<sys::UniqueFd> ensure_in_root(sys::FdRef root, const std::string& path, PathKind kind);
// The path inside the root that `path` leads to once its symlinks are resolved there, as runc's
// securejoin resolves it: the longest existing prefix is resolved, the missing rest appended as
// is. This is where a mount on `path` lands, so the name the kernel (and criu) give it.
base::Result<std::string> resolve_in_root(sys::FdRef root, const std::string& path);

// Opens a bind mount's source (O_PATH): a host path, relative ones from the working directory
// (the bundle). A source that lies in `rootfs` (absolute, symlink-free) is resolved inside it like
// a container path: the rootfs is the image's, and a symlink in it must not lead whoever opens
// the source (init, or the parent as host root) out to the host. "In the rootfs" is judged on
// the path as written and on its lexically cleaned form, so ".." cannot hide it.
base::Result<sys::UniqueFd> open_bind_source(const std::string& source, const std::string& rootfs);

}  // namespace hull::container

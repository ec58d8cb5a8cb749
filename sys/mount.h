// Mounts: mount(2)/umount2, pivot_root, mount_setattr, and mounting onto a target given as an fd
// (through /proc/self/fd/N), so a path is resolved once, safely, and never again by name.
#pragma once

#include <sys/mount.h>

#include <cstdint>
#include <string>
#include <vector>

#include "base/result.h"
#include "sys/unique_fd.h"

namespace hull::sys {

using base::Result;

// mount(2). `what` names the mount in errors, e.g. "proc on /proc".
Result<> mount(const char* source, const char* target, const char* fstype, unsigned long flags,
               const char* data, const std::string& what);
// mount(2) with the target given as an open fd (O_PATH is enough).
Result<> mount_at(const char* source, FdRef target, const char* fstype, unsigned long flags,
                  const char* data, const std::string& what);
Result<> umount2(const std::string& target, int flags);
// mount_setattr(2) on `dir`/`path` (AT_EMPTY_PATH when path is empty), `recursive` adds
// AT_RECURSIVE.
Result<> mount_setattr(FdRef dir, const std::string& path, uint64_t attr_set, uint64_t attr_clr,
                       uint64_t propagation, bool recursive, const std::string& what);
// MOUNT_ATTR_IDMAP on the detached tree `tree`: file owners are seen through the id mappings of
// the user namespace `userns`. Only the top mount, or every mount of the tree if `recursive`.
Result<> mount_setattr_idmap(FdRef tree, FdRef userns, bool recursive, const std::string& what);
// pivot_root(".", ".") in the directory `new_root`, then detaches the old root: the trick runc
// uses so that no directory for the old root is needed inside the container.
Result<> pivot_root_here(FdRef new_root);
Result<> chroot(const std::string& path);

// The path "/proc/self/fd/N" for `fd`, for calls that only take paths.
std::string fd_path(FdRef fd);

}  // namespace hull::sys

namespace hull::sys {

// The new mount API: build a detached mount, adjust it, then attach it onto an fd.
// open_tree(2) with OPEN_TREE_CLONE (a detached copy of the mount at dir/path).
Result<UniqueFd> open_tree_clone(FdRef dir, const std::string& path, bool recursive,
                                 const std::string& what);
// move_mount(2) of a detached mount onto `target` (both by fd).
Result<> move_mount(FdRef mnt, FdRef target, const std::string& what);
// fsopen(2) + fsconfig(2) for each option + FSCONFIG_CMD_CREATE + fsmount(2) with `attr`
// (MOUNT_ATTR_*). Options are "key=value" (a string) or "key" (a flag). On failure the kernel's
// own message for the fs context is added to the error.
Result<UniqueFd> fs_mount(const std::string& fstype, const std::string& source,
                          const std::vector<std::string>& options, uint64_t attr,
                          const std::string& what);

}  // namespace hull::sys

// Files: open/openat/openat2, reads and writes that retry EINTR, atomic replacement, directory
// helpers. Every wrapper returns Result and names the call and path on failure.
// Paths inside a container root are resolved from the root's fd with openat2(RESOLVE_IN_ROOT),
// never by joining strings (see resolve_in_root in sys/rootfs_path.h).
#pragma once

#include <fcntl.h>
#include <sys/stat.h>

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "sys/unique_fd.h"

namespace hull::sys {

using base::Result;

// open(2)/openat(2); O_CLOEXEC is always added.
Result<UniqueFd> open(const std::string& path, int flags, mode_t mode = 0);
Result<UniqueFd> openat(FdRef dir, const std::string& path, int flags, mode_t mode = 0);
// openat2(2) with `resolve` (RESOLVE_* bits); O_CLOEXEC is always added.
Result<UniqueFd> openat2(FdRef dir, const std::string& path, uint64_t flags, uint64_t resolve,
                         mode_t mode = 0);

// Reads until EOF / writes everything, retrying EINTR and short transfers.
Result<std::string> read_all(FdRef fd, const std::string& what);
// fcntl(F_GETFL): the file status flags and access mode of an open file.
Result<int> file_status_flags(FdRef fd, const std::string& what);
// A CLOEXEC duplicate of `fd` numbered 3 or above (fcntl F_DUPFD_CLOEXEC): never on a stdio slot.
Result<UniqueFd> dup_cloexec(FdRef fd);
// realpath(3): absolute, every symlink resolved, the file must exist.
Result<std::string> realpath(const std::string& path);
// The whole file from offset 0 with pread(2), whatever the descriptor's offset (a memfd written
// by another process through the same open file).
Result<std::string> pread_all(FdRef fd, const std::string& what);
Result<> write_all(FdRef fd, std::string_view data, const std::string& what);
// write_all to a pipe whose reader may be gone: EPIPE is returned, and no SIGPIPE reaches the
// process (it is blocked for this thread during the write and a pending one is consumed), so the
// caller's signal dispositions stay as they were.
Result<> write_all_nosigpipe(FdRef fd, std::string_view data, const std::string& what);
// read(2)/write(2) once, retrying EINTR only. Returns the byte count.
Result<size_t> read_some(FdRef fd, std::span<char> buf, const std::string& what);

Result<std::string> read_file(const std::string& path);
Result<std::string> read_file_at(FdRef dir, const std::string& name);
// Writes `data` to dir/name through a temporary file and rename: readers see the old or the new
// content, never a mix. No fsync: what hull writes this way (state.json, pid files) describes
// processes that do not outlive the boot, and an fsync on a disk-backed /run cost ~5 ms per
// write on the start path (runc does not sync these either).
Result<> write_file_atomic(FdRef dir, const std::string& name, std::string_view data,
                           mode_t mode = 0600);
// Opens an existing file for writing (O_WRONLY|O_TRUNC unless `append`) and writes `data`.
Result<> write_file(const std::string& path, std::string_view data);

Result<> mkdirat(FdRef dir, const std::string& name, mode_t mode);
// mkdir -p on a host path (not for container paths).
Result<> mkdir_all(const std::string& path, mode_t mode);
Result<> unlinkat(FdRef dir, const std::string& name, int flags);
// rm -rf of a host directory; missing is not an error. Does not cross mount points.
Result<> remove_tree(const std::string& path);

Result<struct stat> fstat(FdRef fd, const std::string& what);
Result<struct stat> fstatat(FdRef dir, const std::string& path, int flags);
bool exists(const std::string& path);

Result<> mknodat(FdRef dir, const std::string& name, mode_t mode, dev_t dev);
Result<> fchownat(FdRef dir, const std::string& name, uid_t uid, gid_t gid, int flags);
// fchown(2); -1 (as uid_t/gid_t) leaves that id unchanged.
Result<> fchown(FdRef fd, uid_t uid, gid_t gid, const std::string& what);
Result<> fchmod(FdRef fd, mode_t mode, const std::string& what);
Result<> symlinkat(const std::string& target, FdRef dir, const std::string& name);
Result<> fchdir(FdRef dir, const std::string& what);
// getcwd(3): the absolute path of the working directory (ENOENT if it was removed).
Result<std::string> getcwd();

Result<std::string> readlinkat(FdRef dir, const std::string& path);
Result<std::vector<std::string>> list_dir(const std::string& path);

// flock(2) on an open fd; LOCK_EX/LOCK_SH, optionally | LOCK_NB.
Result<> flock(FdRef fd, int op, const std::string& what);

}  // namespace hull::sys

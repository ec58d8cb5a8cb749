#include "container/security/sealed_exe.h"

#include <fcntl.h>
#include <linux/memfd.h>
#include <linux/mount.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string_view>

#include "base/path.h"
#include "sys/file.h"
#include "sys/image.h"
#include "sys/mount.h"
#include "sys/security.h"

namespace hull::container::security {

using base::Error;
using base::fail;

namespace {

constexpr int kSeals = F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE;
// Linux 6.3: with vm.memfd_noexec = 1 a memfd is only executable when created with MFD_EXEC.
#ifndef MFD_EXEC
constexpr unsigned int kMfdExec = 0x0010U;
#else
constexpr unsigned int kMfdExec = MFD_EXEC;
#endif

Result<sys::UniqueFd> create_memfd(const char* name) {
  auto fd = sys::memfd_create(name, MFD_ALLOW_SEALING | kMfdExec);
  // EINVAL: a kernel before 6.3 that does not know MFD_EXEC (and executes every memfd).
  if (!fd.has_value() && fd.error().errno_code() == EINVAL)
    return sys::memfd_create(name, MFD_ALLOW_SEALING);
  return fd;
}

// The bytes copied from the file that maps them; false if that fails anywhere (the caller writes
// them from memory instead).
bool copy_from_file(sys::FdRef mem, std::span<const unsigned char> bytes) {
  auto range = sys::mapped_file_range(bytes.data(), bytes.size());
  if (!range.has_value()) return false;
  auto file = sys::open(range->path, O_RDONLY);
  if (!file.has_value()) return false;
  off_t offset = range->offset;
  size_t left = bytes.size();
  while (left > 0) {
    auto n = sys::sendfile(mem, *file, offset, left);
    if (!n.has_value() || *n == 0) return false;
    left -= *n;
  }
  return true;
}

// The same file, as far as a stat can tell through overlayfs (which shows its own device and may
// remap inode numbers): a file replaced meanwhile has other times.
bool same_file(const struct stat& a, const struct stat& b) {
  return a.st_size == b.st_size && a.st_mode == b.st_mode && a.st_mtim.tv_sec == b.st_mtim.tv_sec &&
         a.st_mtim.tv_nsec == b.st_mtim.tv_nsec && a.st_ctim.tv_sec == b.st_ctim.tv_sec &&
         a.st_ctim.tv_nsec == b.st_ctim.tv_nsec;
}

}  // namespace

Result<sys::UniqueFd> overlay_view(const std::string& exe, const std::string& spare_dir) {
  sys::UniqueFd held = TRY(sys::open(exe, O_PATH | O_CLOEXEC));
  struct stat want = TRY(sys::fstat(held, exe));
  std::string path = TRY(sys::readlinkat(AT_FDCWD, sys::fd_path(held)));
  const size_t slash = path.rfind('/');
  if (path.empty() || path[0] != '/' || slash == std::string::npos || !S_ISREG(want.st_mode))
    return fail(Error::invalid(fmt::format("{}: not a reachable file ({})", exe, path)));
  const std::string dir = slash == 0 ? "/" : path.substr(0, slash), name = path.substr(slash + 1);
  const std::string what = "a read-only overlayfs view of " + path;
  sys::UniqueFd dir_fd = TRY(sys::open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC));
  sys::UniqueFd spare_fd = TRY(sys::open(spare_dir, O_PATH | O_DIRECTORY | O_CLOEXEC));
  // overlayfs refuses such layers too, but with ELOOP and a line in the kernel's log each time.
  std::string spare = TRY(sys::readlinkat(AT_FDCWD, sys::fd_path(spare_fd)));
  if (base::is_at_or_below(spare, dir) || base::is_at_or_below(dir, spare))
    return fail(
        Error::invalid(fmt::format("{}: the spare layer {} and {} overlap", what, spare, dir)));
  // The layers by descriptor: no escaping, and within fsconfig's 256 bytes however long the paths.
  sys::UniqueFd mnt = TRY(
      sys::fs_mount("overlay", "hull",
                    {"lowerdir=" + sys::fd_path(dir_fd) + ":" + sys::fd_path(spare_fd), "xino=off"},
                    MOUNT_ATTR_RDONLY | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOSUID, what));
  sys::UniqueFd file = TRY(sys::openat(mnt, name, O_PATH | O_NOFOLLOW | O_CLOEXEC));
  struct stat got = TRY(sys::fstat(file, what));
  if (!same_file(want, got))
    return fail(Error::invalid_state(fmt::format("{}: the file was replaced meanwhile", what)));
  return file;
}

Result<sys::UniqueFd> sealed_memfd(const char* name, std::span<const unsigned char> bytes) {
  sys::UniqueFd mem = TRY(create_memfd(name));
  if (!copy_from_file(mem, bytes)) {
    mem = TRY(create_memfd(name));  // a fresh one: the copy may have stopped half-way
    // SAFETY: the bytes are written as chars.
    TRY(sys::write_all(
        mem, std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()), name));
  }
  TRY(sys::add_seals(mem, kSeals));
  return mem;
}

bool is_sealed_memfd(int fd) {
  auto seals = sys::get_seals(fd);
  return seals.has_value() && (*seals & kSeals) == kSeals;
}

}  // namespace hull::container::security

#include "container/security/sealed_exe.h"

#include <fcntl.h>
#include <linux/memfd.h>
#include <sys/mman.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "sys/file.h"
#include "sys/security.h"

extern char** environ;

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

Result<sys::UniqueFd> create_memfd() {
  auto fd = sys::memfd_create("hull", MFD_ALLOW_SEALING | kMfdExec);
  // EINVAL: a kernel before 6.3 that does not know MFD_EXEC (and executes every memfd).
  if (!fd.has_value() && fd.error().errno_code() == EINVAL)
    return sys::memfd_create("hull", MFD_ALLOW_SEALING);
  return fd;
}

Result<sys::UniqueFd> sealed_copy(sys::FdRef exe) {
  sys::UniqueFd mem = TRY(create_memfd());
  struct stat st = TRY(sys::fstat(exe, "/proc/self/exe"));
  size_t left = static_cast<size_t>(st.st_size);
  while (left > 0) {
    size_t n = TRY(sys::sendfile(mem, exe, left));
    if (n == 0) break;  // the file shrank under us; the seals below freeze whatever we have
    left -= n;
  }
  if (left != 0)
    return fail(Error::invalid_state("/proc/self/exe changed size while it was being copied"));
  TRY(sys::add_seals(mem, kSeals));
  return mem;
}

}  // namespace

bool is_sealed_memfd(int fd) {
  auto seals = sys::get_seals(fd);
  return seals.has_value() && (*seals & kSeals) == kSeals;
}

Result<> ensure_sealed_self(SealMode mode) {
  auto done = [&]() -> Result<> {
    sys::UniqueFd exe = TRY(sys::open("/proc/self/exe", O_RDONLY));
    if (is_sealed_memfd(exe.get())) return {};
    if (mode == SealMode::SkipReadOnly) {
      struct statvfs vfs = TRY(sys::fstatvfs(exe, "/proc/self/exe"));
      if (vfs.f_flag & ST_RDONLY) return {};
    }
    sys::UniqueFd mem = TRY(sealed_copy(exe));
    exe.reset();

    // argv from /proc/self/cmdline: NUL-separated, NUL-terminated.
    std::string cmdline = TRY(sys::read_file("/proc/self/cmdline"));
    std::vector<char*> argv;
    for (size_t i = 0; i < cmdline.size(); i += std::string_view(&cmdline[i]).size() + 1)
      argv.push_back(&cmdline[i]);
    if (argv.empty()) return fail(Error::invalid_state("/proc/self/cmdline is empty"));
    argv.push_back(nullptr);
    return sys::fexecve(mem, argv.data(), environ);
  }();
  return std::move(done).map_error(
      base::context("re-executing hull from a sealed copy (CVE-2019-5736)"));
}

}  // namespace hull::container::security

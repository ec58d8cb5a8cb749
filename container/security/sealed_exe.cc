#include "container/security/sealed_exe.h"

#include <fcntl.h>
#include <linux/memfd.h>
#include <sys/mman.h>
#include <unistd.h>

#include <string_view>

#include "sys/file.h"
#include "sys/image.h"
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

}  // namespace

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

// The ENOSYS stub that goes in front of a seccomp filter (what runc calls patchbpf).
//
// Seccomp profiles are allow-lists written before the running kernel added its newest system
// calls. Under a default action like ERRNO(EPERM) a call such as clone3 or fchmodat2 fails with
// EPERM, and glibc, which falls back to the older call only on ENOSYS, then fails outright. So a
// system call numbered above every call the profile names (on that architecture) gets ENOSYS, as
// if the kernel did not have it; everything else goes on to the filter libseccomp compiled.
#pragma once

#include <linux/filter.h>

#include <cstdint>
#include <span>
#include <vector>

namespace hull::container::security {

struct ArchLimit {
  uint32_t audit_arch = 0;  // AUDIT_ARCH_* (libseccomp's SCMP_ARCH_* tokens are the same values)
  uint32_t max_nr = 0;      // the largest syscall number the profile names on this architecture
};

// The stub: per architecture, load seccomp_data.arch, compare, load nr, and return ENOSYS when
// nr > max_nr; anything else (other architectures, x32 calls on x86_64, numbers in range) falls
// through to the instruction right after the stub. Empty when `limits` is.
std::vector<struct sock_filter> enosys_stub(std::span<const ArchLimit> limits);

}  // namespace hull::container::security

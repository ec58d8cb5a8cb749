// Process security system calls: seccomp filters, capabilities (capset/capget, the bounding and
// ambient sets, keep-caps), credentials (setgroups/setresgid/setresuid), no_new_privs, rlimits,
// personality, sched_setattr, ioprio_set, and the sealed memfd used against CVE-2019-5736.
//
// The container init child calls these between clone and exec: none of them allocates unless it
// fails, and the credential calls are raw system calls that change only the calling thread (glibc's
// setresuid() and friends broadcast to every thread with signals, which a cloned child must avoid).
#pragma once

#include <linux/filter.h>
#include <sys/resource.h>
#include <sys/statvfs.h>
#include <sys/types.h>

#include <cstdint>
#include <span>
#include <string>
#include <tuple>

#include "base/result.h"
#include "base/wire.h"
#include "sys/unique_fd.h"

namespace hull::sys {

using base::Result;

// seccomp(SECCOMP_SET_MODE_FILTER, flags, prog). With SECCOMP_FILTER_FLAG_NEW_LISTENER in `flags`
// the kernel returns the notify listener fd, owned by the result; otherwise the result is invalid.
// Needs no_new_privs or CAP_SYS_ADMIN in the current user namespace (else EACCES).
Result<UniqueFd> seccomp_set_mode_filter(unsigned int flags, const struct sock_fprog& prog);
// Whether this kernel accepts the SECCOMP_FILTER_FLAG_* bits `flags` together (asked without
// loading a filter).
bool seccomp_filter_flag_supported(unsigned int flags);

// The permitted, effective and inheritable sets of the calling thread, as 64-bit masks
// (bit n = capability n).
struct CapMasks {
  uint64_t effective = 0;
  uint64_t permitted = 0;
  uint64_t inheritable = 0;
};
// capset(2)/capget(2) with _LINUX_CAPABILITY_VERSION_3 on the calling thread.
Result<> capset(const CapMasks& masks);
Result<CapMasks> capget();
// prctl(PR_CAPBSET_DROP, cap): needs CAP_SETPCAP in the effective set.
Result<> capbset_drop(int cap);
// prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL) and (PR_CAP_AMBIENT_RAISE, cap). Raising needs
// the cap in both the permitted and inheritable sets (else EPERM).
Result<> cap_ambient_clear_all();
Result<> cap_ambient_raise(int cap);
// prctl(PR_SET_KEEPCAPS, on): keep the permitted set across a setuid away from uid 0.
Result<> set_keepcaps(bool on);
// prctl(PR_SET_NO_NEW_PRIVS, 1).
Result<> set_no_new_privs();

// geteuid(2): whether hull runs with privilege (0) or rootless; getegid(2).
uid_t euid();
gid_t egid();
// umask(2): sets the mask, returns the previous one (it cannot fail).
mode_t umask(mode_t mask);
// setsid(2): a new session with the caller as its leader.
Result<> setsid();

// Raw setgroups(2), setresgid(2) (real = effective = saved = gid), setresuid(2) likewise.
// EINVAL from setresuid/setresgid in a user namespace means the id is not mapped.
Result<> setgroups(std::span<const gid_t> gids);
Result<> setresgid(gid_t gid);
Result<> setresuid(uid_t uid);

// prlimit(pid, resource, &limit, nullptr); pid 0 is the caller.
Result<> prlimit(pid_t pid, int resource, const struct rlimit& limit);
// personality(persona).
Result<> personality(unsigned long persona);
// sched_setattr(pid, attr, 0) with the kernel's struct sched_attr (size 56, version 1).
struct SchedAttr {
  uint32_t policy = 0;
  uint64_t flags = 0;
  int32_t nice = 0;
  uint32_t priority = 0;
  uint64_t runtime = 0, deadline = 0, period = 0;
  HULL_WIRE_FIELDS(policy, flags, nice, priority, runtime, deadline, period)
};
Result<> sched_setattr(pid_t pid, const SchedAttr& attr);
// ioprio_set(which, who, ioprio), e.g. IOPRIO_WHO_PROCESS, 0.
Result<> ioprio_set(int which, int who, int ioprio);

// memfd_create(name, flags); MFD_CLOEXEC is always added.
Result<UniqueFd> memfd_create(const char* name, unsigned int flags);
// fcntl(F_GET_SEALS) / fcntl(F_ADD_SEALS). F_GET_SEALS fails with EINVAL on a non-memfd file.
Result<int> get_seals(FdRef fd);
Result<> add_seals(FdRef fd, int seals);
Result<struct statvfs> fstatvfs(FdRef fd, const char* what);
// The filesystem type (statfs f_type, e.g. PROC_SUPER_MAGIC) of the file behind `fd` / at `path`.
Result<long> fs_type(FdRef fd, const std::string& what);
Result<long> fs_type_of_path(const std::string& path);
// sendfile(out, in, &offset, count), retrying EINTR: reads `in` from `offset` (advanced by what
// was copied) without moving its file position; returns the bytes copied (0 at EOF).
Result<size_t> sendfile(FdRef out, FdRef in, off_t& offset, size_t count);

}  // namespace hull::sys

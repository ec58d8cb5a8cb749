#include "sys/security.h"

#include <fcntl.h>
#include <linux/capability.h>
#include <linux/seccomp.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <cerrno>
#include <string>

namespace hull::sys {

uid_t euid() { return ::geteuid(); }

gid_t egid() { return ::getegid(); }

mode_t umask(mode_t mask) { return ::umask(mask); }

Result<> setsid() {
  if (::setsid() < 0) return base::fail(base::Error::from_errno(errno, "setsid"));
  return {};
}

using base::Error;
using base::fail;

Result<UniqueFd> seccomp_set_mode_filter(unsigned int flags, const struct sock_fprog& prog) {
  // SAFETY: prog points at a caller-owned BPF program that outlives the call.
  long rc = ::syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &prog);
  if (rc < 0) return fail(Error::from_errno(errno, "seccomp(SECCOMP_SET_MODE_FILTER)"));
  if (flags & SECCOMP_FILTER_FLAG_NEW_LISTENER) return UniqueFd(static_cast<int>(rc));
  return UniqueFd();
}

bool seccomp_filter_flag_supported(unsigned int flags) {
  // SAFETY: no program: known flags fail on the null pointer (EFAULT), unknown ones earlier
  // (EINVAL); nothing is ever loaded.
  long rc = ::syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, nullptr);
  return rc < 0 && errno == EFAULT;
}

Result<> capset(const CapMasks& masks) {
  __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[2];
  for (int i = 0; i < 2; ++i) {
    const int shift = 32 * i;
    data[i].effective = static_cast<uint32_t>(masks.effective >> shift);
    data[i].permitted = static_cast<uint32_t>(masks.permitted >> shift);
    data[i].inheritable = static_cast<uint32_t>(masks.inheritable >> shift);
  }
  // SAFETY: version 3 takes exactly two data structs.
  if (::syscall(SYS_capset, &header, data) < 0) return fail(Error::from_errno(errno, "capset"));
  return {};
}

Result<CapMasks> capget() {
  __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[2] = {};
  // SAFETY: version 3 fills exactly two data structs.
  if (::syscall(SYS_capget, &header, data) < 0) return fail(Error::from_errno(errno, "capget"));
  CapMasks m;
  for (int i = 0; i < 2; ++i) {
    const int shift = 32 * i;
    m.effective |= uint64_t{data[i].effective} << shift;
    m.permitted |= uint64_t{data[i].permitted} << shift;
    m.inheritable |= uint64_t{data[i].inheritable} << shift;
  }
  return m;
}

namespace {
Result<> prctl5(int option, unsigned long a2, unsigned long a3, const char* op) {
  if (::prctl(option, a2, a3, 0UL, 0UL) < 0) return fail(Error::from_errno(errno, op));
  return {};
}
}  // namespace

Result<> capbset_drop(int cap) {
  return prctl5(PR_CAPBSET_DROP, static_cast<unsigned long>(cap), 0, "prctl(PR_CAPBSET_DROP)");
}

Result<> cap_ambient_clear_all() {
  return prctl5(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, "prctl(PR_CAP_AMBIENT_CLEAR_ALL)");
}

Result<> cap_ambient_raise(int cap) {
  return prctl5(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, static_cast<unsigned long>(cap),
                "prctl(PR_CAP_AMBIENT_RAISE)");
}

Result<> set_keepcaps(bool on) {
  return prctl5(PR_SET_KEEPCAPS, on ? 1UL : 0UL, 0, "prctl(PR_SET_KEEPCAPS)");
}

Result<> set_no_new_privs() {
  return prctl5(PR_SET_NO_NEW_PRIVS, 1, 0, "prctl(PR_SET_NO_NEW_PRIVS)");
}

Result<> setgroups(std::span<const gid_t> gids) {
  // SAFETY: the kernel reads gids.size() entries from gids.data().
  if (::syscall(SYS_setgroups, gids.size(), gids.data()) < 0)
    return fail(Error::from_errno(errno, "setgroups"));
  return {};
}

Result<> setresgid(gid_t gid) {
  // SAFETY: a raw syscall on purpose: it changes only this thread (see the header).
  if (::syscall(SYS_setresgid, gid, gid, gid) < 0)
    return fail(Error::from_errno(errno, "setresgid", std::to_string(gid)));
  return {};
}

Result<> setresuid(uid_t uid) {
  // SAFETY: a raw syscall on purpose: it changes only this thread (see the header).
  if (::syscall(SYS_setresuid, uid, uid, uid) < 0)
    return fail(Error::from_errno(errno, "setresuid", std::to_string(uid)));
  return {};
}

Result<> prlimit(pid_t pid, int resource, const struct rlimit& limit) {
  if (::prlimit(pid, static_cast<__rlimit_resource>(resource), &limit, nullptr) < 0)
    return fail(Error::from_errno(errno, "prlimit"));
  return {};
}

Result<> personality(unsigned long persona) {
  if (::personality(persona) < 0) return fail(Error::from_errno(errno, "personality"));
  return {};
}

namespace {
// The kernel's struct sched_attr (include/uapi/linux/sched/types.h), SCHED_ATTR_SIZE_VER1.
struct KernelSchedAttr {
  uint32_t size;
  uint32_t sched_policy;
  uint64_t sched_flags;
  int32_t sched_nice;
  uint32_t sched_priority;
  uint64_t sched_runtime;
  uint64_t sched_deadline;
  uint64_t sched_period;
  uint32_t sched_util_min;
  uint32_t sched_util_max;
};
static_assert(sizeof(KernelSchedAttr) == 56);
}  // namespace

Result<> sched_setattr(pid_t pid, const SchedAttr& attr) {
  KernelSchedAttr k{
      sizeof(KernelSchedAttr), attr.policy, attr.flags, attr.nice, attr.priority, attr.runtime,
      attr.deadline,           attr.period, 0,          0};
  // SAFETY: k.size tells the kernel how much of the struct to read.
  if (::syscall(SYS_sched_setattr, pid, &k, 0U) < 0)
    return fail(Error::from_errno(errno, "sched_setattr"));
  return {};
}

Result<> ioprio_set(int which, int who, int ioprio) {
  // SAFETY: three integer arguments.
  if (::syscall(SYS_ioprio_set, which, who, ioprio) < 0)
    return fail(Error::from_errno(errno, "ioprio_set"));
  return {};
}

Result<UniqueFd> memfd_create(const char* name, unsigned int flags) {
  int fd = ::memfd_create(name, flags | MFD_CLOEXEC);
  if (fd < 0) return fail(Error::from_errno(errno, "memfd_create", name));
  return UniqueFd(fd);
}

Result<int> get_seals(FdRef fd) {
  int seals = ::fcntl(fd.get(), F_GET_SEALS);
  if (seals < 0) return fail(Error::from_errno(errno, "fcntl(F_GET_SEALS)"));
  return seals;
}

Result<> add_seals(FdRef fd, int seals) {
  if (::fcntl(fd.get(), F_ADD_SEALS, seals) < 0)
    return fail(Error::from_errno(errno, "fcntl(F_ADD_SEALS)"));
  return {};
}

Result<struct statvfs> fstatvfs(FdRef fd, const char* what) {
  struct statvfs st {};
  if (::fstatvfs(fd.get(), &st) < 0) return fail(Error::from_errno(errno, "fstatvfs", what));
  return st;
}

Result<long> fs_type(FdRef fd, const std::string& what) {
  struct statfs st {};
  if (::fstatfs(fd.get(), &st) < 0) return fail(Error::from_errno(errno, "fstatfs", what));
  return static_cast<long>(st.f_type);
}

Result<long> fs_type_of_path(const std::string& path) {
  struct statfs st {};
  if (::statfs(path.c_str(), &st) < 0) return fail(Error::from_errno(errno, "statfs", path));
  return static_cast<long>(st.f_type);
}

Result<size_t> sendfile(FdRef out, FdRef in, off_t& offset, size_t count) {
  for (;;) {
    ssize_t n = ::sendfile(out.get(), in.get(), &offset, count);
    if (n >= 0) return static_cast<size_t>(n);
    if (errno != EINTR) return fail(Error::from_errno(errno, "sendfile"));
  }
}

}  // namespace hull::sys

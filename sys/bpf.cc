#include "sys/bpf.h"

#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace hull::sys {

using base::Error;
using base::fail;

namespace {

long bpf(int cmd, union bpf_attr* attr) {
  // SAFETY: attr is a zero-initialised bpf_attr whose used fields were set by the caller; the
  // size passed is the full union.
  return ::syscall(SYS_bpf, cmd, attr, sizeof(*attr));
}

uint64_t ptr(const void* p) { return static_cast<uint64_t>(reinterpret_cast<uintptr_t>(p)); }

}  // namespace

base::Result<UniqueFd> bpf_prog_load_cgroup_device(std::span<const struct bpf_insn> insns,
                                                   const std::string& license) {
  std::string log(16384, '\0');
  union bpf_attr attr;
  std::memset(&attr, 0, sizeof attr);
  attr.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
  attr.insns = ptr(insns.data());
  attr.insn_cnt = static_cast<uint32_t>(insns.size());
  attr.license = ptr(license.c_str());
  attr.log_buf = ptr(log.data());
  attr.log_size = static_cast<uint32_t>(log.size());
  attr.log_level = 1;
  long fd = bpf(BPF_PROG_LOAD, &attr);
  if (fd < 0) {
    int err = errno;
    std::string first = log.substr(0, log.find_first_of("\n\0", 0, 2));
    return fail(Error::from_errno(
        err, "bpf(BPF_PROG_LOAD)",
        first.empty() ? "cgroup device program" : "cgroup device program: " + first));
  }
  return UniqueFd(static_cast<int>(fd));
}

base::Result<> bpf_prog_attach_cgroup_device(FdRef prog, FdRef cgroup, uint32_t flags) {
  union bpf_attr attr;
  std::memset(&attr, 0, sizeof attr);
  attr.target_fd = static_cast<uint32_t>(cgroup.get());
  attr.attach_bpf_fd = static_cast<uint32_t>(prog.get());
  attr.attach_type = BPF_CGROUP_DEVICE;
  attr.attach_flags = flags;
  if (bpf(BPF_PROG_ATTACH, &attr) < 0)
    return fail(Error::from_errno(errno, "bpf(BPF_PROG_ATTACH)", "cgroup device hook"));
  return {};
}

base::Result<> bpf_prog_detach_cgroup_device(FdRef prog, FdRef cgroup) {
  union bpf_attr attr;
  std::memset(&attr, 0, sizeof attr);
  attr.target_fd = static_cast<uint32_t>(cgroup.get());
  attr.attach_bpf_fd = static_cast<uint32_t>(prog.get());
  attr.attach_type = BPF_CGROUP_DEVICE;
  if (bpf(BPF_PROG_DETACH, &attr) < 0)
    return fail(Error::from_errno(errno, "bpf(BPF_PROG_DETACH)", "cgroup device hook"));
  return {};
}

base::Result<std::vector<uint32_t>> bpf_prog_query_cgroup_device(FdRef cgroup) {
  std::vector<uint32_t> ids(64);
  union bpf_attr attr;
  std::memset(&attr, 0, sizeof attr);
  attr.query.target_fd = static_cast<uint32_t>(cgroup.get());
  attr.query.attach_type = BPF_CGROUP_DEVICE;
  attr.query.prog_ids = ptr(ids.data());
  attr.query.prog_cnt = static_cast<uint32_t>(ids.size());
  if (bpf(BPF_PROG_QUERY, &attr) < 0)
    return fail(Error::from_errno(errno, "bpf(BPF_PROG_QUERY)", "cgroup device hook"));
  ids.resize(attr.query.prog_cnt);
  return ids;
}

base::Result<UniqueFd> bpf_prog_get_fd_by_id(uint32_t id) {
  union bpf_attr attr;
  std::memset(&attr, 0, sizeof attr);
  attr.prog_id = id;
  long fd = bpf(BPF_PROG_GET_FD_BY_ID, &attr);
  if (fd < 0)
    return fail(Error::from_errno(errno, "bpf(BPF_PROG_GET_FD_BY_ID)", std::to_string(id)));
  return UniqueFd(static_cast<int>(fd));
}

}  // namespace hull::sys

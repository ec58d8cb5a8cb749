// bpf(2) for cgroup device programs: load a BPF_PROG_TYPE_CGROUP_DEVICE program, attach it to a
// cgroup2 directory, list and detach the programs already there.
#pragma once

#include <linux/bpf.h>

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "base/result.h"
#include "sys/unique_fd.h"

namespace hull::sys {

// BPF_PROG_LOAD of a cgroup device program. On a verifier rejection the error names the first
// line of the verifier log.
base::Result<UniqueFd> bpf_prog_load_cgroup_device(std::span<const struct bpf_insn> insns,
                                                   const std::string& license);
// BPF_PROG_ATTACH(prog -> cgroup, BPF_CGROUP_DEVICE, flags e.g. BPF_F_ALLOW_MULTI).
base::Result<> bpf_prog_attach_cgroup_device(FdRef prog, FdRef cgroup, uint32_t flags);
// BPF_PROG_DETACH of one program from the cgroup's BPF_CGROUP_DEVICE hook.
base::Result<> bpf_prog_detach_cgroup_device(FdRef prog, FdRef cgroup);
// BPF_PROG_QUERY: ids of the programs attached directly to the cgroup's device hook.
base::Result<std::vector<uint32_t>> bpf_prog_query_cgroup_device(FdRef cgroup);
// BPF_PROG_GET_FD_BY_ID.
base::Result<UniqueFd> bpf_prog_get_fd_by_id(uint32_t id);

}  // namespace hull::sys

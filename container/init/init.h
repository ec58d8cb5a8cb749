// hull-init's init sequence (container/init/main.cc runs it); the protocol with the parent is in
// protocol.h. hull-init is its own program: it may allocate and use any of hull's code. Its
// /proc/self/exe is the sealed memfd, never a host file (CVE-2019-5736).
#pragma once

#include <sys/types.h>

#include <map>
#include <string>
#include <vector>

#include "base/result.h"
#include "container/init/plan.h"
#include "container/init/protocol.h"
#include "sys/unique_fd.h"

namespace hull::container {

struct InitContext {
  InitPlan plan;
  // From the bootstrap message and the plan: the namespaces init lives in.
  uint64_t clone_flags = 0;   // created for it
  uint64_t joined_flags = 0;  // joined (by the launcher, or by init from the bootstrap message)
  bool setgroups_denied = false;
  // Filled in on the way.
  sys::UniqueFd root_fd;        // the container root (O_PATH), before and after pivot_root
  sys::UniqueFd console_slave;  // the pty slave when process.terminal
  int report_fd = -1;           // where a failure goes: sync_fd, then start's connection
  std::map<size_t, sys::UniqueFd> mount_trees;  // by index in plan.mounts (kMsgMountTree)
  std::vector<sys::UniqueFd> read_only_later;   // attached mounts finalize_rootfs makes read-only

  bool is_exec() const { return plan.role == InitRole::Exec; }
};

// Runs the whole init sequence and execs; on failure reports 'E' and exits 1.
[[noreturn]] void init_main(InitContext& ctx);

// Writes /proc/self/<name> through an fd verified to be on procfs (fstatfs), never through a
// file some mount put over /proc (CVE-2025-52881).
base::Result<> write_proc_self(const std::string& name, std::string_view value);
// Writes linux.sysctl through verified procfs fds (before readonlyPaths make /proc/sys read-only).
base::Result<> write_sysctls(const PreparedProcess& pp);
// exec's execCPUAffinity.final, or every CPU the cpuset allows (dropping an affinity inherited
// from hull's caller, `taskset -c 0 hull run`, as runc does). The reset is best effort.
base::Result<> set_final_affinity(const InitContext& ctx);
// Pieces of init_main, in order (container/init/rootfs.cc, container/init/process.cc).
base::Result<> prepare_rootfs(InitContext& ctx);
base::Result<> finalize_rootfs(InitContext& ctx);
// The pty for process.terminal from the devpts under `root`; sends the master to console_fd.
base::Result<> setup_console(InitContext& ctx, sys::FdRef root);
// Everything from credentials to execve; returns only on failure.
base::Result<> setup_process_and_exec(InitContext& ctx);

}  // namespace hull::container

// The container's init process: what runs in the child between clone3 and execve.
//
// The parent (container/create.cc) clones the child into the new namespaces and then talks to it
// over a SOCK_SEQPACKET socketpair, one record per packet:
//   parent -> child  'M' + mount index, with one fd: a bind tree the parent built
//                    (container/mount_trees.h), zero or more of these, before
//   parent -> child  'B' + bootstrap message (nsexec/bootstrap.h): namespaces to join, oom score
//   child  -> parent 'H'  mounts are ready: run prestart/createRuntime hooks now
//   parent -> child  'h'  hooks done
//   child  -> parent 'R'  ready: rootfs pivoted, executable found; init now waits for `start`
//   child  -> parent 'E' + message   a failure (then the child exits)
// `start` connects to the exec socket (<state>/exec.sock) that init accepts on; init execs the
// user process, and the accepted connection (CLOEXEC) closes on a successful exec, or carries
// 'E' + message when exec failed.
//
// hull is single-threaded when it clones, so the child may use the heap; it never returns into
// the caller's code: it execs or _exits.
#pragma once

#include <sys/types.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "container/config.h"
#include "container/hooks.h"
#include "container/security/capabilities.h"
#include "container/security/process_attrs.h"
#include "container/security/rlimits.h"
#include "container/security/seccomp.h"
#include "container/security/sysctl.h"
#include "sys/affinity.h"
#include "sys/unique_fd.h"

namespace hull::container {

inline constexpr char kMsgMountTree = 'M';
inline constexpr char kMsgBootstrap = 'B';
inline constexpr char kMsgHooks = 'H';
inline constexpr char kMsgHooksDone = 'h';
inline constexpr char kMsgReady = 'R';
inline constexpr char kMsgError = 'E';
inline constexpr char kMsgStart = 'S';

inline constexpr char kMsgSeccompFd = 'N';  // child -> parent, with the seccomp listener fd

// What prepare_process computed in the parent; init only applies it.
struct PreparedProcess {
  std::vector<security::PreparedRlimit> rlimits;
  security::CapSets caps;
  int last_cap = 0;
  std::optional<security::SeccompProgram> seccomp;
  std::optional<unsigned long> personality;
  std::optional<sys::SchedAttr> scheduler;
  std::optional<int> io_priority;
  std::vector<std::pair<std::string, std::string>> sysctls;  // /proc/sys path, value
  std::string lsm_attr, lsm_label;  // /proc/self/attr/<lsm_attr> gets lsm_label before exec
  // execCPUAffinity (exec only): the parent runs on `initial` from before the clone until the
  // child joins the cgroup, then gives the child `final` (else every CPU its cpuset allows).
  std::optional<sys::CpuMask> affinity_initial, affinity_final;
};
base::Result<PreparedProcess> prepare_process(const Config& cfg, const Process& p);
// Writes linux.sysctl through verified procfs fds (before readonlyPaths make /proc/sys read-only).
base::Result<> write_sysctls(const PreparedProcess& pp);
// Writes /proc/self/<name> through an fd verified to be on procfs (fstatfs), never through a
// file some mount put over /proc (CVE-2025-52881).
base::Result<> write_proc_self(const std::string& name, std::string_view value);

struct InitContext {
  const Config* config = nullptr;
  const Process* process = nullptr;  // the process to exec (config->process for init)
  const PreparedProcess* prepared = nullptr;
  std::string id;
  std::string rootfs;                // absolute host path
  int sync_fd = -1;                  // child's end of the socketpair
  int exec_listener_fd = -1;         // init: accepts `start`; -1 for exec
  int console_fd = -1;               // connected --console-socket, or -1
  bool no_pivot = false;
  bool no_new_keyring = false;
  int preserve_fds = 0;              // fds 3 .. 3+N-1 pass into the container
  uint64_t clone_flags = 0;          // namespaces the child was cloned into
  std::vector<std::string> extra_env;  // LISTEN_FDS etc.
  std::map<std::string, std::string> cgroup_paths;  // for cgroup mounts
  std::vector<int> cgroup_tasks_fds;  // v1 `tasks` files init enters first (cgroups::Entry)
  bool is_exec = false;              // `hull exec`: join, don't build a rootfs
  int exec_pidfd = -1;               // exec: pidfd of the container's init to setns into
  uint64_t exec_ns_flags = 0;        // exec: the namespaces to join through exec_pidfd
  uint64_t joined_flags = 0;         // namespaces joined by path (from the bootstrap message)
  // Filled in by init itself.
  sys::UniqueFd root_fd;        // the container root (O_PATH), before and after pivot_root
  sys::UniqueFd console_slave;  // the pty slave when process.terminal
  int report_fd = -1;           // where a failure goes: sync_fd, then start's connection
  bool setgroups_denied = false;
  std::map<size_t, sys::UniqueFd> mount_trees;  // by index in config->mounts (kMsgMountTree)
  std::vector<sys::UniqueFd> read_only_later;   // attached mounts finalize_rootfs makes read-only
};

// Runs the whole init sequence and execs; on failure reports 'E' on sync_fd and exits.
[[noreturn]] void init_main(InitContext& ctx);

// Run by init (and the exec child) once in the container's cgroups: exec's execCPUAffinity.final,
// or every CPU the cpuset allows, dropping an affinity inherited from hull's caller (`taskset -c
// 0 hull run`), as runc does. The reset is best effort; a bad final affinity is an error.
base::Result<> set_final_affinity(const InitContext& ctx);
// What the rootfs code refuses before clone: an unknown rootfsPropagation; maskedPaths or
// readonlyPaths without a mount namespace (runc's wording).
base::Result<> check_rootfs_config(const Config& cfg);
// Pieces of init_main, in order (container/rootfs.cc, container/init_process.cc).
base::Result<> prepare_rootfs(InitContext& ctx);
base::Result<> finalize_rootfs(InitContext& ctx);
// The pty for process.terminal from the devpts under `root`; sends the master to console_fd.
base::Result<> setup_console(InitContext& ctx, sys::FdRef root);
// Everything from credentials to execve; returns only on failure.
base::Result<> setup_process_and_exec(InitContext& ctx, sys::UniqueFd start_conn);

}  // namespace hull::container

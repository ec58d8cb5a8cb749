// What hull tells its init program (container/init/main.cc): everything init needs from
// config.json, already parsed, checked and computed in the parent, so that init neither reads nor
// parses the config. It travels as base::wire bytes in a sealed memfd (no size limit, read once).
//
// Each type names its fields once (fields(), base/wire.h); a field missing there does not reach
// init, and the round trip test (plan_test) sets every field.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "base/wire.h"
#include "container/cgroups/mountinfo.h"
#include "container/config.h"
#include "container/mount_options.h"
#include "container/security/capabilities.h"
#include "container/security/rlimits.h"
#include "container/security/seccomp.h"
#include "sys/affinity.h"
#include "sys/security.h"

namespace hull::container {

// What prepare_process computed in the parent; init only applies it.
struct PreparedProcess {
  std::vector<security::PreparedRlimit> rlimits;
  security::CapSets caps;
  int32_t last_cap = 0;
  std::optional<security::SeccompProgram> seccomp;
  std::optional<uint64_t> personality;
  std::optional<sys::SchedAttr> scheduler;
  std::optional<int32_t> io_priority;
  std::vector<std::pair<std::string, std::string>> sysctls;  // /proc/sys path, value
  std::string lsm_attr, lsm_label;  // /proc/self/attr/<lsm_attr> gets lsm_label before exec
  // execCPUAffinity (exec only): the parent runs on `initial` from before the clone until the
  // child joins the cgroup, then gives the child `final` (else every CPU its cpuset allows).
  std::optional<sys::CpuMask> affinity_initial, affinity_final;
  HULL_WIRE_FIELDS(rlimits, caps, last_cap, seccomp, personality, scheduler, io_priority, sysctls,
                   lsm_attr, lsm_label, affinity_initial, affinity_final)
};

// process.* as init applies it.
struct InitProcess {
  std::vector<std::string> args;
  std::vector<std::string> env;  // the config's, plus what the caller adds (LISTEN_FDS=...)
  std::string cwd;
  uint32_t uid = 0, gid = 0;
  std::vector<uint32_t> additional_gids;
  std::optional<uint32_t> umask;
  bool terminal = false;
  std::optional<std::pair<uint32_t, uint32_t>> console_size;  // height, width
  bool no_new_privileges = false;
  std::optional<int32_t> oom_score_adj;
  HULL_WIRE_FIELDS(args, env, cwd, uid, gid, additional_gids, umask, terminal, console_size,
                   no_new_privileges, oom_score_adj)
};

// One entry of config.mounts, its options parsed.
struct InitMount {
  std::string destination, type, source;
  MountOptions options;
  bool from_parent = false;      // the parent sends a built tree (kMsgMountTree, mount_trees.h)
  bool read_only_later = false;  // made read-only at the end (is_read_only_later)
  HULL_WIRE_FIELDS(destination, type, source, options, from_parent, read_only_later)
};

enum class InitRole : uint8_t {
  Create = 1,  // the container's init: rootfs, hooks, wait for start, exec
  Exec = 2,    // `hull exec`: join the running container, exec
};

struct InitPlan {
  InitRole role = InitRole::Create;
  std::string id;
  std::string rootfs;          // absolute host path
  uint64_t parent_joined = 0;  // CLONE_NEW* joined by the launcher before init's clone
  bool no_pivot = false;
  bool no_new_keyring = false;
  int32_t preserve_fds = 0;  // fds 3 .. 3+N-1 pass into the container
  std::vector<InitMount> mounts;
  std::vector<Device> devices;  // linux.devices
  bool dev_is_mounted = false;  // a mount on /dev: the default devices and links go in it
  std::string hostname, domainname;
  std::string rootfs_propagation;
  bool readonly_root = false;
  std::vector<std::string> masked_paths, readonly_paths;
  std::map<std::string, std::string> cgroup_paths;  // for cgroup mounts
  cgroups::CgroupLayout cgroup_layout;
  std::vector<Hook> create_container_hooks, start_container_hooks;
  InitProcess process;
  PreparedProcess prepared;
  // Descriptors in init's table (-1: none).
  int32_t sync_fd = -1;                   // SOCK_SEQPACKET to the parent (container/init/init.h)
  int32_t exec_listener_fd = -1;          // Create: accepts `start` on exec.sock
  int32_t console_fd = -1;                // a connected --console-socket
  int32_t exec_pidfd = -1;                // Exec: the container's init, to setns through
  uint64_t exec_ns_flags = 0;             // Exec: the namespaces to join through exec_pidfd
  std::vector<int32_t> cgroup_tasks_fds;  // v1 `tasks` files to enter first (cgroups::Entry)
  // Where init's own log lines go: hull's --log file (or stderr), as hull writes them.
  int32_t log_fd = 2;
  bool log_json = false;
  bool log_debug = false;
  HULL_WIRE_FIELDS(role, id, rootfs, parent_joined, no_pivot, no_new_keyring, preserve_fds, mounts,
                   devices, dev_is_mounted, hostname, domainname, rootfs_propagation, readonly_root,
                   masked_paths, readonly_paths, cgroup_paths, cgroup_layout,
                   create_container_hooks, start_container_hooks, process, prepared, sync_fd,
                   exec_listener_fd, console_fd, exec_pidfd, exec_ns_flags, cgroup_tasks_fds,
                   log_fd, log_json, log_debug)
};

}  // namespace hull::container

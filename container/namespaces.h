// Which namespaces a container's init is created in, which it joins, and who joins them: decided
// from the config alone, without a system call, so the rules are unit-tested without root
// (namespaces_test).
//
//   created       CLONE_NEW* bits init is born with (a cgroup namespace is unshared by init
//                 itself once it is in its cgroups; a time namespace with offsets is made by the
//                 launcher's helper, which writes them first)
//   init_joins    paths init joins itself, first thing (user first, mount last)
//   launcher_joins paths the launcher's helper joins before init's clone, in order: those that a
//                 new or joined user namespace would leave init without the privilege to join
//                 (net, ipc, uts, cgroup, time), a pid namespace (setns of a pid namespace moves
//                 only children), and a user namespace by path last (a Kubernetes pod's: init's
//                 new namespaces are then owned by it)
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "base/result.h"
#include "container/config.h"
#include "nsexec/bootstrap.h"

namespace hull::container {

// CLONE_NEWNET for NamespaceType::Network, ...
uint32_t clone_flag(NamespaceType t);
// /proc/<pid>/ns/<file>: "net" for the network namespace, "mnt" for mount, else the spec's name.
std::string namespace_proc_path(pid_t pid, NamespaceType t);

struct NamespacePlan {
  uint64_t created = 0;
  std::vector<nsexec::NamespacePath> init_joins;
  std::vector<nsexec::NamespacePath> launcher_joins;
  bool new_userns = false;
  std::string uid_map, gid_map;  // written by the parent once init exists (new user namespace)
  bool setgroups_deny = false;   // a rootless parent must deny setgroups before writing gid_map
  bool rootless = false;
  std::string time_offsets;  // /proc/self/timens_offsets text

  // The namespaces the launcher joined, as CLONE_NEW* bits.
  uint64_t launcher_joined() const;
  // What init is told (nsexec/bootstrap.h).
  nsexec::Bootstrap bootstrap(std::optional<int32_t> oom_score_adj) const;
};

// Errors are InvalidArgument or Unsupported, naming the field: ".linux.namespaces: joining a
// mount namespace by path together with a user namespace is not supported",
// ".linux.timeOffsets: needs a new time namespace", ".linux.uidMappings/gidMappings: required
// with a user namespace". `rootless`: hull runs without privilege (euid != 0).
base::Result<NamespacePlan> plan_namespaces(const Config& cfg, bool rootless);

}  // namespace hull::container

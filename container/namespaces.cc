#include "container/namespaces.h"

#include <sched.h>

#include <algorithm>

namespace hull::container {

using base::Error;
using base::fail;

uint32_t clone_flag(NamespaceType t) {
  switch (t) {
    case NamespaceType::Pid: return CLONE_NEWPID;
    case NamespaceType::Network: return CLONE_NEWNET;
    case NamespaceType::Mount: return CLONE_NEWNS;
    case NamespaceType::Ipc: return CLONE_NEWIPC;
    case NamespaceType::Uts: return CLONE_NEWUTS;
    case NamespaceType::User: return CLONE_NEWUSER;
    case NamespaceType::Cgroup: return CLONE_NEWCGROUP;
    case NamespaceType::Time: return CLONE_NEWTIME;
  }
  return 0;
}

std::string namespace_proc_path(pid_t pid, NamespaceType t) {
  std::string_view file = t == NamespaceType::Network ? "net"
                          : t == NamespaceType::Mount ? "mnt"
                                                      : namespace_type_name(t);
  return fmt::format("/proc/{}/ns/{}", pid, file);
}

uint64_t NamespacePlan::launcher_joined() const {
  uint64_t out = 0;
  for (const auto& ns : launcher_joins) out |= ns.clone_flag;
  return out;
}

nsexec::Bootstrap NamespacePlan::bootstrap(std::optional<int32_t> oom_score_adj) const {
  nsexec::Bootstrap b;
  b.clone_flags = static_cast<uint32_t>(created);
  b.ns_paths = init_joins;
  b.uid_map = uid_map;
  b.gid_map = gid_map;
  b.setgroups_deny = setgroups_deny;
  b.rootless_euid = rootless && new_userns;
  b.oom_score_adj = oom_score_adj;
  b.time_offsets = time_offsets;
  return b;
}

base::Result<NamespacePlan> plan_namespaces(const Config& cfg, bool rootless) {
  static const Linux kNone;
  const Linux& lx = cfg.linux ? *cfg.linux : kNone;
  NamespacePlan p;
  p.rootless = rootless;
  std::vector<nsexec::NamespacePath> paths;
  nsexec::NamespacePath pid_path, user_path;
  for (const auto& ns : lx.namespaces) {
    uint32_t flag = clone_flag(ns.type);
    if (ns.path.empty())
      p.created |= flag;
    else if (ns.type == NamespaceType::Pid)
      pid_path = {flag, ns.path};
    else if (ns.type == NamespaceType::User)
      user_path = {flag, ns.path};
    else
      paths.push_back({flag, ns.path});
  }
  p.new_userns = (p.created & CLONE_NEWUSER) != 0;
  bool any_userns = p.new_userns || !user_path.path.empty();
  if (any_userns) {
    // Joined by a process that still has the host's privileges: the launcher, before init's
    // clone into (or with) the user namespace. Not a mount namespace: hull needs host paths.
    for (const auto& ns : paths) {
      if (ns.clone_flag == CLONE_NEWNS)
        return fail(Error::unsupported(
            ".linux.namespaces: joining a mount namespace by path together with a user namespace "
            "is not supported"));
    }
    p.launcher_joins = std::move(paths);
  } else {
    p.init_joins = std::move(paths);
  }
  if (!pid_path.path.empty()) p.launcher_joins.push_back(pid_path);
  if (!user_path.path.empty()) p.launcher_joins.push_back(user_path);

  for (const auto& [clock, off] : lx.time_offsets)
    p.time_offsets += fmt::format("{} {} {}\n", clock, off.secs, off.nanosecs);
  if (!p.time_offsets.empty() && !(p.created & CLONE_NEWTIME))
    return fail(Error::invalid(".linux.timeOffsets: needs a new time namespace"));
  if (p.new_userns) {
    if (lx.uid_mappings.empty() || lx.gid_mappings.empty())
      return fail(Error::invalid(".linux.uidMappings/gidMappings: required with a user namespace"));
    auto to_nsexec = [](const std::vector<IdMapping>& m) {
      std::vector<nsexec::IdMapping> out;
      for (const auto& x : m) out.push_back({x.container_id, x.host_id, x.size});
      return out;
    };
    p.uid_map = nsexec::format_id_map(to_nsexec(lx.uid_mappings));
    p.gid_map = nsexec::format_id_map(to_nsexec(lx.gid_mappings));
    p.setgroups_deny = rootless;
  }
  return p;
}

}  // namespace hull::container

#include "container/init_plan.h"

#include "container/mount_options.h"
#include "container/mount_trees.h"

namespace hull::container {

namespace {

InitProcess init_process(const Process& p, const std::vector<std::string>& extra_env) {
  InitProcess out;
  out.args = p.args;
  out.env = p.env;
  out.env.insert(out.env.end(), extra_env.begin(), extra_env.end());
  out.cwd = p.cwd;
  out.uid = p.user.uid;
  out.gid = p.user.gid;
  out.additional_gids = p.user.additional_gids;
  out.umask = p.user.umask;
  out.terminal = p.terminal;
  if (p.console_size)
    out.console_size = std::make_pair(p.console_size->height, p.console_size->width);
  out.no_new_privileges = p.no_new_privileges;
  out.oom_score_adj = p.oom_score_adj;
  return out;
}

bool mounted_at(const std::vector<Mount>& mounts, std::string_view dest) {
  for (const auto& m : mounts)
    if (m.destination == dest || m.destination == std::string(dest) + "/") return true;
  return false;
}

}  // namespace

base::Result<InitPlan> make_create_plan(CreatePlanInput in) {
  const Config& cfg = *in.config;
  InitPlan plan;
  plan.role = InitRole::Create;
  plan.id = std::move(in.id);
  plan.rootfs = std::move(in.rootfs);
  plan.parent_joined = in.namespaces->launcher_joined();
  plan.no_pivot = in.no_pivot;
  plan.no_new_keyring = in.no_new_keyring;
  plan.preserve_fds = in.preserve_fds;
  for (size_t i = 0; i < cfg.mounts.size(); ++i) {
    const Mount& m = cfg.mounts[i];
    InitMount im;
    im.destination = m.destination;
    im.type = m.type;
    im.source = m.source;
    im.options =
        TRY(parse_mount_options(m).map_error(base::context(fmt::format(".mounts[{}]", i))));
    im.from_parent = built_by_parent(m, im.options, in.all_binds_from_parent);
    im.read_only_later = is_read_only_later(m, im.options);
    plan.mounts.push_back(std::move(im));
  }
  plan.dev_is_mounted = mounted_at(cfg.mounts, "/dev");
  plan.hostname = cfg.hostname;
  plan.domainname = cfg.domainname;
  plan.readonly_root = cfg.root && cfg.root->readonly;
  if (cfg.linux) {
    plan.devices = cfg.linux->devices;
    plan.rootfs_propagation = cfg.linux->rootfs_propagation;
    plan.masked_paths = cfg.linux->masked_paths;
    plan.readonly_paths = cfg.linux->readonly_paths;
  }
  plan.cgroup_paths = std::move(in.cgroup_paths);
  plan.cgroup_layout = std::move(in.cgroup_layout);
  if (cfg.hooks) {
    plan.create_container_hooks = cfg.hooks->create_container;
    plan.start_container_hooks = cfg.hooks->start_container;
  }
  plan.process = init_process(*cfg.process, in.extra_env);
  plan.prepared = std::move(in.prepared);
  return plan;
}

InitPlan make_exec_plan(const Process& p, PreparedProcess prepared, int preserve_fds,
                        uint64_t exec_ns_flags) {
  InitPlan plan;
  plan.role = InitRole::Exec;
  plan.preserve_fds = preserve_fds;
  plan.exec_ns_flags = exec_ns_flags;
  plan.process = init_process(p, {});
  plan.prepared = std::move(prepared);
  return plan;
}

}  // namespace hull::container

// Container::create: the parent's side. Everything that can fail on the config fails before the
// id is claimed; then the state directory, cgroups and sockets, hull-init started through the
// launcher, and the init protocol (container/init/protocol.h) until init is ready.
#include <fcntl.h>
#include <sched.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "base/cleanup.h"
#include "base/clock.h"
#include "base/log.h"
#include "container/bundle.h"
#include "container/cgroups/cgroups.h"
#include "container/cgroups/devices.h"
#include "container/cgroups/mountinfo.h"
#include "container/container.h"
#include "container/hooks.h"
#include "container/idmapped_mounts.h"
#include "container/init/protocol.h"
#include "container/init_plan.h"
#include "container/internal/operation.h"
#include "container/launcher.h"
#include "container/mount_trees.h"
#include "container/namespaces.h"
#include "container/prepare.h"
#include "container/security/seccomp.h"
#include "container/state_dir.h"
#include "nsexec/bootstrap.h"
#include "sys/file.h"
#include "sys/security.h"
#include "sys/socket.h"

namespace hull::container {

using base::Cleanup;
using base::Error;
using base::fail;
using sys::FdRef;
using sys::UniqueFd;

namespace {

Result<> write_id_maps(pid_t pid, const NamespacePlan& ns) {
  std::string dir = fmt::format("/proc/{}/", pid);
  if (ns.setgroups_deny) TRY(sys::write_file(dir + "setgroups", "deny"));
  if (!ns.uid_map.empty()) TRY(sys::write_file(dir + "uid_map", ns.uid_map));
  if (!ns.gid_map.empty()) TRY(sys::write_file(dir + "gid_map", ns.gid_map));
  return {};
}

bool res_is_empty(const Resources& r) {
  return !r.memory && !r.cpu && !r.pids_limit && !r.block_io && r.hugepage_limits.empty() &&
         !r.network && r.rdma.empty() && r.unified.empty();
}

// The linux.resources a new container's cgroup gets, with the device rules of linux.devices. A
// rootless container's devices are binds from the host: an unprivileged user can neither load a
// device filter nor needs one (runc skips it too).
Resources container_resources(const Linux& lx, bool rootless) {
  Resources res = lx.resources.value_or(Resources{});
  if (rootless)
    res.devices.clear();
  else
    res.devices = cgroups::container_device_rules(res.devices, lx.devices);
  return res;
}

// The cgroups of a new container: created and limited before init exists (init enters them
// itself, cgroups::Entry). An ordinary user without a delegated cgroup runs without one, as
// rootless runc does (state.json then records none); for root any failure is an error.
struct Cgroups {
  std::unique_ptr<cgroups::Manager> manager;
  bool used = false;
  cgroups::Entry entry;
};

Result<Cgroups> make_cgroups(cgroups::Manager& cg, const Resources& res, bool rootless) {
  Cgroups out;
  // A systemd scope is made around init once it exists (in the handshake, before init runs).
  if (cg.needs_process()) {
    out.used = true;
    return out;
  }
  if (auto made = cg.create_dirs(); !made.has_value()) {
    int err = made.error().errno_code();
    if (!rootless || (err != EACCES && err != EPERM && err != EROFS))
      return fail(std::move(made).error());
    HULL_LOG_DEBUG("running without cgroups: {}", made.error().message());
    if (!res_is_empty(res))
      HULL_LOG_WARN("linux.resources ignored: no cgroup could be created without privilege ({})",
                    made.error().message());
    (void)cg.destroy();  // whatever part of the hierarchy create_dirs() managed to create
    return out;
  }
  out.used = true;
  TRY(cg.set(res));
  out.entry = TRY(cg.entry());
  return out;
}

}  // namespace

Result<Container> Container::create(const CreateOptions& opts) {
  return in_operation("create", opts.id, [&]() -> Result<Container> {
    TRY(validate_id(opts.id));
    Bundle bundle = TRY(Bundle::load(opts.bundle));
    return create_container(std::move(bundle), opts);
  });
}

Result<Container> Container::create(Bundle bundle, const CreateOptions& opts) {
  return in_operation("create", opts.id, [&] { return create_container(std::move(bundle), opts); });
}

Result<Container> Container::run(const CreateOptions& opts) {
  return in_operation("run", opts.id, [&]() -> Result<Container> {
    TRY(validate_id(opts.id));
    Bundle bundle = TRY(Bundle::load(opts.bundle));
    Container c = TRY(create_container(std::move(bundle), opts));
    if (auto started = c.start_process(); !started.has_value()) {
      (void)c.destroy(true);
      return fail(std::move(started).error());
    }
    return c;
  });
}

Result<Container> Container::create_container(Bundle bundle, const CreateOptions& opts) {
  TRY(validate_id(opts.id));
  const Config& cfg = *bundle.config;
  const auto in_config = base::context(bundle.config_path);
  if (!cfg.process)
    return fail(Error::invalid(bundle.config_path + ": .process: required to create a container"));
  static const Linux kNoLinux;
  const Linux& lx = cfg.linux ? *cfg.linux : kNoLinux;
  const bool rootless = sys::euid() != 0;
  NamespacePlan ns = TRY(plan_namespaces(cfg, rootless).map_error(in_config));
  TRY(check_idmapped_mounts(cfg, ns.new_userns, rootless).map_error(in_config));
  PreparedProcess prepared = TRY(prepare_process(cfg, *cfg.process).map_error(in_config));
  // With a user namespace init is only its mapped root: the parent builds every bind on the host
  // (mount_trees.h). A rootless parent cannot clone mounts, so it leaves them to init.
  const bool userns = ns.new_userns || (ns.launcher_joined() & CLONE_NEWUSER);
  const bool all_binds = userns && !rootless;
  CreatePlanInput plan_in;
  plan_in.config = &cfg;
  plan_in.id = opts.id;
  plan_in.rootfs = bundle.rootfs;
  plan_in.prepared = std::move(prepared);
  plan_in.namespaces = &ns;
  plan_in.extra_env = opts.extra_env;
  plan_in.no_pivot = opts.no_pivot;
  plan_in.no_new_keyring = opts.no_new_keyring;
  plan_in.preserve_fds = opts.preserve_fds;
  plan_in.all_binds_from_parent = all_binds;

  StateDir dir = TRY(StateDir::claim(opts.root, opts.id));
  UniqueFd listener = TRY(sys::unix_listen(dir.path() + "/exec.sock", SOCK_SEQPACKET));
  // Read once: the cgroup manager and init's plan both need it.
  cgroups::CgroupLayout layout = TRY(cgroups::detect_cgroup_layout());
  auto cg =
      TRY(opts.systemd_cgroup ? cgroups::Manager::create_systemd(lx.cgroups_path, opts.id, rootless)
                              : cgroups::Manager::create(lx.cgroups_path, opts.id, layout));
  TRY(cgroups::check_not_frozen(*cg));  // before the guard: a user's cgroup is left as it was
  Cleanup remove_cgroup([&] { (void)cg->destroy(); });
  State st;
  st.id = opts.id;
  st.created = base::now_rfc3339();
  st.bundle = bundle.dir;
  st.rootfs = bundle.rootfs;
  st.config_json = bundle.config_json;
  st.annotations = cfg.annotations;
  st.rootless = rootless;
  st.created_userns = ns.new_userns;
  // A placeholder (no init yet, so "stopped") names the cgroup before any process joins it: if
  // this command is killed mid-way, `delete --force` still finds what to kill and remove.
  st.cgroup_paths = cg->paths().paths;
  st.systemd_unit = cg->systemd_scope().unit;
  st.systemd_user = cg->systemd_scope().user;
  TRY(dir.write_state(st));
  const Resources res = container_resources(lx, rootless);
  Cgroups cgs = TRY(make_cgroups(*cg, res, rootless));
  if (!cgs.used) {
    st.cgroup_paths.clear();
    st.systemd_unit.clear();
  }
  plan_in.cgroup_paths = cg->paths().paths;
  plan_in.cgroup_layout = std::move(layout);

  UniqueFd console;
  if (!opts.console_socket.empty())
    console = TRY(sys::unix_connect(opts.console_socket, SOCK_STREAM));
  if (opts.console_fd >= 0 && cfg.process->terminal)
    console = TRY(sys::dup_cloexec(FdRef(opts.console_fd)));
  auto sync = TRY(sys::socketpair(SOCK_SEQPACKET));
  // The launcher's helper joins these before init's clone (container/namespaces.h).
  std::vector<UniqueFd> join_fds;
  InitLaunch launch;
  for (const auto& j : ns.launcher_joins) {
    join_fds.push_back(TRY(sys::open(j.path, O_RDONLY)));
    launch.joins.push_back({join_fds.back().get(), static_cast<int>(j.clone_flag)});
  }
  launch.plan = TRY(make_create_plan(std::move(plan_in)).map_error(in_config));
  launch.sync_fd = sync.second.get();
  launch.exec_listener_fd = listener.get();
  launch.console_fd = console.get();
  launch.cgroup_tasks_fds = cgs.entry.tasks_fds();
  // A cgroup namespace takes its creator's cgroup as root, and init enters its v1 cgroups only
  // once it runs: init unshares it itself (container/init/init.cc).
  launch.clone_flags = ns.created & ~static_cast<uint64_t>(CLONE_NEWCGROUP);
  launch.cgroup_fd = cgs.entry.clone_cgroup_fd();
  launch.time_offsets = ns.time_offsets;
  launch.in_user_namespace = userns;
  launch.spare_dir = opts.root;
  sys::ChildProcess init = TRY(start_init(launch));
  cgs.entry = {};  // init has its copies
  join_fds.clear();
  sync.second.reset();
  listener.reset();
  console.reset();
  st.init_pid = init.pid();

  UniqueFd bundle_dir = TRY(sys::open(bundle.dir, O_PATH | O_DIRECTORY));
  auto handshake = [&]() -> Result<> {
    if (cg->needs_process()) {
      // init waits for the bootstrap message: it is moved and limited before it does anything
      // (runc's systemd driver moves runc init the same way).
      TRY(cg->apply(init.pid()));
      TRY(cg->set(res));
      st.cgroup_paths = cg->paths().paths;
    }
    if (ns.new_userns) TRY(write_id_maps(init.pid(), ns));
    // Bind trees are built here, on the host (container/mount_trees.h): idmapped ones, and with a
    // user namespace all of them, whose sources the container's mapped root may not reach.
    for (auto& t : TRY(build_mount_trees(cfg, init.pid(), bundle.rootfs, all_binds))) {
      int fd = t.tree.get();
      TRY(sys::send_with_fds(sync.first, fmt::format("{}{}", kMsgMountTree, t.mount_index),
                             std::span<const int>(&fd, 1), "init sync socket"));
    }
    auto boot = TRY(nsexec::encode(ns.bootstrap(cfg.process->oom_score_adj)));
    std::string msg(1, kMsgBootstrap);
    msg.append(reinterpret_cast<const char*>(boot.data()), boot.size());
    TRY(sys::write_all(sync.first, msg, "init sync socket"));
    TRY(await_init(sync.first, kMsgHooks, "its mounts were ready"));
    st.init_start_time = TRY(sys::process_start_time(init.pid()));
    std::string creating = oci_state_json(st, Status::Creating, false);
    if (cfg.hooks) {
      // In the bundle, as runc runs them.
      TRY(run_hooks("prestart", cfg.hooks->prestart, creating, bundle_dir));
      TRY(run_hooks("createRuntime", cfg.hooks->create_runtime, creating, bundle_dir));
    }
    // The state goes along only for createContainer hooks: one SEQPACKET record cannot carry
    // a state with megabytes of annotations.
    bool init_hooks = cfg.hooks && !cfg.hooks->create_container.empty();
    TRY(sys::write_all(sync.first, std::string(1, kMsgHooksDone) + (init_hooks ? creating : ""),
                       "init sync socket"));
    auto to_listener = [&](UniqueFd fd) -> Result<> {
      const Seccomp& sc = *lx.seccomp;
      std::string msg2 = security::container_process_state_json(
          init.pid(), sc.listener_metadata, oci_state_json(st, Status::Creating, false));
      return security::send_seccomp_listener(sc.listener_path, fd.get(), msg2);
    };
    TRY(await_init(sync.first, kMsgReady, "it was ready", to_listener));
    return {};
  };
  TRY(handshake());

  for (const auto& n : lx.namespaces)
    st.namespace_paths[std::string(namespace_type_name(n.type))] =
        n.path.empty() ? namespace_proc_path(init.pid(), n.type) : n.path;
  for (int fd = 0; fd < 3; ++fd) {
    auto target = sys::readlinkat(AT_FDCWD, fmt::format("/proc/self/fd/{}", fd));
    st.external_descriptors.push_back(target.has_value() ? *target : "/dev/null");
  }
  TRY(dir.write_state(st));
  remove_cgroup.release();
  // `run` in the foreground waits for init; otherwise it outlives this process.
  sys::ChildProcess kept;
  if (opts.keep_child)
    kept = std::move(init);
  else
    init.release();
  Container c =
      adopt(opts.root, std::move(dir), std::move(st), std::move(bundle.config), std::move(kept));
  TRY(c.report_pid(opts.pid_file));
  return c;
}

}  // namespace hull::container

// Container::create: the parent's side of the init protocol (container/init.h).
#include <fcntl.h>
#include <sched.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <climits>
#include <cstdlib>
#include <functional>
#include <string>
#include <vector>

#include "base/cleanup.h"
#include "base/log.h"
#include "container/cgroups/cgroups.h"
#include "container/cgroups/devices.h"
#include "container/container.h"
#include "container/hooks.h"
#include "container/idmapped_mounts.h"
#include "container/init.h"
#include "container/mount_trees.h"
#include "nsexec/bootstrap.h"
#include "sys/file.h"
#include "sys/ns.h"
#include "sys/socket.h"

namespace hull::container {

using base::Cleanup;
using base::Error;
using base::fail;
using sys::FdRef;
using sys::UniqueFd;

namespace {

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

std::vector<nsexec::IdMapping> to_nsexec(const std::vector<IdMapping>& m) {
  std::vector<nsexec::IdMapping> out;
  for (const auto& x : m) out.push_back({x.container_id, x.host_id, x.size});
  return out;
}

Result<std::string> absolute(const std::string& path) {
  char buf[PATH_MAX];
  if (::realpath(path.c_str(), buf) == nullptr) return fail(Error::from_errno(errno, "realpath", path));
  return std::string(buf);
}

// `path` with "//", "." and ".." resolved lexically (Go's filepath.Clean, as runc compares).
std::string clean_path(const std::string& path) {
  std::vector<std::string> parts;
  size_t i = 0;
  while (i <= path.size()) {
    size_t j = path.find('/', i);
    if (j == std::string::npos) j = path.size();
    std::string comp = path.substr(i, j - i);
    if (comp == "..") {
      if (!parts.empty()) parts.pop_back();
    } else if (!comp.empty() && comp != ".") {
      parts.push_back(comp);
    }
    i = j + 1;
  }
  std::string out;
  for (const auto& p : parts) out += "/" + p;
  return out.empty() ? "/" : out;
}

// Reads one record from init: the expected type, or init's own error, or its death. A seccomp
// listener fd on the way is handed to `on_seccomp_fd`.
Result<std::string> await(FdRef sync, char type, const char* what,
                          const std::function<Result<>(sys::UniqueFd)>& on_seccomp_fd = {}) {
  auto msg = TRY(sys::recv_with_fds(sync, 1 << 16, "init sync socket"));
  while (!msg.data.empty() && msg.data[0] == kMsgSeccompFd && on_seccomp_fd) {
    if (msg.fds.empty()) return fail(Error::protocol("init sync socket: seccomp record without an fd"));
    TRY(on_seccomp_fd(std::move(msg.fds[0])));
    msg = TRY(sys::recv_with_fds(sync, 1 << 16, "init sync socket"));
  }
  if (msg.data.empty())
    return fail(Error::make(base::ErrorKind::Child, fmt::format("container init exited before {}", what)));
  if (msg.data[0] == kMsgError) return fail(Error::make(base::ErrorKind::Child, msg.data.substr(1)));
  if (msg.data[0] != type)
    return fail(Error::protocol(fmt::format("init sync socket: unexpected record '{}'", msg.data[0])));
  return msg.data.substr(1);
}

Result<> write_id_maps(pid_t pid, const nsexec::Bootstrap& b) {
  std::string dir = fmt::format("/proc/{}/", pid);
  if (b.setgroups_deny) TRY(sys::write_file(dir + "setgroups", "deny"));
  if (!b.uid_map.empty()) TRY(sys::write_file(dir + "uid_map", b.uid_map));
  if (!b.gid_map.empty()) TRY(sys::write_file(dir + "gid_map", b.gid_map));
  return {};
}

// Clones init from a short-lived helper that first joins `userns`, so the namespaces in `flags`
// are created owned by that user namespace (runc's nsexec stages do the same). CLONE_PARENT
// makes init this process's child, as a plain clone would. Returns init's pid and pidfd; in
// init, `child` runs and never returns.
Result<sys::Cloned> clone_in_userns(FdRef userns, uint64_t flags, int cgroup_fd,
                                    const std::function<void()>& child) {
  auto report = TRY(sys::socketpair(SOCK_SEQPACKET));
  sys::Cloned helper = TRY(sys::clone3(0));
  if (helper.is_child()) {
    // SAFETY: a child of a single-threaded process; it only reports and exits.
    report.first.reset();
    auto joined_and_cloned = [&]() -> Result<sys::Cloned> {
      TRY(sys::setns(userns, CLONE_NEWUSER, "user namespace"));
      return sys::clone3(flags | CLONE_PARENT, cgroup_fd);
    };
    auto cloned = joined_and_cloned();
    if (cloned.has_value() && cloned->is_child()) child();
    std::string msg = cloned.has_value() ? fmt::format("P{}", cloned->pid)
                                         : std::string("E") + cloned.error().message();
    (void)sys::write_all(report.second, msg, "helper report");
    ::_exit(0);
  }
  sys::ChildProcess reaped(helper.pid, std::move(helper.pidfd));
  report.second.reset();
  auto msg = TRY(sys::recv_with_fds(report.first, 4096, "helper report"));
  sys::ExitStatus status = TRY(reaped.wait());
  if (msg.data.size() < 2)
    return fail(Error::make(base::ErrorKind::Child,
                            fmt::format("the user namespace helper ended without a report (exit status {})",
                                        status.shell_code())));
  if (msg.data[0] == 'E') return fail(Error::make(base::ErrorKind::Child, msg.data.substr(1)));
  pid_t pid = 0;
  auto [end, ec] = std::from_chars(msg.data.data() + 1, msg.data.data() + msg.data.size(), pid);
  if (ec != std::errc() || end != msg.data.data() + msg.data.size() || pid <= 0)
    return fail(Error::protocol("user namespace helper: bad report " + msg.data));
  sys::Cloned out;
  out.pid = pid;
  out.pidfd = TRY(sys::pidfd_open(pid));  // our child (CLONE_PARENT): the pid cannot be reused
  return out;
}

std::string namespace_file(NamespaceType t) {
  switch (t) {
    case NamespaceType::Network: return "net";
    case NamespaceType::Mount: return "mnt";
    default: return std::string(namespace_type_name(t));
  }
}

}  // namespace

Result<Container> Container::create(const CreateOptions& opts) {
  TRY(validate_id(opts.id));
  std::string bundle = TRY(absolute(opts.bundle));
  std::string config_path = bundle + "/config.json";
  std::string config_json = TRY(sys::read_file(config_path));
  auto parsed = parse_config(config_json);
  if (!parsed.has_value()) return fail(std::move(parsed).error().context(config_path));
  auto config = std::make_unique<Config>(std::move(*parsed));
  if (!config->process) return fail(Error::invalid(config_path + ": .process: required to create a container"));
  if (!config->root) return fail(Error::invalid(config_path + ": .root: required to create a container"));
  std::string rootfs_in = config->root->path;
  if (rootfs_in.empty() || rootfs_in[0] != '/') rootfs_in = bundle + "/" + rootfs_in;
  auto rootfs = absolute(rootfs_in);
  if (!rootfs.has_value())
    return fail(std::move(rootfs).error().context(fmt::format("rootfs {}", rootfs_in)));
  // A rootfs reached through a symlink could be the host's / or any other host directory the
  // bundle's author points at: refuse it, as runc does.
  if (*rootfs != clean_path(rootfs_in))
    return fail(Error::invalid(fmt::format(
        "{}: .root.path: invalid rootfs {}: not an absolute path, or a symlink (resolves to {})",
        config_path, rootfs_in, *rootfs)));
  struct stat rst = TRY(sys::fstatat(AT_FDCWD, *rootfs, 0));
  if (!S_ISDIR(rst.st_mode)) return fail(Error::from_errno(ENOTDIR, "rootfs", *rootfs));

  // Namespaces: create those without a path, join the others.
  nsexec::Bootstrap boot;
  uint64_t pid_path_flags = 0;
  std::string pid_ns_path;
  const Linux empty_linux;
  const Linux& lx = config->linux ? *config->linux : empty_linux;
  for (const auto& ns : lx.namespaces) {
    uint32_t flag = clone_flag(ns.type);
    if (ns.path.empty()) {
      boot.clone_flags |= flag;
    } else if (ns.type == NamespaceType::Pid) {
      pid_ns_path = ns.path;  // joined by the parent: a pid setns only affects children
      pid_path_flags |= flag;
    } else {
      boot.ns_paths.push_back({flag, ns.path});
    }
  }
  bool new_userns = boot.clone_flags & CLONE_NEWUSER;
  // A user namespace given by path (a Kubernetes pod's) is joined by a helper, which then clones
  // init into new namespaces that user namespace owns (clone_in_userns).
  std::string userns_path;
  std::erase_if(boot.ns_paths, [&](const nsexec::NamespacePath& ns) {
    if (ns.clone_flag != CLONE_NEWUSER) return false;
    userns_path = ns.path;
    return true;
  });
  // With a user namespace, init cannot join namespaces owned by the host's afterwards: the
  // parent joins them (net, ipc, uts, cgroup only change this short-lived hull process) and init
  // inherits them. A mount namespace cannot be joined that way: hull still needs host paths.
  std::vector<nsexec::NamespacePath> parent_joins;
  for (const auto& ns : boot.ns_paths) {
    if ((new_userns || !userns_path.empty()) && ns.clone_flag == CLONE_NEWNS)
      return fail(Error::unsupported(config_path + ": .linux.namespaces: joining a mount namespace by path together with a user namespace is not supported"));
  }
  if (new_userns || !userns_path.empty()) {
    parent_joins = std::move(boot.ns_paths);
    boot.ns_paths.clear();
  }
  for (const auto& [clock, off] : lx.time_offsets)
    boot.time_offsets += fmt::format("{} {} {}\n", clock, off.secs, off.nanosecs);
  if (!boot.time_offsets.empty() && !(boot.clone_flags & CLONE_NEWTIME))
    return fail(Error::invalid(config_path + ": .linux.timeOffsets: needs a new time namespace"));
  if (new_userns) {
    if (lx.uid_mappings.empty() || lx.gid_mappings.empty())
      return fail(Error::invalid(config_path + ": .linux.uidMappings/gidMappings: required with a user namespace"));
    boot.uid_map = nsexec::format_id_map(to_nsexec(lx.uid_mappings));
    boot.gid_map = nsexec::format_id_map(to_nsexec(lx.gid_mappings));
    boot.setgroups_deny = ::geteuid() != 0;
    boot.rootless_euid = ::geteuid() != 0;
  }
  TRY(check_idmapped_mounts(*config, new_userns, ::geteuid() != 0).map_error(base::context(config_path)));
  boot.oom_score_adj = config->process->oom_score_adj;
  PreparedProcess prepared = TRY(prepare_process(*config, *config->process).map_error(base::context(config_path)));
  std::vector<std::byte> boot_msg = TRY(nsexec::encode(boot));

  // The state directory: mkdir is the atomic claim on the id.
  TRY(sys::mkdir_all(opts.root, 0711));
  std::string dir = opts.root + "/" + opts.id;
  if (::mkdir(dir.c_str(), 0711) < 0) {
    if (errno == EEXIST) return fail(Error::make(base::ErrorKind::AlreadyExists, fmt::format("container with id exists: {}", opts.id)));
    return fail(Error::from_errno(errno, "mkdir", dir));
  }
  Cleanup remove_dir([&] { (void)sys::remove_tree(dir); });
  UniqueFd dir_fd = TRY(sys::open(dir, O_RDONLY | O_DIRECTORY));
  TRY(sys::flock(dir_fd, LOCK_EX, dir));
  UniqueFd listener = TRY(sys::unix_listen(dir + "/exec.sock", SOCK_SEQPACKET));

  auto cg = TRY(cgroups::Manager::create(lx.cgroups_path, opts.id));
  TRY(cgroups::check_not_frozen(*cg));  // before the guard: a user's cgroup is left as it was
  Cleanup remove_cgroup([&] { (void)cg->destroy(); });
  {
    // A placeholder (no init yet, so "stopped") names the cgroup before any process joins it:
    // if this command is killed mid-way, `delete --force` still finds what to kill and remove.
    State pre;
    pre.id = opts.id;
    pre.created = now_rfc3339();
    pre.bundle = bundle;
    pre.rootfs = *rootfs;
    pre.config_json = config_json;
    pre.cgroup_paths = cg->paths().paths;
    TRY(sys::write_file_atomic(dir_fd, "state.json", serialize_state(pre)));
  }

  UniqueFd console;
  if (!opts.console_socket.empty()) console = TRY(sys::unix_connect(opts.console_socket, SOCK_STREAM));
  if (opts.console_fd >= 0) console = sys::UniqueFd(::fcntl(opts.console_fd, F_DUPFD_CLOEXEC, 3));
  auto sync = TRY(sys::socketpair(SOCK_SEQPACKET));

  for (const auto& ns : parent_joins) {
    UniqueFd fd = TRY(sys::open(ns.path, O_RDONLY));
    TRY(sys::setns(fd, static_cast<int>(ns.clone_flag), ns.path));
  }
  if (!pid_ns_path.empty()) {
    UniqueFd pidns = TRY(sys::open(pid_ns_path, O_RDONLY));
    TRY(sys::setns(pidns, CLONE_NEWPID, pid_ns_path));
  }
  // Relative mount sources are relative to the bundle, as for runc.
  if (::chdir(bundle.c_str()) < 0) return fail(Error::from_errno(errno, "chdir", bundle));

  // A time namespace's offsets must be set before any process is in it: the parent unshares it
  // (only its children enter), writes the offsets, and init is born inside.
  uint64_t clone_flags = boot.clone_flags;
  if (boot.clone_flags & CLONE_NEWTIME) {
    TRY(sys::unshare(CLONE_NEWTIME));
    if (!boot.time_offsets.empty()) TRY(sys::write_file("/proc/self/timens_offsets", boot.time_offsets));
    clone_flags &= ~static_cast<uint64_t>(CLONE_NEWTIME);
  }
  // A cgroup namespace takes the creator's cgroup as its root, and init joins the container's
  // v1 cgroups only after clone: init unshares it itself once it has entered them.
  clone_flags &= ~static_cast<uint64_t>(CLONE_NEWCGROUP);
  // The cgroup directories exist before init: it enters them itself (cgroups::Entry), which
  // skips the ~8 ms RCU wait of moving another process.
  bool use_cgroups = true;
  if (auto made = cg->create_dirs(); !made.has_value()) {
    // An ordinary user without a delegated cgroup: run without one, as rootless runc does;
    // state.json then records no cgroup. Root, or any other failure, is an error.
    int err = made.error().errno_code();
    if (::geteuid() == 0 || (err != EACCES && err != EPERM && err != EROFS))
      return fail(std::move(made).error());
    HULL_LOG_DEBUG("running without cgroups: {}", made.error().message());
    if (lx.resources)
      HULL_LOG_WARN("linux.resources ignored: no cgroup could be created without privilege ({})",
                    made.error().message());
    (void)cg->destroy();  // whatever part of the hierarchy create_dirs() managed to create
    use_cgroups = false;
  }
  cgroups::Entry entry;
  if (use_cgroups) {
    // Limits and the device allow-list are in place before init exists.
    Resources res = lx.resources.value_or(Resources{});
    res.devices = cgroups::container_device_rules(res.devices, lx.devices);
    TRY(cg->set(res));
    entry = TRY(cg->entry());
  }
  UniqueFd userns;
  if (!userns_path.empty()) userns = TRY(sys::open(userns_path, O_RDONLY));
  auto run_init_child = [&]() {
    // SAFETY: the child of a single-threaded process; init_main never returns.
    sync.first.reset();
    // The flock belongs to the open file description: if init kept a copy, the lock would
    // outlive this command and block start/state/delete until init execs.
    dir_fd.reset();
    InitContext ctx;
    ctx.config = config.get();
    ctx.process = &*config->process;
    ctx.prepared = &prepared;
    ctx.id = opts.id;
    ctx.extra_env = opts.extra_env;
    for (const auto& ns : parent_joins) ctx.joined_flags |= ns.clone_flag;
    ctx.rootfs = *rootfs;
    ctx.sync_fd = sync.second.get();
    ctx.exec_listener_fd = listener.get();
    ctx.console_fd = console.get();
    ctx.no_pivot = opts.no_pivot;
    ctx.no_new_keyring = opts.no_new_keyring;
    ctx.preserve_fds = opts.preserve_fds;
    ctx.clone_flags = boot.clone_flags;
    ctx.cgroup_paths = cg->paths().paths;
    ctx.cgroup_tasks_fds = entry.tasks_fds();
    if (userns) ctx.joined_flags |= CLONE_NEWUSER;
    init_main(ctx);
  };
  sys::Cloned cloned;
  if (userns) {
    cloned = TRY(clone_in_userns(userns, clone_flags, entry.clone_cgroup_fd(), run_init_child)
                     .map_error(base::context("joining user namespace " + userns_path)));
  } else {
    cloned = TRY(sys::clone3(clone_flags, entry.clone_cgroup_fd()));
    if (cloned.is_child()) run_init_child();
  }
  userns.reset();
  sys::ChildProcess init(cloned.pid, std::move(cloned.pidfd));
  entry = {};  // init has its copies
  sync.second.reset();
  listener.reset();
  console.reset();

  State st;
  st.id = opts.id;
  st.init_pid = init.pid();
  st.created = now_rfc3339();
  st.bundle = bundle;
  st.rootfs = *rootfs;
  st.config_json = config_json;
  st.annotations = config->annotations;
  st.rootless = ::geteuid() != 0;
  st.created_userns = new_userns;

  auto handshake = [&]() -> Result<> {
    if (new_userns) TRY(write_id_maps(init.pid(), boot));
    // Bind trees are built here, on the host (container/mount_trees.h): idmapped ones, and with a
    // user namespace all of them, whose sources the container's mapped root may not reach.
    bool all_binds = (new_userns || !userns_path.empty()) && ::geteuid() == 0;
    for (auto& t : TRY(build_mount_trees(*config, init.pid(), *rootfs, all_binds))) {
      int fd = t.tree.get();
      TRY(sys::send_with_fds(sync.first, fmt::format("{}{}", kMsgMountTree, t.mount_index),
                             std::span<const int>(&fd, 1), "init sync socket"));
    }
    std::string msg(1, kMsgBootstrap);
    msg.append(reinterpret_cast<const char*>(boot_msg.data()), boot_msg.size());
    TRY(sys::write_all(sync.first, msg, "init sync socket"));
    TRY(await(sync.first, kMsgHooks, "its mounts were ready"));
    st.init_start_time = TRY(sys::process_start_time(init.pid()));
    std::string creating = oci_state_json(st, Status::Creating, false);
    if (config->hooks) {
      TRY(run_hooks("prestart", config->hooks->prestart, creating));
      TRY(run_hooks("createRuntime", config->hooks->create_runtime, creating));
    }
    // The state goes along only for createContainer hooks: one SEQPACKET record cannot carry
    // a state with megabytes of annotations.
    bool init_hooks = config->hooks && !config->hooks->create_container.empty();
    TRY(sys::write_all(sync.first, std::string(1, kMsgHooksDone) + (init_hooks ? creating : ""),
                       "init sync socket"));
    auto to_listener = [&](sys::UniqueFd fd) -> Result<> {
      const Seccomp& sc = *lx.seccomp;
      std::string msg2 = security::container_process_state_json(
          init.pid(), sc.listener_metadata, oci_state_json(st, Status::Creating, false));
      return security::send_seccomp_listener(sc.listener_path, fd.get(), msg2);
    };
    TRY(await(sync.first, kMsgReady, "it was ready", to_listener));
    return {};
  };
  auto r = handshake();
  if (!r.has_value()) return fail(std::move(r).error());

  if (use_cgroups) st.cgroup_paths = cg->paths().paths;
  for (const auto& ns : lx.namespaces)
    st.namespace_paths[std::string(namespace_type_name(ns.type))] =
        ns.path.empty() ? fmt::format("/proc/{}/ns/{}", init.pid(), namespace_file(ns.type)) : ns.path;
  for (int fd = 0; fd < 3; ++fd) {
    auto target = sys::readlinkat(AT_FDCWD, fmt::format("/proc/self/fd/{}", fd));
    st.external_descriptors.push_back(target.has_value() ? *target : "/dev/null");
  }
  TRY(sys::write_file_atomic(dir_fd, "state.json", serialize_state(st)));

  Container c;
  c.m_root = opts.root;
  c.m_state = std::move(st);
  c.m_config = std::move(config);
  c.m_dir_fd = std::move(dir_fd);
  if (opts.keep_child) {
    c.m_init = std::move(init);
  } else {
    init.release();
  }
  remove_cgroup.release();
  remove_dir.release();
  return c;
}

}  // namespace hull::container

// Container::restore: `hull restore`, runc's Restore (libcontainer/criu_linux.go). criu recreates
// the process tree; hull provides the state directory, the cgroup, the rootfs as a mount point,
// the external mounts and namespaces, and new descriptors for the stdio pipes, and answers criu's
// notifications (hooks at setup-namespaces, state.json at post-restore, the console master).
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdlib>

#include "base/cleanup.h"
#include "base/clock.h"
#include "container/cgroups/cgroups.h"
#include "container/cgroups/devices.h"
#include "container/container.h"
#include "container/criu_support.h"
#include "container/hooks.h"
#include "container/internal/operation.h"
#include "container/mount_options.h"
#include "container/namespaces.h"
#include "container/rootfs_path.h"
#include "criu/criu.h"
#include "sys/file.h"
#include "sys/mount.h"
#include "sys/security.h"
#include "sys/socket.h"

namespace hull::container {

using base::Cleanup;
using base::Error;
using base::fail;
using sys::UniqueFd;

namespace {

// criu needs every mount point of the images to exist in the root it restores into; create once
// more what create made (a fresh copy of the rootfs or of a volume lacks them), in the same order
// and through the same binds: each bind source is bound while this runs, so that a mount point
// nested in a bind mount is made in its source, as at create (runc's prepareCriuRestoreMounts).
// `root_path` is criu's private bind of the rootfs: the binds never show on the host, and are
// gone before criu starts. Mount points on a tmpfs come back with the tmpfs's content, and
// cgroup mount points with /sys or the cgroup tmpfs.
Result<> prepare_mount_points(const Config& cfg, const std::string& root_path,
                              const std::string& bundle) {
  UniqueFd root = TRY(sys::open(root_path, O_PATH | O_DIRECTORY));
  auto on_tmpfs = [&](const std::string& dest) {
    for (const auto& m : cfg.mounts)
      if (m.type == "tmpfs" && dest.rfind(clean_container_path(m.destination) + "/", 0) == 0)
        return true;
    return false;
  };
  std::vector<UniqueFd> binds;  // the roots of the temporary binds, undone last to first
  Cleanup unbind([&] {
    for (auto it = binds.rbegin(); it != binds.rend(); ++it)
      (void)sys::umount2(sys::fd_path(*it), MNT_DETACH);
  });
  for (const auto& m : cfg.mounts) {
    std::string dest = clean_container_path(m.destination);
    if (m.type == "cgroup" || m.type == "cgroup2" || on_tmpfs(dest)) continue;
    PathKind kind = PathKind::Directory;
    MountOptions o = TRY(parse_mount_options(m));
    std::string src;
    if (o.bind) {
      src = m.source[0] == '/' ? m.source : bundle + "/" + m.source;
      struct stat st =
          TRY(sys::fstatat(AT_FDCWD, src, 0).map_error(base::context("bind source of " + dest)));
      if (!S_ISDIR(st.st_mode)) kind = PathKind::File;
    }
    UniqueFd target =
        TRY(ensure_in_root(root, dest, kind).map_error(base::context("mount point " + dest)));
    if (!o.bind) continue;
    TRY(sys::mount_at(src.c_str(), target, nullptr, MS_BIND | MS_REC, nullptr,
                      fmt::format("bind {} on {} to make the mount points in it", src, dest)));
    binds.push_back(TRY(open_in_root(root, dest)));
  }
  return {};
}

// The container's cgroup relative to its hierarchy's root, criu's --cgroup-root: the cgroupfs
// path, or the systemd scope's place.
Result<std::string> cgroup_root_of(const cgroups::Manager& cg,
                                   const cgroups::CgroupLayout& layout) {
  cgroups::CgroupPaths paths = cg.paths();
  const auto& [controller, path] = *paths.paths.begin();
  std::string mountpoint = layout.unified.value_or("");
  if (!controller.empty()) {
    auto it = layout.v1.find(controller);
    mountpoint = it != layout.v1.end() ? it->second : "";
  }
  if (mountpoint.empty() || path.compare(0, mountpoint.size(), mountpoint) != 0)
    return fail(Error::invalid_state("cgroup " + path + " is outside its hierarchy"));
  return mountpoint == "/" ? path : path.substr(mountpoint.size());
}

class RestoreNotify : public criu::CriuNotifyHandler {
 public:
  RestoreNotify(const Config& cfg, State& st, cgroups::Manager& cg, sys::FdRef dir,
                std::string console_socket)
      : m_cfg(cfg), m_st(st), m_cg(cg), m_dir(dir), m_console_socket(std::move(console_socket)) {}

  Result<> on_notify(std::string_view script, int32_t pid) override {
    if (script == "setup-namespaces") return setup_namespaces(pid);
    if (script == "post-restore") return post_restore(pid);
    return {};
  }

  Result<> on_orphan_pts_master(sys::UniqueFd master) override {
    if (m_console_socket.empty())
      return fail(Error::invalid("the checkpoint has a terminal: restore needs --console-socket"));
    UniqueFd sock = TRY(sys::unix_connect(m_console_socket, SOCK_STREAM));
    int fds[] = {master.get()};
    return sys::send_with_fds(sock, "/dev/ptmx", fds, "console socket " + m_console_socket);
  }

  bool saved() const { return m_saved; }

 private:
  // Only the root task exists yet: in the cgroup now, its children are born there (also with
  // --manage-cgroups-mode ignore). Then the limits, then the hooks, as at create.
  Result<> setup_namespaces(pid_t pid) {
    TRY(m_cg.apply(pid));
    const Linux empty;
    const Linux& lx = m_cfg.linux ? *m_cfg.linux : empty;
    Resources res = lx.resources.value_or(Resources{});
    res.devices = cgroups::container_device_rules(res.devices, lx.devices);
    TRY(m_cg.set(res));
    if (m_cfg.hooks) {
      State st = m_st;
      st.init_pid = pid;
      std::string json = oci_state_json(st, Status::Creating, false);
      TRY(run_hooks_in(m_st.bundle, "prestart", m_cfg.hooks->prestart, json));
      TRY(run_hooks_in(m_st.bundle, "createRuntime", m_cfg.hooks->create_runtime, json));
    }
    return {};
  }

  // The tree is restored (not yet resumed): record its init so the container is running.
  Result<> post_restore(pid_t pid) {
    m_st.init_pid = pid;
    m_st.init_start_time = TRY(sys::process_start_time(pid));
    m_st.cgroup_paths = m_cg.paths().paths;
    m_st.systemd_unit = m_cg.systemd_scope().unit;
    m_st.systemd_user = m_cg.systemd_scope().user;
    m_st.namespace_paths.clear();
    if (m_cfg.linux)
      for (const auto& ns : m_cfg.linux->namespaces)
        m_st.namespace_paths[std::string(namespace_type_name(ns.type))] =
            ns.path.empty() ? namespace_proc_path(pid, ns.type) : ns.path;
    TRY(sys::write_file_atomic(m_dir, "state.json", serialize_state(m_st)));
    m_saved = true;
    return {};
  }

  const Config& m_cfg;
  State& m_st;
  cgroups::Manager& m_cg;
  sys::FdRef m_dir;
  std::string m_console_socket;
  bool m_saved = false;
};

}  // namespace

Result<Container> Container::restore(const RestoreOptions& opts) {
  return in_operation("restore", opts.id, [&] { return restore_container(opts); });
}

Result<Container> Container::restore_container(const RestoreOptions& opts) {
  TRY(validate_id(opts.id));
  criu::CriuOptions co = TRY(criu_request(opts.criu));
  // The same bundle checks as create's (a rootfs reached through a symlink is refused).
  Bundle b = TRY(Bundle::load(opts.bundle));
  const std::string& bundle = b.dir;
  const std::string& rootfs = b.rootfs;
  std::unique_ptr<Config>& config = b.config;
  static const Linux kNoLinux;
  const Linux& lx = config->linux ? *config->linux : kNoLinux;

  // Everything that can be checked without side effects comes first.
  criu::Criu criu = TRY(open_criu(opts.criu, "restore"));
  const std::string& image_path = opts.criu.image_path;
  UniqueFd images =
      TRY(sys::open(image_path, O_RDONLY | O_DIRECTORY).map_error(base::context("image path")));
  std::string descriptors_path = image_path + "/" + kDescriptorsFile;
  auto descriptors_text = sys::read_file_at(images, kDescriptorsFile);
  if (!descriptors_text.has_value()) {
    if (descriptors_text.error().errno_code() == ENOENT)
      return fail(Error::not_found(fmt::format(
          "{}: missing: {} is not a checkpoint image directory", descriptors_path, image_path)));
    return fail(std::move(descriptors_text).error());
  }
  std::vector<std::string> fds = TRY(parse_descriptors(*descriptors_text, descriptors_path));
  UniqueFd work;
  if (!opts.criu.work_path.empty()) work = TRY(open_output_dir(opts.criu.work_path));
  auto layout = TRY(cgroups::detect_cgroup_layout());

  StateDir state_dir = TRY(StateDir::claim(opts.root, opts.id));
  const std::string& dir = state_dir.path();
  sys::FdRef dir_fd = state_dir.fd();

  auto cg = TRY(opts.systemd_cgroup
                    ? cgroups::Manager::create_systemd(lx.cgroups_path, opts.id, sys::euid() != 0)
                    : cgroups::Manager::create(lx.cgroups_path, opts.id));
  TRY(cgroups::check_not_frozen(*cg));
  Cleanup remove_cgroup([&] {
    // criu kills what it restored when it fails; stragglers go with the cgroup.
    if (auto pids = cg->pids(); pids.has_value())
      for (pid_t p : *pids)
        if (auto pfd = sys::pidfd_open(p); pfd.has_value())
          (void)sys::pidfd_send_signal(*pfd, SIGKILL);
    (void)cg->destroy();
  });

  // criu's root must be a mount point whose parent is not overmounted: a private bind of the
  // rootfs in the state directory, gone again when restore returns.
  std::string criu_root = dir + "/criu-root";
  TRY(sys::mkdirat(dir_fd, "criu-root", 0755));
  TRY(sys::mount(rootfs.c_str(), criu_root.c_str(), nullptr, MS_BIND | MS_REC, nullptr,
                 "bind rootfs " + rootfs));
  Cleanup unmount_root([&] {
    (void)sys::umount2(criu_root, MNT_DETACH);
    (void)sys::unlinkat(AT_FDCWD, criu_root, AT_REMOVEDIR);  // dir_fd may be the Container's now
  });
  TRY(sys::mount(nullptr, criu_root.c_str(), nullptr, MS_PRIVATE | MS_REC, nullptr,
                 "private " + criu_root));
  TRY(prepare_mount_points(*config, criu_root, bundle));

  std::string cgroup_rel = TRY(cgroup_root_of(*cg, layout));
  ExternalMountInput in;
  in.config = config.get();
  in.bundle = bundle;
  in.cgroup_ns = has_new_cgroup_ns(*config);
  in.user_ns = false;
  in.layout = layout;
  in.cgroup_paths = cg->paths().paths;
  for (const auto& ns : lx.namespaces)
    in.user_ns |= ns.type == NamespaceType::User && ns.path.empty();
  UniqueFd root = TRY(sys::open(rootfs, O_PATH | O_DIRECTORY));
  in.mount_point = [&root](const std::string& dest) {
    return resolve_in_root(root, dest).value_or(dest);
  };
  co.ext_mounts = restore_external_mounts(in);
  co.cgroup_roots.push_back({"", cgroup_rel});

  // Namespaces joined by path at create are handed back to criu, which joins them.
  std::vector<UniqueFd> ns_fds;
  for (const auto& ns : lx.namespaces) {
    if (ns.path.empty() || (ns.type != NamespaceType::Network && ns.type != NamespaceType::Pid))
      continue;
    ns_fds.push_back(TRY(sys::open(ns.path, O_RDONLY)));
    co.inherit_fds.push_back(
        {ns.type == NamespaceType::Network ? "extRootNetNS" : "extRootPidNS", ns_fds.back().get()});
  }
  // The checkpointed stdio pipes are replaced by ours (runc hands over its own stdio).
  std::vector<std::string> descriptors = fds;
  for (size_t i = 0; i < fds.size() && i < 3; ++i) {
    if (fds[i].find("pipe:") == std::string::npos) continue;
    co.inherit_fds.push_back({fds[i], opts.stdio[i]});
    auto now = sys::readlinkat(AT_FDCWD, fmt::format("/proc/self/fd/{}", opts.stdio[i]));
    if (now.has_value()) descriptors[i] = *now;
  }

  co.images_dir_fd = images.get();
  co.work_dir_fd = work.is_valid() ? work.get() : -1;
  co.root = criu_root;
  co.restore_sibling = true;
  co.config_file = criu_config_file(*config);

  State st;
  st.id = opts.id;
  st.created = base::now_rfc3339();
  st.bundle = bundle;
  st.rootfs = rootfs;
  st.config_json = b.config_json;
  st.annotations = config->annotations;
  st.rootless = sys::euid() != 0;
  for (const auto& ns : lx.namespaces)
    st.created_userns |= ns.type == NamespaceType::User && ns.path.empty();
  st.external_descriptors = descriptors;
  RestoreNotify notify(*config, st, *cg, dir_fd, opts.console_socket);
  pid_t pid = TRY(criu.restore(co, &notify));
  // A restored tree is this process's child (rst_sibling): owned from here on.
  sys::ChildProcess init(pid, TRY(sys::pidfd_open(pid)));
  if (!notify.saved() || st.init_pid != pid)
    return fail(Error::protocol(
        fmt::format("criu restored pid {} without a post-restore notification for it", pid)));

  remove_cgroup.release();
  sys::ChildProcess kept;
  if (opts.keep_child)
    kept = std::move(init);
  else
    init.release();
  Container c =
      adopt(opts.root, std::move(state_dir), std::move(st), std::move(config), std::move(kept));
  TRY(c.report_pid(opts.pid_file));
  return c;
}

}  // namespace hull::container

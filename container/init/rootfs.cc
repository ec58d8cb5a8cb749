// The container's filesystem, built in init's new mount namespace: propagation, the rootfs bind,
// the config's mounts (new mount API, attached by fd), /dev, the console, then pivot_root and the
// masked and read-only paths.
#include <fcntl.h>
#include <linux/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cerrno>

#include "container/cgroups/mountinfo.h"
#include "container/init/init.h"
#include "container/mount_options.h"
#include "container/mount_table.h"
#include "container/rootfs_path.h"
#include "sys/file.h"
#include "sys/mount.h"
#include "sys/ns.h"
#include "sys/security.h"
#include "sys/socket.h"
#include "sys/tty.h"

namespace hull::container {

using base::Error;
using base::fail;
using base::Result;
using sys::FdRef;
using sys::UniqueFd;

namespace {

// Whether init has a mount namespace of its own (new, or joined by path). Without one, every mount
// lands in the caller's namespace, which is the host's.
bool has_mount_ns(const InitContext& ctx) {
  return ((ctx.clone_flags | ctx.joined_flags) & CLONE_NEWNS) != 0;
}

std::string describe(const InitMount& m) {
  return fmt::format("{} on {}", m.type.empty() ? (m.source.empty() ? "none" : m.source) : m.type,
                     m.destination);
}

Result<> attach(FdRef mnt, const MountOptions& o, FdRef target, const std::string& what) {
  if (o.propagation != 0)
    TRY(sys::mount_setattr(mnt, "", 0, 0, o.propagation, o.propagation_recursive, what));
  return sys::move_mount(mnt, target, what);
}

Result<> mount_bind(const InitContext& ctx, FdRef root, const InitMount& m, const MountOptions& o) {
  std::string what = fmt::format("bind {} on {}", m.source, m.destination);
  UniqueFd source = TRY(open_bind_source(m.source, ctx.plan.rootfs).map_error(base::context(what)));
  struct stat st = TRY(sys::fstat(source, what));
  UniqueFd target = TRY(ensure_in_root(root, m.destination,
                                       S_ISDIR(st.st_mode) ? PathKind::Directory : PathKind::File));
  UniqueFd tree = TRY(sys::open_tree_clone(source, "", o.recursive, what));
  if (o.attr_set != 0 || o.attr_clr != 0)
    TRY(sys::mount_setattr(tree, "", o.attr_set, o.attr_clr, 0, o.recursive, what));
  return attach(tree, o, target, what);
}

// A tree the parent built (container/mount_trees.h): idmapped or not, with its attributes set.
Result<> mount_prepared_bind(FdRef root, const InitMount& m, const MountOptions& o, UniqueFd tree) {
  std::string what = fmt::format("bind {} on {}", m.source, m.destination);
  struct stat st = TRY(sys::fstatat(tree, "", AT_EMPTY_PATH).map_error(base::context(what)));
  UniqueFd target = TRY(ensure_in_root(root, m.destination,
                                       S_ISDIR(st.st_mode) ? PathKind::Directory : PathKind::File));
  return attach(tree, o, target, what);
}

Result<> mount_fs(InitContext& ctx, FdRef root, const InitMount& m, const MountOptions& o) {
  std::string what = describe(m);
  UniqueFd target = TRY(ensure_in_root(root, m.destination, PathKind::Directory));
  bool later = m.read_only_later;
  uint64_t attr = later ? o.attr_set & ~static_cast<uint64_t>(MOUNT_ATTR_RDONLY) : o.attr_set;
  UniqueFd mnt = TRY(sys::fs_mount(m.type, m.source, o.fs_options, attr, what));
  TRY(attach(mnt, o, target, what));
  // The fd still names the attached mount: finalize_rootfs makes it read-only through it.
  if (later) ctx.read_only_later.push_back(std::move(mnt));
  return {};
}

// A "cgroup" mount: on v1/hybrid hosts a tmpfs holding one mount per hierarchy, as runc does; on
// a pure cgroup2 host one cgroup2 mount. With a cgroup namespace each hierarchy is mounted fresh
// (the namespace makes the container's cgroup its root); without one, the container's own cgroup
// directories are bound in.
Result<> mount_cgroups(InitContext& ctx, FdRef root, const InitMount& m, const MountOptions& o) {
  std::string what = describe(m);
  bool own_ns = (ctx.clone_flags & CLONE_NEWCGROUP) != 0;
  const cgroups::CgroupLayout& layout = ctx.plan.cgroup_layout;
  auto bind_own = [&](const std::string& controller, const std::string& mountpoint,
                      FdRef target) -> Result<> {
    auto it = ctx.plan.cgroup_paths.find(controller);
    std::string src = it != ctx.plan.cgroup_paths.end() ? it->second : mountpoint;
    UniqueFd tree = TRY(sys::open_tree_clone(AT_FDCWD, src, false, what));
    TRY(sys::mount_setattr(tree, "", o.attr_set, o.attr_clr, 0, false, what));
    return sys::move_mount(tree, target, what);
  };
  if (layout.mode() == cgroups::Mode::V2) {
    UniqueFd target = TRY(ensure_in_root(root, m.destination, PathKind::Directory));
    if (!own_ns) return bind_own("", *layout.unified, target);
    UniqueFd mnt = TRY(sys::fs_mount("cgroup2", "cgroup", {}, o.attr_set, what));
    return sys::move_mount(mnt, target, what);
  }
  UniqueFd target = TRY(ensure_in_root(root, m.destination, PathKind::Directory));
  UniqueFd tmpfs = TRY(sys::fs_mount("tmpfs", "tmpfs", {"mode=755"},
                                     o.attr_set & ~static_cast<uint64_t>(MOUNT_ATTR_RDONLY), what));
  TRY(sys::move_mount(tmpfs, target, what));
  UniqueFd dir = TRY(open_in_root(root, m.destination));  // now the tmpfs root
  UniqueFd dir_rw = TRY(sys::openat(dir, ".", O_RDONLY | O_DIRECTORY));
  // One mount per hierarchy: group controllers by mount point.
  std::map<std::string, std::vector<std::string>> hierarchies;
  for (const auto& [controller, mountpoint] : layout.v1)
    hierarchies[mountpoint].push_back(controller);
  for (const auto& [mountpoint, controllers] : hierarchies) {
    std::string name = mountpoint.substr(mountpoint.rfind('/') + 1);
    TRY(sys::mkdirat(dir_rw, name, 0755));
    UniqueFd sub = TRY(sys::openat(dir_rw, name, O_PATH | O_NOFOLLOW | O_DIRECTORY));
    if (own_ns) {
      UniqueFd mnt =
          TRY(sys::fs_mount("cgroup", "cgroup", controllers, o.attr_set, what + "/" + name));
      TRY(sys::move_mount(mnt, sub, what + "/" + name));
    } else {
      TRY(bind_own(controllers.front(), mountpoint, sub));
    }
    // Co-mounted controllers ("cpu,cpuacct") are reachable by each name, as on the host.
    if (controllers.size() > 1) {
      for (const auto& c : controllers) {
        std::string link = c.rfind("name=", 0) == 0 ? c.substr(5) : c;
        if (link != name) TRY(sys::symlinkat(name, dir_rw, link));
      }
    }
  }
  if (layout.unified) {
    TRY(sys::mkdirat(dir_rw, "unified", 0755));
    UniqueFd sub = TRY(sys::openat(dir_rw, "unified", O_PATH | O_NOFOLLOW | O_DIRECTORY));
    if (own_ns) {
      UniqueFd mnt = TRY(sys::fs_mount("cgroup2", "cgroup", {}, o.attr_set, what + "/unified"));
      TRY(sys::move_mount(mnt, sub, what + "/unified"));
    } else {
      TRY(bind_own("", *layout.unified, sub));
    }
  }
  if (o.attr_set & MOUNT_ATTR_RDONLY)
    TRY(sys::mount_setattr(dir, "", MOUNT_ATTR_RDONLY, 0, 0, false, what));
  return {};
}

Result<> mount_one(InitContext& ctx, FdRef root, size_t index) {
  const InitMount& m = ctx.plan.mounts[index];
  const MountOptions& o = m.options;
  if (auto it = ctx.mount_trees.find(index); it != ctx.mount_trees.end())
    return mount_prepared_bind(root, m, o, std::move(it->second));
  if (m.from_parent) return fail(Error::protocol("the parent sent no tree for this mount"));
  if (m.type == "cgroup" || m.type == "cgroup2") return mount_cgroups(ctx, root, m, o);
  if (o.bind) return mount_bind(ctx, root, m, o);
  return mount_fs(ctx, root, m, o);
}

struct DefaultDevice {
  const char* name;
  unsigned major, minor;
};
constexpr DefaultDevice kDefaultDevices[] = {
    {"/dev/null", 1, 3},   {"/dev/zero", 1, 5},    {"/dev/full", 1, 7},
    {"/dev/random", 1, 8}, {"/dev/urandom", 1, 9}, {"/dev/tty", 5, 0},
};

// Creates one device node exactly as configured. In a user namespace mknod is not allowed, so
// the host's node is bound in instead (as runc does).
Result<> create_device(InitContext& ctx, FdRef root, const Device& d) {
  std::string what = "device " + d.path;
  mode_t type;
  if (d.type == "c" || d.type == "u")
    type = S_IFCHR;
  else if (d.type == "b")
    type = S_IFBLK;
  else if (d.type == "p")
    type = S_IFIFO;
  else
    return fail(Error::invalid(fmt::format("{}: unknown device type \"{}\"", what, d.type)));
  if (d.path.rfind("/dev/", 0) != 0 || d.path.find("..") != std::string::npos)
    return fail(Error::invalid(fmt::format("{}: devices must be under /dev", what)));
  size_t slash = d.path.rfind('/');
  UniqueFd dir = TRY(ensure_in_root(root, d.path.substr(0, slash), PathKind::Directory));
  UniqueFd dir_rw = TRY(sys::openat(dir, ".", O_RDONLY | O_DIRECTORY));
  std::string name = d.path.substr(slash + 1);
  (void)sys::unlinkat(dir_rw, name, 0);  // a node of the rootfs is replaced by the configured one
  if ((ctx.clone_flags | ctx.joined_flags) & CLONE_NEWUSER) {
    UniqueFd f = TRY(sys::openat(dir_rw, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0644));
    UniqueFd target = TRY(sys::openat(dir_rw, name, O_PATH | O_NOFOLLOW));
    UniqueFd tree = TRY(sys::open_tree_clone(AT_FDCWD, d.path, false, what));
    return sys::move_mount(tree, target, what);
  }
  mode_t mode = d.file_mode.value_or(0666) & 07777;
  // mknod applies the umask: without clearing it /dev/null would be 0644 and unwritable for a
  // non-root process (runc clears it the same way).
  mode_t old_umask = sys::umask(0);
  auto made = sys::mknodat(dir_rw, name, type | mode,
                           makedev(static_cast<unsigned>(d.major), static_cast<unsigned>(d.minor)));
  sys::umask(old_umask);
  TRY(std::move(made));
  TRY(sys::fchownat(dir_rw, name, d.uid.value_or(0), d.gid.value_or(0), AT_SYMLINK_NOFOLLOW));
  return {};
}

Result<> setup_dev(InitContext& ctx, FdRef root) {
  const std::vector<Device>& configured = ctx.plan.devices;
  if (ctx.plan.dev_is_mounted) {
    for (const auto& dd : kDefaultDevices) {
      bool overridden = false;
      for (const auto& d : configured) overridden |= d.path == dd.name;
      if (overridden) continue;
      Device d;
      d.type = "c";
      d.path = dd.name;
      d.major = dd.major;
      d.minor = dd.minor;
      d.file_mode = 0666;
      TRY(create_device(ctx, root, d));
    }
    UniqueFd dev = TRY(open_in_root(root, "/dev"));
    UniqueFd dev_rw = TRY(sys::openat(dev, ".", O_RDONLY | O_DIRECTORY));
    const std::pair<const char*, const char*> links[] = {{"/proc/self/fd", "fd"},
                                                         {"/proc/self/fd/0", "stdin"},
                                                         {"/proc/self/fd/1", "stdout"},
                                                         {"/proc/self/fd/2", "stderr"},
                                                         {"pts/ptmx", "ptmx"}};
    for (const auto& [target, name] : links) {
      auto r = sys::symlinkat(target, dev_rw, name);
      if (!r.has_value() && r.error().errno_code() != EEXIST) return fail(std::move(r).error());
    }
    if (sys::exists("/proc/kcore")) (void)sys::symlinkat("/proc/kcore", dev_rw, "core");
  }
  for (const auto& d : configured) TRY(create_device(ctx, root, d));
  return {};
}

}  // namespace

// The pty for process.terminal, from the container's own devpts instance. The master goes to the
// --console-socket; the slave becomes /dev/console and, later, the process's stdio.
Result<> setup_console(InitContext& ctx, FdRef root) {
  UniqueFd ptmx_path = TRY(open_in_root(root, "/dev/pts/ptmx"));
  UniqueFd ptmx = TRY(sys::open(sys::fd_path(ptmx_path), O_RDWR | O_NOCTTY));
  sys::PtyPair pty = TRY(sys::open_pty_peer(std::move(ptmx)));
  const InitProcess& p = ctx.plan.process;
  if (p.console_size)
    TRY(sys::set_window_size(pty.master, p.console_size->first, p.console_size->second));
  if (!ctx.is_exec()) {
    UniqueFd console = TRY(ensure_in_root(root, "/dev/console", PathKind::File));
    UniqueFd tree = TRY(sys::open_tree_clone(pty.slave, "", false, "console"));
    TRY(sys::move_mount(tree, console, "pty on /dev/console"));
  }
  int fds[] = {pty.master.get()};
  TRY(sys::send_with_fds(ctx.plan.console_fd, "/dev/ptmx", fds, "console socket"));
  ctx.console_slave = std::move(pty.slave);
  return {};
}

namespace {

// The mount holding the rootfs must not be shared (runc's rootfsParentMountPrivate): the rootfs
// bind below would join its peer group, so that the bind and every mount made on it propagated
// to the host, and pivot_root(2) refuses a new root whose parent mount is shared. Only that one
// mount changes; a shared rootfsPropagation still holds for the others.
Result<> make_rootfs_parent_private(const std::string& rootfs) {
  auto table = TRY(read_mount_table());
  const MountEntry* parent = mount_holding(table, rootfs);
  if (parent == nullptr)
    return fail(Error::not_found("no mount in mountinfo holds the rootfs " + rootfs));
  if (!parent->shared) return {};
  return sys::mount(nullptr, parent->mount_point.c_str(), nullptr, MS_PRIVATE, nullptr,
                    "private propagation of the rootfs' mount " + parent->mount_point);
}

}  // namespace

Result<> prepare_rootfs(InitContext& ctx) {
  const InitPlan& plan = ctx.plan;
  if (has_mount_ns(ctx)) {
    Propagation prop = TRY(parse_rootfs_propagation(plan.rootfs_propagation));
    // The container's namespace is a copy of the host's: rslave (the default) lets host mounts
    // reach the container and nothing flow back; rshared lets mounts under shared binds flow back
    // (Kubernetes' Bidirectional).
    TRY(sys::mount(nullptr, "/", nullptr, prop.mount_flags(), nullptr, "/ propagation"));
    TRY(make_rootfs_parent_private(plan.rootfs));
    // pivot_root needs the new root to be a mount point.
    TRY(sys::mount(plan.rootfs.c_str(), plan.rootfs.c_str(), nullptr, MS_BIND | MS_REC, nullptr,
                   "bind rootfs " + plan.rootfs));
  }
  // Without a mount namespace the mounts below land in the caller's namespace, as with runc; the
  // propagation of its /, a bind over the rootfs and pivot_root would change the host itself, so
  // they are skipped and finalize_rootfs chroots instead.
  ctx.root_fd = TRY(sys::open(plan.rootfs, O_PATH | O_DIRECTORY));
  for (size_t i = 0; i < plan.mounts.size(); ++i) {
    auto r = mount_one(ctx, ctx.root_fd, i);
    if (!r.has_value()) return fail(std::move(r).error().context(fmt::format(".mounts[{}]", i)));
  }
  ctx.mount_trees.clear();  // all attached by now
  TRY(setup_dev(ctx, ctx.root_fd));
  if (plan.process.terminal) {
    if (plan.console_fd < 0)
      return fail(Error::invalid("process.terminal is true but no --console-socket was given"));
    TRY(setup_console(ctx, ctx.root_fd));
  }
  if (!plan.hostname.empty()) {
    if (!((ctx.clone_flags | ctx.joined_flags) & CLONE_NEWUTS))
      return fail(Error::invalid("unable to set hostname without a private UTS namespace"));
    TRY(sys::sethostname(plan.hostname));
  }
  if (!plan.domainname.empty()) TRY(sys::setdomainname(plan.domainname));
  return {};
}

namespace {

// maskedPaths: /dev/null over files, an empty read-only tmpfs over directories. The /dev/null we
// bind must really be the null device (char 1:3), not a file the rootfs put there.
Result<> mask_paths(const std::vector<std::string>& paths, FdRef root) {
  if (paths.empty()) return {};
  UniqueFd null;
  for (const auto& p : paths) {
    auto target = open_in_root(root, p);
    if (!target.has_value()) {
      if (target.error().errno_code() == ENOENT) continue;
      return fail(std::move(target).error().context("masking " + p));
    }
    struct stat st = TRY(sys::fstat(*target, p));
    if (S_ISDIR(st.st_mode)) {
      UniqueFd mnt = TRY(sys::fs_mount("tmpfs", "tmpfs", {"size=0", "mode=0555"}, MOUNT_ATTR_RDONLY,
                                       "tmpfs mask on " + p));
      TRY(sys::move_mount(mnt, *target, "mask " + p));
      continue;
    }
    if (!null) {
      null = TRY(open_in_root(root, "/dev/null"));
      struct stat ns = TRY(sys::fstat(null, "/dev/null"));
      if (!S_ISCHR(ns.st_mode) || major(ns.st_rdev) != 1 || minor(ns.st_rdev) != 3)
        return fail(Error::invalid(
            "masking paths: /dev/null in the container is not the null device (char 1:3)"));
    }
    UniqueFd tree = TRY(sys::open_tree_clone(null, "", false, "/dev/null"));
    TRY(sys::move_mount(tree, *target, "mask " + p));
  }
  return {};
}

// readonlyPaths: a read-only recursive bind of each path onto itself.
Result<> readonly_paths(const std::vector<std::string>& paths, FdRef root) {
  for (const auto& p : paths) {
    auto target = open_in_root(root, p);
    if (!target.has_value()) {
      if (target.error().errno_code() == ENOENT) continue;
      return fail(std::move(target).error().context("making " + p + " read-only"));
    }
    UniqueFd tree = TRY(sys::open_tree_clone(*target, "", true, "read-only " + p));
    TRY(sys::mount_setattr(tree, "", MOUNT_ATTR_RDONLY, 0, 0, true, "read-only " + p));
    TRY(sys::move_mount(tree, *target, "read-only " + p));
  }
  return {};
}

// --no-pivot leaves the old root in the container's namespace, unreachable by path but there: the
// kernel lets a new user namespace mount procfs or sysfs while a full, uncovered mount of it
// exists in the namespace (mount_too_revealing), and that would be the host's, without the masks.
// So every full procfs and sysfs mount outside the rootfs is detached, or covered by a tmpfs where
// it cannot be (locked in a user namespace), as runc's msMoveRoot does.
Result<> hide_host_proc_and_sys(const std::string& rootfs) {
  auto table = TRY(read_mount_table());
  for (const auto& m : table) {
    bool proc_or_sys = m.fstype == "proc" || m.fstype == "sysfs";
    if (m.root != "/" || !proc_or_sys || is_at_or_below(m.mount_point, rootfs)) continue;
    const std::string what = fmt::format("hiding the host's {} on {}", m.fstype, m.mount_point);
    // A slave first, so that the unmount cannot propagate to the host.
    auto slave =
        sys::mount(nullptr, m.mount_point.c_str(), nullptr, MS_SLAVE | MS_REC, nullptr, what);
    if (!slave.has_value()) {
      // Gone with a mount detached before it (ENOENT), or no longer a mount point (EINVAL).
      if (slave.error().errno_code() == ENOENT || slave.error().errno_code() == EINVAL) continue;
      return fail(std::move(slave).error());
    }
    auto gone = sys::umount2(m.mount_point, MNT_DETACH);
    if (gone.has_value()) continue;
    if (gone.error().errno_code() != EINVAL && gone.error().errno_code() != EPERM)
      return fail(std::move(gone).error().context(what));
    TRY(sys::mount("tmpfs", m.mount_point.c_str(), "tmpfs", 0, nullptr, what));
  }
  return {};
}

// Stdio on the host's /dev/null is switched to the container's own node, as runc's
// reOpenDevNull does: the host's mount must not leak in, and criu cannot checkpoint a descriptor
// whose mount is outside the container ("Can't lookup mount=N for fd=0 path=/dev/null").
Result<> reopen_dev_null(FdRef root) {
  auto node = open_in_root(root, "/dev/null");
  if (!node.has_value()) return {};  // no /dev/null in the container: nothing to switch to
  struct stat ns = TRY(sys::fstat(*node, "/dev/null"));
  if (!S_ISCHR(ns.st_mode) || ns.st_rdev != makedev(1, 3)) return {};
  UniqueFd null;
  for (int fd = 0; fd < 3; ++fd) {
    auto st = sys::fstat(sys::FdRef(fd), fmt::format("fd {}", fd));
    if (!st.has_value() || !S_ISCHR(st->st_mode) || st->st_rdev != ns.st_rdev) continue;
    if (st->st_dev == ns.st_dev && st->st_ino == ns.st_ino) continue;  // already the container's
    if (!null) {
      // Reopened through the verified O_PATH handle; without a /proc there is no way to, so skip.
      auto opened = sys::open(sys::fd_path(*node), O_RDWR);
      if (!opened.has_value()) return {};
      null = std::move(*opened);
    }
    TRY(sys::dup2(null, fd));
  }
  return {};
}

}  // namespace

Result<> finalize_rootfs(InitContext& ctx) {
  const InitPlan& plan = ctx.plan;
  if (!has_mount_ns(ctx)) {
    // The caller's namespace: its root must not move (pivot_root or MS_MOVE over its / would move
    // the root of every process on the host). chroot, as runc does.
    TRY(sys::fchdir(ctx.root_fd, plan.rootfs));
    TRY(sys::chroot("."));
  } else if (plan.no_pivot) {
    // For hosts whose / cannot be pivoted (ramfs): MS_MOVE the rootfs over / and chroot into it.
    // The old root stays in the namespace, so its procfs and sysfs are hidden first.
    TRY(hide_host_proc_and_sys(plan.rootfs));
    // A shared / would pass the move on to its peers, the host's / among them.
    TRY(sys::mount(nullptr, "/", nullptr, MS_SLAVE, nullptr, "/ as slave"));
    TRY(sys::fchdir(ctx.root_fd, plan.rootfs));
    TRY(sys::mount(plan.rootfs.c_str(), "/", nullptr, MS_MOVE, nullptr, "move rootfs to /"));
    TRY(sys::chroot("."));
  } else {
    UniqueFd dir = TRY(sys::open(plan.rootfs, O_RDONLY | O_DIRECTORY));
    TRY(sys::pivot_root_here(dir));
  }
  ctx.root_fd = TRY(sys::open("/", O_PATH | O_DIRECTORY));
  TRY(write_sysctls(plan.prepared));
  TRY(mask_paths(plan.masked_paths, ctx.root_fd));
  TRY(readonly_paths(plan.readonly_paths, ctx.root_fd));
  TRY(reopen_dev_null(ctx.root_fd));
  // Without a mount namespace / is a host mount: root.readonly is ignored, as runc ignores it.
  bool read_only_root = plan.readonly_root && has_mount_ns(ctx);
  if (read_only_root || !ctx.read_only_later.empty()) {
    // A missing cwd is created while it can be, as runc does in prepareRootfs.
    if (!plan.process.cwd.empty())
      (void)TRY(ensure_in_root(ctx.root_fd, plan.process.cwd, PathKind::Directory)
                    .map_error(base::context("process.cwd " + plan.process.cwd)));
  }
  for (const auto& mnt : ctx.read_only_later)
    TRY(sys::mount_setattr(mnt, "", MOUNT_ATTR_RDONLY, 0, 0, false, "read-only mount"));
  ctx.read_only_later.clear();
  if (read_only_root)
    TRY(sys::mount_setattr(ctx.root_fd, "", MOUNT_ATTR_RDONLY, 0, 0, false, "read-only /"));
  return {};
}

}  // namespace hull::container

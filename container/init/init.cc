// init_main: hull-init's sequence as the container's init (and as `hull exec`'s process), in
// order. See init.h for the protocol with the parent.
#include "container/init/init.h"

#include <fcntl.h>
#include <sched.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <charconv>

#include "base/log.h"
#include "base/wire.h"
#include "container/cgroups/cgroups.h"
#include "container/hooks.h"
#include "nsexec/bootstrap.h"
#include "sys/file.h"
#include "sys/ns.h"
#include "sys/security.h"
#include "sys/socket.h"

namespace hull::container {

using base::Error;
using base::fail;
using base::Result;
using sys::UniqueFd;

namespace {

Result<std::string> expect(int fd, char type, const char* what) {
  auto msg = TRY(sys::recv_with_fds(fd, 1 << 20, "sync socket"));
  if (msg.data.empty())
    return fail(
        Error::protocol(fmt::format("sync socket: parent went away while waiting for {}", what)));
  if (msg.data[0] != type)
    return fail(
        Error::protocol(fmt::format("sync socket: expected {}, got '{}'", what, msg.data[0])));
  return msg.data.substr(1);
}

// The parent's bind trees (kMsgMountTree, one fd each), then the bootstrap message.
Result<std::string> receive_bootstrap(InitContext& ctx) {
  for (;;) {
    auto msg = TRY(sys::recv_with_fds(ctx.plan.sync_fd, 1 << 20, "sync socket"));
    if (msg.data.empty())
      return fail(
          Error::protocol("sync socket: parent went away while waiting for the bootstrap message"));
    if (msg.data[0] == kMsgBootstrap) return msg.data.substr(1);
    size_t index = 0;
    auto [end, ec] = std::from_chars(msg.data.data() + 1, msg.data.data() + msg.data.size(), index);
    if (msg.data[0] != kMsgMountTree || msg.fds.size() != 1 || ec != std::errc() ||
        end != msg.data.data() + msg.data.size() || index >= ctx.plan.mounts.size())
      return fail(Error::protocol(
          fmt::format("sync socket: expected the bootstrap message, got '{}'", msg.data[0])));
    ctx.mount_trees[index] = std::move(msg.fds[0]);
  }
}

// Joins the namespaces the bootstrap message names, user namespace first and mount last.
Result<> join_namespaces(InitContext& ctx, const nsexec::Bootstrap& b) {
  for (const auto& ns : nsexec::join_order(b.ns_paths)) {
    UniqueFd fd = TRY(sys::open(ns.path, O_RDONLY));
    TRY(sys::setns(fd, static_cast<int>(ns.clone_flag), ns.path));
    ctx.joined_flags |= ns.clone_flag;
  }
  return {};
}

Result<> run_init(InitContext& ctx) {
  const InitPlan& plan = ctx.plan;
  // The container's processes must not read this process's memory or fds through /proc while it
  // runs hull's code; exec resets this for the user process. A non-dumpable process's
  // /proc/<pid> files belong to root, so an unprivileged parent could no longer write our
  // setgroups/uid_map/gid_map: then wait until the bootstrap message says they are written.
  bool early = sys::euid() == 0;
  if (early) TRY(sys::prctl(PR_SET_DUMPABLE, 0, "PR_SET_DUMPABLE"));
  std::string raw = TRY(receive_bootstrap(ctx));
  if (!early) TRY(sys::prctl(PR_SET_DUMPABLE, 0, "PR_SET_DUMPABLE"));
  auto bytes = std::as_bytes(std::span(raw.data(), raw.size()));
  nsexec::Bootstrap boot = TRY(nsexec::decode(bytes));
  ctx.clone_flags = boot.clone_flags;
  ctx.joined_flags = plan.parent_joined;
  ctx.setgroups_denied = boot.setgroups_deny;
  // Into the container's cgroups (cheap for a thread moving itself: cgroups::Entry), then the
  // CPUs their cpuset allows.
  TRY(cgroups::enter_self(
      std::vector<int>(plan.cgroup_tasks_fds.begin(), plan.cgroup_tasks_fds.end())));
  TRY(set_final_affinity(ctx));
  if (plan.exec_pidfd >= 0 && plan.exec_ns_flags != 0)
    TRY(sys::setns(plan.exec_pidfd, static_cast<int>(plan.exec_ns_flags), "namespaces of init"));
  TRY(join_namespaces(ctx, boot));
  if ((ctx.clone_flags | ctx.joined_flags) & CLONE_NEWUSER) {
    // Our id maps are written (by the parent, or by whoever made the joined namespace): become
    // the namespace's root for the setup.
    if (ctx.joined_flags & CLONE_NEWUSER) {
      auto setgroups = sys::read_file("/proc/self/setgroups");
      ctx.setgroups_denied = setgroups.has_value() && setgroups->rfind("deny", 0) == 0;
    }
    TRY(sys::setresgid(0));
    TRY(sys::setresuid(0));
  }
  // We entered the container's cgroups first thing, so a cgroup namespace made now has them as
  // its root (runc's nsexec orders it the same way).
  if (!ctx.is_exec() && (ctx.clone_flags & CLONE_NEWCGROUP) &&
      !(ctx.joined_flags & CLONE_NEWCGROUP))
    TRY(sys::unshare(CLONE_NEWCGROUP));
  // `exec` has joined the container's mount namespace by now: its /proc may be anything.
  if (boot.oom_score_adj)
    TRY(write_proc_self("oom_score_adj", std::to_string(*boot.oom_score_adj)));
  if (ctx.is_exec()) {
    ctx.root_fd = TRY(sys::open("/", O_PATH | O_DIRECTORY));
    if (plan.process.terminal) TRY(setup_console(ctx, ctx.root_fd));
    return setup_process_and_exec(ctx);
  }
  // A session keyring of its own, as runc gives each container (unless --no-new-keyring).
  if (!plan.no_new_keyring) {
    auto r = sys::join_session_keyring(plan.id);
    // Some hosts (and seccomp'd engines) refuse keyctl; runc ignores ENOSYS and EACCES too.
    if (!r.has_value() && r.error().errno_code() != ENOSYS && r.error().errno_code() != EACCES &&
        r.error().errno_code() != EPERM)
      return fail(std::move(r).error());
  }
  TRY(prepare_rootfs(ctx));
  // The runtime's hooks (prestart, createRuntime) run in the parent now; createContainer hooks
  // run here, in the container's namespaces but before pivot_root, as the spec says.
  TRY(sys::write_all(plan.sync_fd, std::string(1, kMsgHooks), "sync socket"));
  std::string state = TRY(expect(plan.sync_fd, kMsgHooksDone, "the end of the runtime hooks"));
  if (!plan.create_container_hooks.empty()) {
    // In the rootfs, as runc runs them (prestart and createRuntime run in the bundle).
    TRY(run_hooks("createContainer", plan.create_container_hooks, state, ctx.root_fd));
  }
  TRY(finalize_rootfs(ctx));
  return setup_process_and_exec(ctx);
}

}  // namespace

Result<> set_final_affinity(const InitContext& ctx) {
  const auto& final_cpus = ctx.plan.prepared.affinity_final;
  if (ctx.is_exec() && final_cpus)
    return sys::set_affinity(0, *final_cpus,
                             ".process.execCPUAffinity.final " + final_cpus->to_list());
  auto r = sys::set_affinity(0, sys::all_cpus(), "every CPU");
  if (!r.has_value()) HULL_LOG_DEBUG("cannot reset CPU affinity: {}", r.error().message());
  return {};
}

void init_main(InitContext& ctx) {
  ctx.report_fd = ctx.plan.sync_fd;
  auto r = run_init(ctx);
  base::Error e =
      r.has_value() ? Error::protocol("init returned without exec") : std::move(r).error();
  (void)sys::write_all(ctx.report_fd, std::string(1, kMsgError) + base::wire::encode(e.record()),
                       "report");
  ::_exit(1);
}

}  // namespace hull::container

// The last stretch of init (and of `hull exec`'s child): the process's cwd, environment,
// limits, credentials and capabilities, seccomp, stdio and fds, then execve.
#include <fcntl.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cerrno>

#include "container/hooks.h"
#include "container/init/init.h"
#include "container/rootfs_path.h"
#include "container/security/capabilities.h"
#include "container/security/process_attrs.h"
#include "container/security/rlimits.h"
#include "container/security/seccomp.h"
#include "nsexec/bootstrap.h"
#include "sys/exec.h"
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

constexpr const char* kDefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

bool has_env(const std::vector<std::string>& env, std::string_view name) {
  for (const auto& e : env)
    if (e.size() > name.size() && e.compare(0, name.size(), name) == 0 && e[name.size()] == '=')
      return true;
  return false;
}

std::string env_value(const std::vector<std::string>& env, std::string_view name) {
  for (const auto& e : env)
    if (e.size() > name.size() && e.compare(0, name.size(), name) == 0 && e[name.size()] == '=')
      return e.substr(name.size() + 1);
  return {};
}

// HOME from the container's /etc/passwd, like runc; "/" when the user has no entry.
std::string home_of(uid_t uid) {
  auto passwd = sys::read_file("/etc/passwd");
  if (!passwd.has_value()) return "/";
  size_t pos = 0;
  while (pos < passwd->size()) {
    size_t end = passwd->find('\n', pos);
    if (end == std::string::npos) end = passwd->size();
    std::string_view line(passwd->data() + pos, end - pos);
    pos = end + 1;
    // name:pw:uid:gid:gecos:home:shell
    std::string_view f[7];
    size_t n = 0, start = 0;
    for (size_t i = 0; i <= line.size() && n < 7; ++i) {
      if (i == line.size() || line[i] == ':') {
        f[n++] = line.substr(start, i - start);
        start = i + 1;
      }
    }
    if (n >= 6 && f[2] == std::to_string(uid)) return std::string(f[5]);
  }
  return "/";
}

// The process's stdio become its user's, as runc's fixStdioPermissions makes them: a terminal it
// can use, a /dev/stdout it can reopen. Only the owner changes; the group stays (devpts gives a
// pty its gid= option, usually tty). /dev/null and what the user owns already are left alone;
// EPERM (the owner is not mapped in our user namespace), EINVAL (the uid is not) and EROFS are
// ignored, as runc ignores them.
Result<> chown_stdio(uid_t uid) {
  for (int fd = 0; fd < 3; ++fd) {
    auto st = sys::fstat(FdRef(fd), fmt::format("fd {}", fd));
    if (!st.has_value() && st.error().errno_code() == EBADF) continue;  // closed by the caller
    if (!st.has_value()) return fail(std::move(st).error());
    if (st->st_uid == uid || (S_ISCHR(st->st_mode) && st->st_rdev == makedev(1, 3))) continue;
    auto r = sys::fchown(FdRef(fd), uid, static_cast<gid_t>(-1), fmt::format("stdio fd {}", fd));
    int err = r.has_value() ? 0 : r.error().errno_code();
    if (err != 0 && err != EPERM && err != EINVAL && err != EROFS)
      return fail(std::move(r).error());
  }
  return {};
}

}  // namespace

// Writes a /proc file of our own through a descriptor proven to be procfs, so a mount over /proc
// in the container cannot redirect the write (CVE-2025-52881).
Result<> write_proc_self(const std::string& name, std::string_view value) {
  std::string path = "/proc/self/" + name;
  UniqueFd fd = TRY(sys::open(path, O_WRONLY | O_NOFOLLOW));
  if (TRY(sys::fs_type(fd, path)) != PROC_SUPER_MAGIC)
    return fail(Error::invalid(fmt::format("{} is not on procfs: refusing to write it", path)));
  return sys::write_all(fd, value, path);
}

// Writes sysctls through /proc/sys fds proven to be procfs (a container mount over /proc/sys
// cannot redirect them; CVE-2025-52881).
Result<> write_sysctls(const PreparedProcess& pp) {
  for (const auto& [path, value] : pp.sysctls) {
    UniqueFd fd = TRY(sys::open(path, O_WRONLY | O_NOFOLLOW));
    if (TRY(sys::fs_type(fd, path)) != PROC_SUPER_MAGIC)
      return fail(Error::invalid(fmt::format("sysctl {}: not on procfs, refusing to write", path)));
    TRY(sys::write_all(fd, value, path));
  }
  return {};
}

Result<> load_seccomp_and_report(InitContext& ctx) {
  const PreparedProcess& pp = ctx.plan.prepared;
  UniqueFd listener = TRY(security::load_seccomp(*pp.seccomp));
  if (listener) {
    // The parent hands the notify fd to linux.seccomp.listenerPath with the container state.
    int fds[] = {listener.get()};
    TRY(sys::send_with_fds(ctx.plan.sync_fd, std::string(1, kMsgSeccompFd), fds, "sync socket"));
  }
  return {};
}

Result<> setup_process_and_exec(InitContext& ctx) {
  const InitPlan& plan = ctx.plan;
  const InitProcess& p = plan.process;
  const PreparedProcess& pp = plan.prepared;

  // cwd inside the container root; created when missing, like runc.
  UniqueFd cwd = TRY(ensure_in_root(ctx.root_fd, p.cwd.empty() ? "/" : p.cwd, PathKind::Directory)
                         .map_error(base::context("process.cwd " + p.cwd)));
  TRY(sys::fchdir(cwd, p.cwd));

  std::vector<std::string> env = p.env;
  if (!has_env(env, "HOME")) env.push_back("HOME=" + home_of(p.uid));
  std::string path_env = has_env(env, "PATH") ? env_value(env, "PATH") : kDefaultPath;
  std::string exe = TRY(sys::look_path(p.args[0], path_env));

  TRY(security::apply_rlimits(pp.rlimits));
  if (p.oom_score_adj && ctx.is_exec())
    TRY(write_proc_self("oom_score_adj", std::to_string(*p.oom_score_adj)));
  if (pp.personality) TRY(security::apply_personality(*pp.personality));
  if (pp.scheduler) TRY(security::apply_scheduler(*pp.scheduler));
  if (pp.io_priority) TRY(security::apply_io_priority(*pp.io_priority));
  if (!pp.lsm_attr.empty()) TRY(write_proc_self("attr/" + pp.lsm_attr, pp.lsm_label));

  if (ctx.console_slave) {
    TRY(sys::make_controlling_tty(ctx.console_slave));
    for (int fd = 0; fd < 3; ++fd) TRY(sys::dup2(ctx.console_slave, fd));
    ctx.console_slave.reset();
  } else if (!ctx.is_exec()) {
    // The container's session, as runc gives it; its stdio stays the caller's.
    (void)sys::setsid();
  }
  TRY(chown_stdio(p.uid));

  // No host fd may reach the container (or a startContainer hook) beyond stdio and the preserved
  // ones (CVE-2024-21626). Marked now, before the seccomp filter: a profile older than
  // close_range refuses it. Every fd hull opens from here on is CLOEXEC.
  TRY(sys::cloexec_from(3 + plan.preserve_fds));
  // Without no_new_privs a filter may only be loaded with CAP_SYS_ADMIN: load it while we have it.
  if (pp.seccomp && !p.no_new_privileges) TRY(load_seccomp_and_report(ctx));

  std::vector<gid_t> groups(p.additional_gids.begin(), p.additional_gids.end());
  // Denied for the user namespace hull created rootless, and for exec into one (joined).
  bool can_setgroups = !ctx.setgroups_denied;
  TRY(security::switch_user_keep_caps(p.uid, p.gid, groups, pp.caps, pp.last_cap, can_setgroups));
  TRY(security::apply_no_new_privileges(p.no_new_privileges));
  sys::umask(static_cast<mode_t>(p.umask.value_or(022)));
  // With no_new_privs, as late as possible but before `ready`: a notify listener must reach the
  // parent, and startContainer hooks run under the filter, as with runc.
  if (pp.seccomp && p.no_new_privileges) TRY(load_seccomp_and_report(ctx));

  TRY(sys::write_all(plan.sync_fd, std::string(1, kMsgReady), "sync socket"));
  if (!ctx.is_exec()) {
    // Ready: `create` returns; wait for `start` to connect to the exec socket.
    UniqueFd conn = TRY(sys::accept(plan.exec_listener_fd, "exec socket"));
    ctx.report_fd = conn.get();
    auto msg = TRY(sys::recv_with_fds(conn, 1 << 16, "exec socket"));
    if (msg.data.empty() || msg.data[0] != kMsgStart)
      return fail(Error::protocol("exec socket: expected a start request"));
    if (!plan.start_container_hooks.empty())
      TRY(run_hooks("startContainer", plan.start_container_hooks,
                    std::string_view(msg.data).substr(1)));
    (void)conn.release();  // CLOEXEC: its closing at exec tells `start` the exec happened
  }
  // Once more, in case anything opened since was inheritable. Under the filter it may be refused
  // (close_range and the /proc walk); the pass made before the filter then stands.
  auto marked = sys::cloexec_from(3 + plan.preserve_fds);
  if (!marked.has_value() && !pp.seccomp) return fail(std::move(marked).error());
  return sys::execve(exe, p.args, env);
}

}  // namespace hull::container

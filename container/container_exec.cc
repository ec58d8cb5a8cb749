// Container::exec: a new process in a running container's namespaces and cgroup.
#include <fcntl.h>
#include <sched.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <functional>

#include "container/cgroups/cgroups.h"
#include "container/cgroups/sub_cgroups.h"
#include "container/container.h"
#include "container/init.h"
#include "container/security/seccomp.h"
#include "nsexec/bootstrap.h"
#include "sys/affinity.h"
#include "sys/file.h"
#include "sys/ns.h"
#include "sys/socket.h"

namespace hull::container {

using base::Error;
using base::fail;
using sys::FdRef;
using sys::UniqueFd;

namespace {

uint64_t ns_flag(NamespaceType t) {
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

// Reads one record from the exec'd process; a seccomp listener fd on the way goes to
// `on_seccomp_fd`.
Result<std::string> await_record(FdRef sync, char type,
                                 const std::function<Result<>(sys::UniqueFd)>& on_seccomp_fd) {
  auto msg = TRY(sys::recv_with_fds(sync, 1 << 16, "exec sync socket"));
  while (!msg.data.empty() && msg.data[0] == kMsgSeccompFd) {
    if (msg.fds.empty())
      return fail(Error::protocol("exec sync socket: seccomp record without an fd"));
    TRY(on_seccomp_fd(std::move(msg.fds[0])));
    msg = TRY(sys::recv_with_fds(sync, 1 << 16, "exec sync socket"));
  }
  if (msg.data.empty()) {
    if (type == 0) return std::string();  // EOF: the process exec'd
    return fail(Error::make(base::ErrorKind::Child, "exec process exited during setup"));
  }
  if (msg.data[0] == kMsgError) return fail(Error::make(base::ErrorKind::Child, msg.data.substr(1)));
  if (msg.data[0] != type) return fail(Error::protocol("exec sync socket: unexpected record"));
  return msg.data.substr(1);
}

}  // namespace

Result<sys::ChildProcess> Container::exec(const ExecOptions& opts) {
  Status s = TRY(status());
  if (s == Status::Stopped) return fail(Error::invalid_state("cannot exec in a stopped container"));
  if (s == Status::Paused && !opts.ignore_paused)
    return fail(Error::invalid_state(
        "cannot exec in a paused container (use --ignore-paused to override)"));
  if (opts.process.args.empty()) return fail(Error::invalid("exec: process args must not be empty"));

  UniqueFd init_pidfd = TRY(sys::pidfd_open(m_state.init_pid));
  if (TRY(sys::process_start_time(m_state.init_pid)) != m_state.init_start_time)
    return fail(Error::invalid_state("cannot exec in a stopped container"));

  uint64_t flags = 0;
  for (const auto& ns : m_config->linux ? m_config->linux->namespaces : std::vector<Namespace>{})
    flags |= ns_flag(ns.type);
  // An ordinary user holds privilege over the container's pid and time namespaces only inside
  // the container's user namespace: join that first (runc's nsexec does too). Root needs not.
  if ((flags & CLONE_NEWUSER) && (flags & (CLONE_NEWPID | CLONE_NEWTIME)) && ::geteuid() != 0) {
    TRY(sys::setns(init_pidfd, CLONE_NEWUSER, "user namespace of init"));
    flags &= ~static_cast<uint64_t>(CLONE_NEWUSER);
  }
  // setns with CLONE_NEWPID only moves children: the parent joins it, so its child is born inside.
  if (flags & CLONE_NEWPID) TRY(sys::setns(init_pidfd, CLONE_NEWPID, "pid namespace of init"));
  if (flags & CLONE_NEWTIME) TRY(sys::setns(init_pidfd, CLONE_NEWTIME, "time namespace of init"));
  uint64_t child_flags = flags & ~static_cast<uint64_t>(CLONE_NEWPID | CLONE_NEWTIME);

  UniqueFd console;
  if (!opts.console_socket.empty()) console = TRY(sys::unix_connect(opts.console_socket, SOCK_STREAM));
  if (opts.console_fd >= 0) console = sys::UniqueFd(::fcntl(opts.console_fd, F_DUPFD_CLOEXEC, 3));
  if (opts.process.terminal && !console)
    return fail(Error::invalid("exec: --tty needs a --console-socket"));
  auto sync = TRY(sys::socketpair(SOCK_SEQPACKET));
  nsexec::Bootstrap boot;
  boot.oom_score_adj = opts.process.oom_score_adj;
  // A rootless container's user namespace has setgroups denied: init_main reads this flag.
  boot.setgroups_deny = m_state.rootless && m_state.created_userns;
  std::vector<std::byte> boot_msg = TRY(nsexec::encode(boot));
  PreparedProcess prepared = TRY(prepare_process(*m_config, opts.process));

  if (prepared.affinity_initial)
    TRY(sys::set_affinity(0, *prepared.affinity_initial, ".process.execCPUAffinity.initial " + prepared.affinity_initial->to_list()));
  // The child enters the container's cgroups itself (cgroups::Entry: no RCU wait).
  cgroups::Entry entry;
  if (!m_state.cgroup_paths.empty()) {
    auto paths = TRY(
        cgroups::sub_cgroup_paths(cgroups::CgroupPaths{m_state.cgroup_paths}, opts.sub_cgroups));
    auto cg = TRY(cgroups::Manager::load(paths));
    auto opened = cg->entry();
    if (!opened.has_value() && !opts.sub_cgroups.empty())
      return fail(std::move(opened).error().context("entering the --cgroup sub-cgroup"));
    entry = TRY(std::move(opened));
  } else if (!opts.sub_cgroups.empty()) {
    return fail(Error::invalid("--cgroup: the container has no cgroup of its own"));
  }
  sys::Cloned cloned = TRY(sys::clone3(0, entry.clone_cgroup_fd()));
  if (cloned.is_child()) {
    // SAFETY: the child of a single-threaded process; init_main never returns.
    sync.first.reset();
    // Its copy of the locked directory fd would keep the flock after the parent lets go, and a
    // process frozen in a paused container would then hold it until resume, which needs it.
    m_dir_fd.reset();
    InitContext ctx;
    ctx.config = m_config.get();
    ctx.process = &opts.process;
    ctx.prepared = &prepared;
    ctx.sync_fd = sync.second.get();
    ctx.console_fd = console.get();
    ctx.preserve_fds = opts.preserve_fds;
    ctx.is_exec = true;
    ctx.exec_pidfd = init_pidfd.get();
    ctx.exec_ns_flags = child_flags;
    ctx.clone_flags = 0;
    ctx.setgroups_denied = m_state.rootless && m_state.created_userns;
    ctx.cgroup_tasks_fds = entry.tasks_fds();
    init_main(ctx);
  }
  sys::ChildProcess child(cloned.pid, std::move(cloned.pidfd));
  // In a paused container the process freezes as it joins the cgroup and reports only after
  // `resume`, which needs this lock: let go of it (nothing below changes the container).
  if (s == Status::Paused) unlock();
  entry = {};  // the child has its copies
  sync.second.reset();
  console.reset();
  std::string msg(1, kMsgBootstrap);
  msg.append(reinterpret_cast<const char*>(boot_msg.data()), boot_msg.size());
  TRY(sys::write_all(sync.first, msg, "exec sync socket"));
  // As at create, and as runc's exec does: the notify fd goes to listenerPath with the state
  // (status running, pid = init's) and this process's own pid.
  auto to_listener = [&](sys::UniqueFd fd) -> Result<> {
    const Seccomp* sc =
        m_config->linux && m_config->linux->seccomp ? &*m_config->linux->seccomp : nullptr;
    if (sc == nullptr || sc->listener_path.empty())
      return fail(Error::protocol(
          "exec sync socket: a seccomp listener fd without linux.seccomp.listenerPath"));
    std::string msg2 = security::container_process_state_json(
        child.pid(), sc->listener_metadata, oci_state_json(m_state, Status::Running, false));
    return security::send_seccomp_listener(sc->listener_path, fd.get(), msg2);
  };
  TRY(await_record(sync.first, kMsgReady, to_listener));
  TRY(await_record(sync.first, 0, to_listener));
  return child;
}

}  // namespace hull::container

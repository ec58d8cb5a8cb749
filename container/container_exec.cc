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
#include "container/init/protocol.h"
#include "container/init_plan.h"
#include "container/internal/cgroup_manager.h"
#include "container/internal/operation.h"
#include "container/internal/pid_file.h"
#include "container/launcher.h"
#include "container/namespaces.h"
#include "container/prepare.h"
#include "container/security/seccomp.h"
#include "nsexec/bootstrap.h"
#include "sys/affinity.h"
#include "sys/file.h"
#include "sys/ns.h"
#include "sys/security.h"
#include "sys/socket.h"

namespace hull::container {

using base::Error;
using base::fail;
using sys::FdRef;
using sys::UniqueFd;

Result<sys::ChildProcess> Container::exec(const ExecOptions& opts) {
  return in_operation("exec", id(), [&] { return exec_process(opts); });
}

Result<sys::ChildProcess> Container::exec_process(const ExecOptions& opts) {
  Status s = TRY(status());
  if (s == Status::Stopped) return fail(Error::invalid_state("cannot exec in a stopped container"));
  if (s == Status::Paused && !opts.ignore_paused)
    return fail(Error::invalid_state(
        "cannot exec in a paused container (use --ignore-paused to override)"));
  if (opts.process.args.empty()) return fail(Error::invalid("process args cannot be empty"));

  UniqueFd init_pidfd = TRY(sys::pidfd_open(m_state.init_pid));
  if (TRY(sys::process_start_time(m_state.init_pid)) != m_state.init_start_time)
    return fail(Error::invalid_state("cannot exec in a stopped container"));

  uint64_t flags = 0;
  for (const auto& ns : m_config->linux ? m_config->linux->namespaces : std::vector<Namespace>{})
    flags |= clone_flag(ns.type);
  // The pid and time namespaces can only be entered by a new process: the launcher's helper joins
  // them through init's pidfd, and an ordinary user joins the user namespace with them (it holds
  // privilege over them only inside it, as runc's nsexec does). The process joins the rest.
  uint64_t helper_flags = flags & (CLONE_NEWPID | CLONE_NEWTIME);
  if ((flags & CLONE_NEWUSER) && helper_flags != 0 && sys::euid() != 0)
    helper_flags |= CLONE_NEWUSER;
  uint64_t child_flags = flags & ~helper_flags;

  UniqueFd console;
  if (!opts.console_socket.empty())
    console = TRY(sys::unix_connect(opts.console_socket, SOCK_STREAM));
  if (opts.console_fd >= 0) console = TRY(sys::dup_cloexec(FdRef(opts.console_fd)));
  if (opts.process.terminal && !console)
    return fail(Error::invalid("--tty needs a --console-socket"));
  auto sync = TRY(sys::socketpair(SOCK_SEQPACKET));
  nsexec::Bootstrap boot;
  boot.oom_score_adj = opts.process.oom_score_adj;
  // A rootless container's user namespace has setgroups denied.
  boot.setgroups_deny = m_state.rootless && m_state.created_userns;
  std::vector<std::byte> boot_msg = TRY(nsexec::encode(boot));
  PreparedProcess prepared = TRY(prepare_process(*m_config, opts.process));

  // The process enters the container's cgroups itself (cgroups::Entry: no RCU wait).
  cgroups::Entry entry;
  if (!m_state.cgroup_paths.empty()) {
    auto paths = TRY(
        cgroups::sub_cgroup_paths(cgroups::CgroupPaths{m_state.cgroup_paths}, opts.sub_cgroups));
    // A sub-cgroup (--cgroup) is entered by its path; the container's own cgroup keeps its driver.
    auto cg = TRY(opts.sub_cgroups.empty() ? load_cgroup_manager(m_state)
                                           : cgroups::Manager::load(paths));
    auto opened = cg->entry();
    if (!opened.has_value() && !opts.sub_cgroups.empty())
      return fail(std::move(opened).error().context("entering the --cgroup sub-cgroup"));
    entry = TRY(std::move(opened));
    // Born into a frozen cgroup2 directory, the child would freeze before it ran, holding its copy
    // of this container's lock, which `resume` needs: it joins by writing cgroup.procs instead.
    if (s == Status::Paused && entry.v2_dir) {
      entry.tasks.push_back(TRY(sys::openat(entry.v2_dir, "cgroup.procs", O_WRONLY)));
      entry.v2_dir.reset();
    }
  } else if (!opts.sub_cgroups.empty()) {
    return fail(Error::invalid("--cgroup: the container has no cgroup of its own"));
  }
  InitLaunch launch;
  if (helper_flags != 0) launch.joins.push_back({init_pidfd.get(), static_cast<int>(helper_flags)});
  if (prepared.affinity_initial) launch.affinity = prepared.affinity_initial->words;
  launch.plan = make_exec_plan(opts.process, std::move(prepared), opts.preserve_fds, child_flags);
  launch.sync_fd = sync.second.get();
  launch.console_fd = console.get();
  launch.exec_pidfd = init_pidfd.get();
  launch.cgroup_tasks_fds = entry.tasks_fds();
  launch.cgroup_fd = entry.clone_cgroup_fd();
  launch.spare_dir = m_root;
  sys::ChildProcess child = TRY(start_init(launch));
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
  TRY(await_init(sync.first, kMsgReady, "it was ready", to_listener));
  TRY(await_init(sync.first, 0, "it exec'd", to_listener));
  // A process whose pid cannot be reported is killed (the ChildProcess goes), as runc does.
  if (!opts.pid_file.empty()) TRY(write_pid_file(opts.pid_file, child.pid()));
  return child;
}

}  // namespace hull::container

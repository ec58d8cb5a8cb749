// Container::exec: a new process in a running container's namespaces and cgroup.
#include <fcntl.h>
#include <sched.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "container/cgroups/cgroups.h"
#include "container/container.h"
#include "container/init.h"
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

Result<std::string> await_record(FdRef sync, char type) {
  auto msg = TRY(sys::recv_with_fds(sync, 1 << 16, "exec sync socket"));
  // exec does not hand seccomp listener fds on (as runc's exec): drop the record.
  while (!msg.data.empty() && msg.data[0] == kMsgSeccompFd)
    msg = TRY(sys::recv_with_fds(sync, 1 << 16, "exec sync socket"));
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
  if (s == Status::Paused) return fail(Error::invalid_state("cannot exec in a paused container"));
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
    auto cg = TRY(cgroups::Manager::load(cgroups::CgroupPaths{m_state.cgroup_paths}));
    entry = TRY(cg->entry());
  }
  sys::Cloned cloned = TRY(sys::clone3(0, entry.clone_cgroup_fd()));
  if (cloned.is_child()) {
    // SAFETY: the child of a single-threaded process; init_main never returns.
    sync.first.reset();
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
  entry = {};  // the child has its copies
  sync.second.reset();
  console.reset();
  std::string msg(1, kMsgBootstrap);
  msg.append(reinterpret_cast<const char*>(boot_msg.data()), boot_msg.size());
  TRY(sys::write_all(sync.first, msg, "exec sync socket"));
  TRY(await_record(sync.first, kMsgReady));
  TRY(await_record(sync.first, 0));
  return child;
}

}  // namespace hull::container

#include "sys/process.h"

#include <fcntl.h>
#include <linux/sched.h>
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "sys/child.h"
#include "sys/file.h"

#ifndef P_PIDFD
#define P_PIDFD 3
#endif

namespace hull::sys {

using base::Error;
using base::fail;

Result<Cloned> clone3(uint64_t flags, int cgroup_fd) {
  int pidfd = -1;
  long r = clone3_raw(flags, cgroup_fd, &pidfd);
  if (r < 0) return fail(Error::from_errno(static_cast<int>(-r), "clone3"));
  // The child returns without touching the heap; what it does next is its caller's business.
  if (r == 0) return Cloned{};
  return Cloned{static_cast<pid_t>(r), UniqueFd(pidfd)};
}

void reset_ignored_signals() noexcept {
  for (int sig = 1; sig < NSIG; ++sig) {
    if (sig == SIGKILL || sig == SIGSTOP) continue;
    struct sigaction sa {};
    if (::sigaction(sig, nullptr, &sa) == 0 && sa.sa_handler == SIG_IGN) {
      sa.sa_handler = SIG_DFL;
      (void)::sigaction(sig, &sa, nullptr);
    }
  }
}

Result<UniqueFd> pidfd_open(pid_t pid) {
  // SAFETY: raw syscall with integer arguments.
  long fd = ::syscall(SYS_pidfd_open, pid, 0);
  if (fd < 0) return fail(Error::from_errno(errno, "pidfd_open", fmt::format("pid {}", pid)));
  return UniqueFd(static_cast<int>(fd));
}

Result<> pidfd_send_signal(FdRef pidfd, int sig) {
  // SAFETY: raw syscall; a null siginfo means "as kill(2) would".
  if (::syscall(SYS_pidfd_send_signal, pidfd.get(), sig, nullptr, 0) < 0)
    return fail(Error::from_errno(errno, "pidfd_send_signal", fmt::format("signal {}", sig)));
  return {};
}

namespace {
ExitStatus from_siginfo(const siginfo_t& info) {
  ExitStatus s;
  if (info.si_code == CLD_EXITED) {
    s.code = info.si_status;
  } else {
    s.signal = info.si_status;
  }
  return s;
}
}  // namespace

Result<ExitStatus> wait_pidfd(FdRef pidfd) {
  siginfo_t info{};
  while (::waitid(static_cast<idtype_t>(P_PIDFD), static_cast<id_t>(pidfd.get()), &info, WEXITED) <
         0) {
    if (errno != EINTR) return fail(Error::from_errno(errno, "waitid"));
  }
  return from_siginfo(info);
}

Result<ExitStatus> wait_pid(pid_t pid) {
  siginfo_t info{};
  while (::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED) < 0) {
    if (errno != EINTR) return fail(Error::from_errno(errno, "waitid", fmt::format("pid {}", pid)));
  }
  return from_siginfo(info);
}

Result<bool> pidfd_exited(FdRef pidfd, int timeout_ms) {
  pollfd p{pidfd.get(), POLLIN, 0};
  for (;;) {
    int n = ::poll(&p, 1, timeout_ms);
    if (n >= 0) return n > 0;
    if (errno != EINTR) return fail(Error::from_errno(errno, "poll pidfd"));
  }
}

namespace {
// The fields after "(comm)", which may itself hold spaces and parentheses.
Result<std::string> stat_tail(pid_t pid) {
  std::string path = fmt::format("/proc/{}/stat", pid);
  std::string stat = TRY(read_file(path));
  size_t close = stat.rfind(')');
  if (close == std::string::npos || close + 2 >= stat.size())
    return fail(Error::protocol(fmt::format("{}: malformed", path)));
  return stat.substr(close + 2);
}
}  // namespace

Result<uint64_t> process_start_time(pid_t pid) {
  std::string tail = TRY(stat_tail(pid));
  // tail starts at field 3 (state); starttime is field 22.
  size_t pos = 0;
  for (int field = 3; field < 22; ++field) {
    pos = tail.find(' ', pos);
    if (pos == std::string::npos)
      return fail(Error::protocol(fmt::format("/proc/{}/stat: short", pid)));
    ++pos;
  }
  return std::strtoull(tail.c_str() + pos, nullptr, 10);
}

Result<char> process_state(pid_t pid) {
  std::string tail = TRY(stat_tail(pid));
  return tail[0];
}

ChildProcess::ChildProcess(ChildProcess&& o) noexcept
    : m_pid(std::exchange(o.m_pid, 0)), m_pidfd(std::move(o.m_pidfd)) {}

ChildProcess& ChildProcess::operator=(ChildProcess&& o) noexcept {
  if (this != &o) {
    kill_and_reap();
    m_pid = std::exchange(o.m_pid, 0);
    m_pidfd = std::move(o.m_pidfd);
  }
  return *this;
}

ChildProcess::~ChildProcess() { kill_and_reap(); }

void ChildProcess::kill_and_reap() {
  if (m_pid <= 0 || !m_pidfd) return;
  (void)pidfd_send_signal(m_pidfd, SIGKILL);
  (void)wait_pidfd(m_pidfd);
  m_pid = 0;
  m_pidfd.reset();
}

Result<ExitStatus> ChildProcess::wait() {
  ExitStatus s = TRY(wait_pidfd(m_pidfd));
  m_pid = 0;
  m_pidfd.reset();
  return s;
}

}  // namespace hull::sys

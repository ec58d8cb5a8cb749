// Processes: clone3 with CLONE_PIDFD, pidfds (signal, wait, poll), the start time that defeats pid
// reuse, and ChildProcess, which kills and reaps its child unless released.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>

#include "base/result.h"
#include "sys/unique_fd.h"

namespace hull::sys {

using base::Result;

struct Cloned {
  pid_t pid = 0;   // 0 in the child
  UniqueFd pidfd;  // invalid in the child
  bool is_child() const { return pid == 0; }
};

// clone3(2) with fork semantics (no new stack) and CLONE_PIDFD added. `flags` may hold CLONE_NEW*
// bits; `cgroup_fd` >= 0 adds CLONE_INTO_CGROUP (cgroup v2 only). SIGCHLD is the exit signal
// (with CLONE_PARENT: the caller's own, which for hull's children is SIGCHLD too). The child must
// follow sys/child.h until it execs: the caller may have other threads holding locks.
Result<Cloned> clone3(uint64_t flags, int cgroup_fd = -1);

Result<UniqueFd> pidfd_open(pid_t pid);
// Sends `sig`; ESRCH (already gone) is reported as an error with that errno.
Result<> pidfd_send_signal(FdRef pidfd, int sig);

// How a process ended, in the shell's encoding: exit code, or 128 + signal number.
struct ExitStatus {
  int code = 0;
  int signal = 0;  // non-zero when killed by a signal
  int shell_code() const { return signal ? 128 + signal : code; }
};
// Waits for a child (waitid P_PIDFD, retrying EINTR).
Result<ExitStatus> wait_pidfd(FdRef pidfd);
// waitpid(pid) for a child we have no pidfd for.
Result<ExitStatus> wait_pid(pid_t pid);
// True once the process behind `pidfd` has exited (works for non-children too).
Result<bool> pidfd_exited(FdRef pidfd, int timeout_ms);

// Every signal the process ignores (SIG_IGN survives execve) back to SIG_DFL: a program started
// by a caller that ignores SIGPIPE or SIGINT should not pass that on to the container.
void reset_ignored_signals() noexcept;

// Field 22 of /proc/PID/stat (clock ticks since boot). With the pid it names one process forever.
Result<uint64_t> process_start_time(pid_t pid);
// The state letter of /proc/PID/stat ('R', 'S', 'Z', ...).
Result<char> process_state(pid_t pid);

// Owns a child: unless released, destruction SIGKILLs and reaps it, so no failure path leaves a
// process behind.
class ChildProcess {
 public:
  ChildProcess() = default;
  ChildProcess(pid_t pid, UniqueFd pidfd) : m_pid(pid), m_pidfd(std::move(pidfd)) {}
  ChildProcess(ChildProcess&& o) noexcept;
  ChildProcess& operator=(ChildProcess&& o) noexcept;
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;
  ~ChildProcess();

  pid_t pid() const { return m_pid; }
  FdRef pidfd() const { return m_pidfd; }
  Result<ExitStatus> wait();
  Result<> signal(int sig) { return pidfd_send_signal(m_pidfd, sig); }
  // The child outlives this object (create hands init to the caller's subreaper).
  void release() {
    m_pid = 0;
    m_pidfd.reset();
  }

 private:
  void kill_and_reap();
  pid_t m_pid = 0;
  UniqueFd m_pidfd;
};

}  // namespace hull::sys

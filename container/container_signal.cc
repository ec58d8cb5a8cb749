// Container::signal: kill(2) for the init process, or for every process in the cgroup.
#include <signal.h>

#include <cerrno>

#include "container/container.h"
#include "container/internal/operation.h"
#include "sys/process.h"

namespace hull::container {

using base::Error;
using base::fail;

namespace {

constexpr const char* kNotRunning = "container not running";

// Opens a pidfd for `pid` only if it is still the process that started at `start_time`: the
// pidfd pins the process, the start time proves it is the one we mean.
Result<sys::UniqueFd> pidfd_if_same(pid_t pid, uint64_t start_time) {
  sys::UniqueFd fd = TRY(sys::pidfd_open(pid));
  uint64_t now = TRY(sys::process_start_time(pid));
  if (now != start_time)
    return fail(Error::from_errno(ESRCH, "signal", fmt::format("pid {}", pid)));
  return fd;
}

}  // namespace

Result<> Container::signal(int sig, bool all) {
  return in_operation("kill", id(), [&] { return send_signal(sig, all); });
}

Result<> Container::send_signal(int sig, bool all) {
  // runc allows signalling a created container (it is how engines stop one that never started).
  if (all) {
    TRY(require_status({Status::Created, Status::Running, Status::Paused, Status::Stopped}));
  } else {
    TRY(require_status({Status::Created, Status::Running, Status::Paused}, kNotRunning));
  }
  if (all) {
    auto pids = TRY(cgroup_pids());
    for (pid_t p : pids) {
      auto fd = sys::pidfd_open(p);
      if (fd.has_value()) (void)sys::pidfd_send_signal(*fd, sig);
    }
    if (sig == SIGKILL && !pids.empty()) (void)resume();  // a frozen task must thaw to die
    return {};
  }
  // Init may exit between the status check and the signal: that is "not running" too, never a
  // bare ESRCH, which engines would report as a failed kill.
  auto gone = [&](Error e) -> Error {
    // ENOENT: /proc/<pid>/stat vanished as init was reaped.
    if (e.errno_code() != ESRCH && e.errno_code() != ENOENT) return e;
    return Error::invalid_state(fmt::format("{} (it is stopped)", kNotRunning));
  };
  sys::UniqueFd fd = TRY(pidfd_if_same(m_state.init_pid, m_state.init_start_time).map_error(gone));
  TRY(sys::pidfd_send_signal(fd, sig).map_error(gone));
  return {};
}

}  // namespace hull::container

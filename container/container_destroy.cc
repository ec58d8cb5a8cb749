// Container::destroy: `hull delete`.
#include <signal.h>

#include <cerrno>

#include "base/log.h"
#include "container/cgroups/cgroups.h"
#include "container/container.h"
#include "container/hooks.h"
#include "sys/file.h"
#include "sys/process.h"

namespace hull::container {

using base::Error;
using base::fail;

Result<> Container::destroy(bool force) {
  Status s = TRY(status());
  if (s == Status::Running || s == Status::Paused) {
    if (!force)
      return fail(Error::invalid_state(fmt::format(
          "cannot delete container {} that is not stopped: {}", m_state.id, status_name(s))));
  }
  if (s != Status::Stopped) {
    // Created containers are killed without --force, as runc does.
    auto fd = sys::pidfd_open(m_state.init_pid);
    if (fd.has_value()) {
      auto start = sys::process_start_time(m_state.init_pid);
      if (start.has_value() && *start == m_state.init_start_time) {
        (void)sys::pidfd_send_signal(*fd, SIGKILL);
        if (s == Status::Paused) (void)resume();
        // Wait (bounded) for it to go: the cgroup cannot be removed while it has tasks.
        (void)sys::pidfd_exited(*fd, 5000);
      }
    }
  }
  if (!m_state.cgroup_paths.empty()) {
    auto cg = cgroups::Manager::load(cgroups::CgroupPaths{m_state.cgroup_paths});
    if (cg.has_value()) {
      // Stragglers (processes that escaped init's pid namespace teardown) die with the cgroup.
      auto pids = (*cg)->pids();
      if (pids.has_value())
        for (pid_t p : *pids)
          if (auto pfd = sys::pidfd_open(p); pfd.has_value()) (void)sys::pidfd_send_signal(*pfd, SIGKILL);
      TRY((*cg)->destroy());
    }
  }
  if (m_config->hooks && !m_config->hooks->poststop.empty()) {
    auto r = run_hooks("poststop", m_config->hooks->poststop, oci_state_json(m_state, Status::Stopped, false));
    if (!r.has_value()) HULL_LOG_WARN("{}", r.error().message());
  }
  TRY(sys::remove_tree(dir()));
  return {};
}

}  // namespace hull::container

// Manager::kill_all: every process of the container's cgroup, at once where the kernel can.
#include <signal.h>

#include <cerrno>

#include "container/cgroups/cgroups.h"
#include "sys/process.h"

namespace hull::container::cgroups {

Result<> Manager::kill_all() {
  CgroupPaths p = paths();
  // The cgroup2 directory (a v2 host's only one, a hybrid host's "") holds every process of the
  // container. cgroup.kill kills the whole subtree in the kernel, including processes forked
  // while it runs, which a listing followed by kill(2)s would miss.
  if (auto it = p.paths.find(""); it != p.paths.end()) {
    auto dir = CgroupDir::open(it->second);
    if (!dir.has_value()) {
      if (dir.error().errno_code() == ENOENT) return {};
      return base::fail(std::move(dir).error());
    }
    if (dir->has("cgroup.kill")) return dir->write("cgroup.kill", "1");
  }
  auto list = pids();
  if (!list.has_value()) {
    if (list.error().errno_code() == ENOENT) return {};
    return base::fail(std::move(list).error());
  }
  for (pid_t pid : *list)
    if (auto fd = sys::pidfd_open(pid); fd.has_value()) (void)sys::pidfd_send_signal(*fd, SIGKILL);
  return {};
}

}  // namespace hull::container::cgroups

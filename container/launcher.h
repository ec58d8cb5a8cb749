// Starting hull-init (container/init/) for a container's init or an exec'd process, without
// changing the calling process: the library may be used from any thread of any program.
//
// hull carries hull-init inside itself and runs it from a sealed memfd made once per process, or
// from a read-only view of its own file (container.h: use_own_executable_for_init;
// container/security/sealed_exe.h). start_init lays out init's descriptor table
//   0 1 2           the caller's stdio (the container's)
//   3 .. 3+N-1      --preserve-fds, unchanged
//   then            the encoded InitPlan (a memfd), the sync socket, and each descriptor the plan
//                   names (exec listener, console socket, init's pidfd, v1 cgroup `tasks` files,
//                   the log file)
// fills in the plan's descriptor numbers, and starts the process through nsexec::launch: born in
// the new namespaces (and cgroup2 directory), after the launcher's helper joined what must be
// joined first. The result is the caller's child.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "container/init/plan.h"
#include "nsexec/launch.h"
#include "sys/process.h"

namespace hull::container {

struct InitLaunch {
  InitPlan plan;  // its descriptor fields are set by start_init from those below
  int sync_fd = -1;
  int exec_listener_fd = -1;
  int console_fd = -1;
  int exec_pidfd = -1;
  std::vector<int> cgroup_tasks_fds;
  // For nsexec::launch.
  uint64_t clone_flags = 0;
  int cgroup_fd = -1;
  std::vector<nsexec::Join> joins;
  std::string time_offsets;
  std::vector<unsigned long> affinity;  // execCPUAffinity.initial (a cpu_set_t mask), or empty
  // Init is born in a new or joined user namespace: it keeps its capabilities there across the
  // execve of hull-init (nsexec::LaunchRequest::keep_caps_last).
  bool in_user_namespace = false;
  // A directory that stays (the runtime root): the second lower layer of the overlayfs view of
  // hull's own file (container.h: use_own_executable_for_init). Empty: the sealed copy.
  std::string spare_dir;
};

base::Result<sys::ChildProcess> start_init(InitLaunch& launch);

// The Error an 'E' record carries (kind and errno as hull-init had them); a malformed one is a
// Protocol error.
base::Error init_error(std::string_view payload);

// One record from hull-init on `sync`: the payload of the expected `type`, init's own error, or
// its death: "container init exited before <what>" (Child). `type` 0 expects EOF (the process
// exec'd). Seccomp listener records on the way go to `on_seccomp_fd`.
base::Result<std::string> await_init(
    sys::FdRef sync, char type, std::string_view what,
    const std::function<base::Result<>(sys::UniqueFd)>& on_seccomp_fd = {});

}  // namespace hull::container

#include "sys/userns.h"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "sys/file.h"
#include "sys/process.h"

namespace hull::sys {

Result<UniqueFd> make_userns(const std::string& uid_map, const std::string& gid_map) {
  pid_t parent = ::getpid();
  Cloned c = TRY(clone3(CLONE_NEWUSER));
  if (c.is_child()) {
    // SAFETY: the child only waits to be killed: no heap, no locks, no return into the caller.
    // If the caller dies first (SIGKILL), the child must not outlive it.
    (void)::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(0);
    for (;;) ::pause();
  }
  ChildProcess holder(c.pid, std::move(c.pidfd));  // SIGKILLed and reaped when this returns
  std::string dir = fmt::format("/proc/{}/", holder.pid());
  TRY(write_file(dir + "uid_map", uid_map));
  TRY(write_file(dir + "gid_map", gid_map));
  return open(dir + "ns/user", O_RDONLY | O_CLOEXEC);
}

}  // namespace hull::sys

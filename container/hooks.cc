#include "container/hooks.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include "sys/exec.h"
#include "sys/file.h"
#include "sys/ns.h"
#include "sys/process.h"
#include "sys/socket.h"
#include "sys/tty.h"

namespace hull::container {

using base::Error;
using base::fail;

namespace {

Result<> run_hook(const Hook& hook, std::string_view state_json) {
  auto stdin_pipe = TRY(sys::pipe());
  sys::Cloned c = TRY(sys::clone3(0));
  if (c.is_child()) {
    // SAFETY: between clone and exec in a single-threaded process; only dup2, the fd marking,
    // exec and _exit follow.
    if (!sys::dup2(stdin_pipe.first, 0).has_value()) ::_exit(126);
    // A hook gets stdin, stdout and stderr only: not the fds hull's caller left open, nor
    // init's --preserve-fds ones. Best effort: where init's seccomp filter refuses close_range
    // and there is no /proc to walk, init marked all but the preserved fds before loading it.
    (void)sys::cloexec_from(3);
    std::vector<std::string> argv = hook.args.empty() ? std::vector<std::string>{hook.path} : hook.args;
    (void)sys::execve(hook.path, argv, hook.env);
    ::_exit(127);
  }
  sys::ChildProcess child(c.pid, std::move(c.pidfd));
  stdin_pipe.first.reset();
  // A hook may exit without reading stdin: ignore EPIPE, its exit status is what counts.
  signal(SIGPIPE, SIG_IGN);
  (void)sys::write_all(stdin_pipe.second, state_json, "hook stdin");
  stdin_pipe.second.reset();
  if (hook.timeout.has_value()) {
    bool done = TRY(sys::pidfd_exited(child.pidfd(), *hook.timeout * 1000));
    if (!done) {
      (void)child.signal(SIGKILL);
      (void)child.wait();
      return fail(Error::make(base::ErrorKind::Child, fmt::format("timed out after {}s", *hook.timeout)));
    }
  }
  sys::ExitStatus st = TRY(child.wait());
  if (st.signal != 0)
    return fail(Error::make(base::ErrorKind::Child, fmt::format("killed by signal {}", st.signal)));
  if (st.code == 127)
    return fail(Error::make(base::ErrorKind::Child, "exit status 127 (could not execute the hook?)"));
  if (st.code != 0)
    return fail(Error::make(base::ErrorKind::Child, fmt::format("exit status {}", st.code)));
  return {};
}

}  // namespace

Result<> run_hooks(std::string_view stage, const std::vector<Hook>& hooks, std::string_view state_json) {
  for (size_t i = 0; i < hooks.size(); ++i) {
    auto r = run_hook(hooks[i], state_json);
    if (!r.has_value())
      return fail(std::move(r).error().context(fmt::format("{} hook #{} ({})", stage, i, hooks[i].path)));
  }
  return {};
}

}  // namespace hull::container

#include "container/hooks.h"

#include <fcntl.h>
#include <signal.h>

#include "sys/child.h"
#include "sys/file.h"
#include "sys/process.h"
#include "sys/socket.h"

namespace hull::container {

using base::Error;
using base::fail;

namespace {

std::vector<char*> c_strings(std::vector<std::string>& v) {
  std::vector<char*> out;
  for (auto& s : v) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

Result<> run_hook(const Hook& hook, std::string_view state_json, sys::FdRef cwd) {
  // Everything the child needs, before clone.
  std::vector<std::string> args =
      hook.args.empty() ? std::vector<std::string>{hook.path} : hook.args;
  std::vector<std::string> env = hook.env;
  std::vector<char*> argv = c_strings(args), envp = c_strings(env);
  auto stdin_pipe = TRY(sys::pipe());
  auto report = TRY(sys::pipe());
  // stdin, and the runner's stdout and stderr. Nothing else: not the fds hull's caller left
  // open, nor init's --preserve-fds ones.
  int table[] = {stdin_pipe.first.get(), 1, 2};
  int scratch[3];
  sys::ExecImage image;
  image.path = hook.path.c_str();
  image.argv = argv.data();
  image.envp = envp.data();
  image.fds = table;
  image.scratch = scratch;
  image.cwd_fd = cwd.get();

  sys::Cloned c = TRY(sys::clone3(0));
  if (c.is_child()) sys::exec_in_child(image, report.second.get());
  sys::ChildProcess child(c.pid, std::move(c.pidfd));
  stdin_pipe.first.reset();
  report.second.reset();
  auto records = TRY(sys::read_child_reports(report.first));
  if (!records.empty())
    return fail(Error::from_errno(records.front().value,
                                  records.front().step == sys::kStepExec ? "execve" : "starting",
                                  hook.path));
  // A hook may exit without reading stdin: its exit status is what counts.
  (void)sys::write_all_nosigpipe(stdin_pipe.second, state_json, "hook stdin");
  stdin_pipe.second.reset();
  if (hook.timeout.has_value()) {
    bool done = TRY(sys::pidfd_exited(child.pidfd(), *hook.timeout * 1000));
    if (!done) {
      (void)child.signal(SIGKILL);
      (void)child.wait();
      return fail(
          Error::make(base::ErrorKind::Child, fmt::format("timed out after {}s", *hook.timeout)));
    }
  }
  sys::ExitStatus st = TRY(child.wait());
  if (st.signal != 0)
    return fail(Error::make(base::ErrorKind::Child, fmt::format("killed by signal {}", st.signal)));
  if (st.code != 0)
    return fail(Error::make(base::ErrorKind::Child, fmt::format("exit status {}", st.code)));
  return {};
}

}  // namespace

Result<> run_hooks_in(const std::string& dir, std::string_view stage,
                      const std::vector<Hook>& hooks, std::string_view state_json) {
  if (hooks.empty()) return {};
  sys::UniqueFd cwd = TRY(sys::open(dir, O_PATH | O_DIRECTORY)
                              .map_error(base::context(fmt::format("{} hooks", stage))));
  return run_hooks(stage, hooks, state_json, cwd);
}

Result<> run_hooks(std::string_view stage, const std::vector<Hook>& hooks,
                   std::string_view state_json, sys::FdRef cwd) {
  for (size_t i = 0; i < hooks.size(); ++i) {
    auto r = run_hook(hooks[i], state_json, cwd);
    if (!r.has_value())
      return fail(
          std::move(r).error().context(fmt::format("{} hook #{} ({})", stage, i, hooks[i].path)));
  }
  return {};
}

}  // namespace hull::container

// hull run ID: create and start a container; in the foreground, wait for its process and delete
// it (unless --keep), with hull holding the terminal when no --console-socket is given.
#include "cli/command.h"
#include "cli/create_flags.h"
#include "cli/tty_proxy.h"

namespace hull::cli {
namespace {

using container::Container;

Result<int> run(Globals& g, const Args& a) {
  container::CreateOptions o = TRY(create_options(g, a));
  bool foreground = !a.has("detach");
  o.keep_child = foreground;
  // In the foreground without --console-socket hull holds the pty itself; the pair is offered
  // before the config is read, and used only if the process has a terminal.
  std::optional<sys::FdPair> console;
  if (foreground && o.console_socket.empty()) {
    console = TRY(console_pair());
    o.console_fd = console->second.get();
  }
  Container c = TRY(Container::run(o));
  if (!foreground) return 0;
  sys::UniqueFd master;
  if (console && c.config().process->terminal) master = TRY(receive_master(console->first));
  return supervise_container(c, o.root, master.is_valid() ? sys::FdRef(master) : sys::FdRef(-1),
                             a.has("keep"));
}

const Registration kRun({
    .name = "run",
    .usage = "hull run [--bundle DIR] [--console-socket PATH] [--pid-file F] [--detach] [--keep]\n"
             "         [--preserve-fds N] [--no-pivot] [--no-new-keyring] ID\n"
             "  Create and start a container.",
    .flags = with_flags(kCreateFlags, {}),
    .interspersed = false,
    .run = run,
});

}  // namespace
}  // namespace hull::cli

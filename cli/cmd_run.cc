// hull create / hull run: a container from a bundle.
#include <fcntl.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <poll.h>
#include <unistd.h>

#include <climits>
#include <cstdlib>

#include "cli/args.h"
#include "cli/commands.h"
#include "cli/pid_file.h"
#include "cli/tty_proxy.h"
#include "container/container.h"
#include "sys/file.h"
#include "sys/process.h"

namespace hull::cli {

using base::Error;
using base::fail;

namespace {

constexpr FlagSpec kCreateFlags[] = {
    {"bundle", "b", true},        {"console-socket", "", true}, {"pid-file", "", true},
    {"no-pivot", "", false},      {"no-new-keyring", "", false}, {"preserve-fds", "", true},
    {"detach", "d", false},       {"keep", "", false},          {"no-subreaper", "", false},
    {"notify-socket", "", true},
};

Result<container::CreateOptions> create_options(const Globals& g, const Args& a, std::string_view cmd) {
  container::CreateOptions o;
  o.root = g.root;
  o.id = TRY(require_id(a.positional(), cmd));
  o.bundle = a.get_or("bundle", ".");
  o.console_socket = a.get_or("console-socket", "");
  o.no_pivot = a.has("no-pivot");
  o.no_new_keyring = a.has("no-new-keyring");
  o.systemd_cgroup = g.systemd_cgroup;
  if (auto p = a.get("preserve-fds")) {
    int64_t n = TRY(parse_int("preserve-fds", *p));
    if (n < 0 || n > 1 << 20) return fail(Error::invalid("--preserve-fds: out of range"));
    o.preserve_fds = static_cast<int>(n);
  }
  // Socket activation: LISTEN_FDS handed to hull pass on to the container, as with runc.
  if (const char* lf = std::getenv("LISTEN_FDS")) {
    auto n = parse_int("LISTEN_FDS", lf);
    if (n.has_value() && *n > 0) {
      o.preserve_fds += static_cast<int>(*n);
      o.extra_env = {fmt::format("LISTEN_FDS={}", *n), "LISTEN_PID=1"};
    }
  }
  return o;
}

Result<int> create_or_run(Globals& g, Argv argv, bool run) {
  Args a = TRY(parse_args(argv, kCreateFlags));
  container::CreateOptions o = TRY(create_options(g, a, run ? "run" : "create"));
  std::optional<std::string> pid_file = TRY(pid_file_flag(a));
  bool foreground = run && !a.has("detach");
  o.keep_child = foreground;
  std::optional<sys::FdPair> console;
  auto created = [&]() -> Result<container::Container> {
    TRY(container::validate_id(o.id));
    container::Bundle bundle = TRY(container::Bundle::load(o.bundle));
    // A terminal without --console-socket in the foreground: hull holds the pty itself.
    const auto& process = bundle.config->process;
    if (foreground && o.console_socket.empty() && process && process->terminal) {
      console = TRY(console_pair());
      o.console_fd = console->second.get();
    }
    return container::Container::create(std::move(bundle), o);
  }();
  if (!created.has_value()) return fail(std::move(created).error().context(fmt::format("{} \"{}\"", g.command, o.id)));
  container::Container c = std::move(*created);
  if (pid_file) {
    // As runc: a container whose pid could not be reported is not left behind.
    auto written = write_pid_file(*pid_file, c.state().init_pid);
    if (!written.has_value()) {
      (void)c.destroy(true);
      return fail(std::move(written).error().context(fmt::format("{} \"{}\"", g.command, o.id)));
    }
  }
  if (!run) return 0;
  auto started = c.start();
  if (!started.has_value()) {
    (void)c.destroy(true);
    return fail(std::move(started).error().context(fmt::format("run \"{}\"", o.id)));
  }
  if (!foreground) return 0;
  sys::ChildProcess init = c.take_init();
  c.unlock();  // others may `state`, `kill` or `exec` while it runs
  sys::UniqueFd master;
  if (console) master = TRY(receive_master(console->first));
  auto code = supervise(init, master.is_valid() ? sys::FdRef(master) : sys::FdRef(-1));
  // runc run removes the container once its process is gone (unless --keep).
  if (!a.has("keep")) {
    auto again = container::Container::load(o.root, o.id);
    if (again.has_value()) (void)again->destroy(true);
  }
  return code;
}

}  // namespace

Result<int> cmd_create(Globals& g, Argv argv) { return create_or_run(g, argv, false); }
Result<int> cmd_run(Globals& g, Argv argv) { return create_or_run(g, argv, true); }

}  // namespace hull::cli

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
#include "container/container.h"
#include "container/security/sealed_exe.h"
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
  if (auto p = a.get("preserve-fds")) {
    int64_t n = TRY(parse_int("preserve-fds", *p));
    if (n < 0 || n > 1 << 20) return fail(Error::invalid("--preserve-fds: out of range"));
    o.preserve_fds = static_cast<int>(n);
  }
  // Socket activation: LISTEN_FDS handed to hull pass on to the container, as with runc.
  if (const char* lf = std::getenv("LISTEN_FDS")) {
    auto n = parse_int("LISTEN_FDS", lf);
    if (n.has_value() && *n > 0) o.preserve_fds += static_cast<int>(*n);
  }
  return o;
}

// Forwards signals to init until it exits; returns its exit status. Like runc's signal handler.
Result<int> forward_and_wait(sys::ChildProcess& init) {
  sigset_t set;
  sigfillset(&set);
  for (int s : {SIGCHLD, SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT}) sigdelset(&set, s);
  sigprocmask(SIG_BLOCK, &set, nullptr);
  int sfd = ::signalfd(-1, &set, SFD_CLOEXEC);
  sys::UniqueFd sig_fd(sfd);
  for (;;) {
    pollfd p[2] = {{init.pidfd().get(), POLLIN, 0}, {sig_fd.get(), POLLIN, 0}};
    int n = ::poll(p, sig_fd ? 2 : 1, -1);
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail(Error::from_errno(errno, "poll"));
    }
    if (p[0].revents) break;
    if (sig_fd && (p[1].revents & POLLIN)) {
      signalfd_siginfo info{};
      if (::read(sig_fd.get(), &info, sizeof info) == static_cast<ssize_t>(sizeof info))
        (void)init.signal(static_cast<int>(info.ssi_signo));
    }
  }
  sys::ExitStatus st = TRY(init.wait());
  return st.shell_code();
}

Result<int> create_or_run(Globals& g, Argv argv, bool run) {
  Args a = TRY(parse_args(argv, kCreateFlags));
  container::CreateOptions o = TRY(create_options(g, a, run ? "run" : "create"));
  // The process that enters the container runs from a sealed copy of hull (CVE-2019-5736).
  TRY(container::security::ensure_sealed_self());
  bool foreground = run && !a.has("detach");
  o.keep_child = foreground;
  auto created = container::Container::create(o);
  if (!created.has_value()) return fail(std::move(created).error().context(fmt::format("{} \"{}\"", g.command, o.id)));
  container::Container c = std::move(*created);
  if (auto pf = a.get("pid-file")) TRY(write_pid_file(*pf, c.state().init_pid));
  if (!run) return 0;
  auto started = c.start();
  if (!started.has_value()) {
    (void)c.destroy(true);
    return fail(std::move(started).error().context(fmt::format("run \"{}\"", o.id)));
  }
  if (!foreground) return 0;
  sys::ChildProcess init = c.take_init();
  c.unlock();  // others may `state`, `kill` or `exec` while it runs
  auto code = forward_and_wait(init);
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

#include "cli/tty_proxy.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>

#include <cerrno>

#include "sys/file.h"
#include "sys/poll.h"
#include "sys/signal.h"
#include "sys/tty.h"

namespace hull::cli {

using base::Error;
using base::fail;
using base::Result;

Result<sys::FdPair> console_pair() { return sys::socketpair(SOCK_STREAM); }

Result<sys::UniqueFd> receive_master(sys::FdRef ours) {
  auto msg = TRY(sys::recv_with_fds(ours, 4096, "console"));
  if (msg.fds.empty()) return fail(Error::protocol("console: no pty master received"));
  return std::move(msg.fds[0]);
}

namespace {

// Best effort: stdin may not be a terminal at all.
void copy_window_size(int master) { (void)sys::copy_window_size(0, master); }

// Copies what is readable from `from` to `to`; false on EOF or error.
bool pump(int from, int to) {
  char buf[16384];
  auto n = sys::read_some(sys::FdRef(from), buf, "stdio");
  if (!n.has_value() || *n == 0) return false;
  return sys::write_all(to, std::string_view(buf, *n), "stdio").has_value();
}

}  // namespace

Result<int> supervise(sys::ChildProcess& child, sys::FdRef master) {
  // Every signal hull receives goes to the container's process, as runc forwards them.
  sigset_t set;
  sigfillset(&set);
  for (int s : {SIGCHLD, SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT}) sigdelset(&set, s);
  sys::SignalFd signals = TRY(sys::SignalFd::block_and_open(set));
  bool tty = master.get() >= 0;
  std::optional<sys::RawTerminal> raw;
  if (tty) {
    raw.emplace(sys::FdRef(0));
    copy_window_size(master.get());
  }
  bool stdin_open = tty;
  bool master_open = tty;
  for (;;) {
    pollfd p[4] = {{child.pidfd().get(), POLLIN, 0},
                   {signals.fd().get(), POLLIN, 0},
                   {master_open ? master.get() : -1, POLLIN, 0},
                   {stdin_open ? 0 : -1, POLLIN, 0}};
    TRY(sys::poll(p, -1));
    if (p[2].revents & (POLLIN | POLLHUP | POLLERR)) master_open = pump(master.get(), 1);
    if (p[3].revents & (POLLIN | POLLHUP | POLLERR)) stdin_open = pump(0, master.get());
    if (p[1].revents & POLLIN) {
      if (auto sig = TRY(signals.read())) {
        if (*sig == SIGWINCH && tty) {
          copy_window_size(master.get());
        } else {
          (void)child.signal(*sig);
        }
      }
    }
    if (p[0].revents) break;
  }
  // Drain what the process wrote just before it exited.
  while (master_open) {
    pollfd p[1] = {{master.get(), POLLIN, 0}};
    auto ready = sys::poll(p, 50);
    if (!ready.has_value() || *ready == 0) break;
    master_open = pump(master.get(), 1);
  }
  sys::ExitStatus st = TRY(child.wait());
  return st.shell_code();
}

Result<int> supervise_container(container::Container& c, const std::string& root, sys::FdRef master,
                                bool keep) {
  sys::ChildProcess init = c.take_init();
  c.unlock();
  auto code = supervise(init, master);
  if (!keep)
    if (auto again = container::Container::load(root, c.id()); again.has_value())
      (void)again->destroy(true);
  return code;
}

}  // namespace hull::cli

#include "cli/tty_proxy.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>

#include "sys/file.h"
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

// Restores the caller's terminal settings on every way out.
class RawMode {
 public:
  RawMode() {
    if (::isatty(0) && ::tcgetattr(0, &m_saved) == 0) {
      struct termios raw = m_saved;
      ::cfmakeraw(&raw);
      m_active = ::tcsetattr(0, TCSANOW, &raw) == 0;
    }
  }
  ~RawMode() {
    if (m_active) ::tcsetattr(0, TCSANOW, &m_saved);
  }

 private:
  struct termios m_saved {};
  bool m_active = false;
};

// Best effort: stdin may not be a terminal at all.
void copy_window_size(int master) { (void)sys::copy_window_size(0, master); }

// Copies what is readable from `from` to `to`; false on EOF or error.
bool pump(int from, int to) {
  char buf[16384];
  ssize_t n = ::read(from, buf, sizeof buf);
  if (n <= 0) return n < 0 && errno == EINTR;
  return sys::write_all(to, std::string_view(buf, static_cast<size_t>(n)), "stdio").has_value();
}

}  // namespace

Result<int> supervise(sys::ChildProcess& child, sys::FdRef master) {
  sigset_t set;
  sigfillset(&set);
  for (int s : {SIGCHLD, SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT}) sigdelset(&set, s);
  sigprocmask(SIG_BLOCK, &set, nullptr);
  sys::UniqueFd sig_fd(::signalfd(-1, &set, SFD_CLOEXEC));
  bool tty = master.get() >= 0;
  std::optional<RawMode> raw;
  if (tty) {
    raw.emplace();
    copy_window_size(master.get());
  }
  bool stdin_open = tty;
  bool master_open = tty;
  for (;;) {
    pollfd p[4] = {{child.pidfd().get(), POLLIN, 0},
                   {sig_fd.get(), POLLIN, 0},
                   {master_open ? master.get() : -1, POLLIN, 0},
                   {stdin_open ? 0 : -1, POLLIN, 0}};
    int n = ::poll(p, 4, -1);
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail(Error::from_errno(errno, "poll"));
    }
    if (p[2].revents & (POLLIN | POLLHUP | POLLERR)) master_open = pump(master.get(), 1);
    if (p[3].revents & (POLLIN | POLLHUP | POLLERR)) stdin_open = pump(0, master.get());
    if (p[1].revents & POLLIN) {
      signalfd_siginfo info{};
      if (::read(sig_fd.get(), &info, sizeof info) == static_cast<ssize_t>(sizeof info)) {
        if (info.ssi_signo == SIGWINCH && tty) {
          copy_window_size(master.get());
        } else {
          (void)child.signal(static_cast<int>(info.ssi_signo));
        }
      }
    }
    if (p[0].revents) break;
  }
  // Drain what the process wrote just before it exited.
  while (master_open) {
    pollfd p{master.get(), POLLIN, 0};
    if (::poll(&p, 1, 50) <= 0) break;
    master_open = pump(master.get(), 1);
  }
  sys::ExitStatus st = TRY(child.wait());
  return st.shell_code();
}

}  // namespace hull::cli

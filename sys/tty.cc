#include "sys/tty.h"

#include <fcntl.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>

namespace hull::sys {

using base::Error;
using base::fail;

Result<PtyPair> open_pty_peer(UniqueFd ptmx) {
  int unlock = 0;
  if (::ioctl(ptmx.get(), TIOCSPTLCK, &unlock) < 0)
    return fail(Error::from_errno(errno, "ioctl TIOCSPTLCK", "ptmx"));
  int slave = ::ioctl(ptmx.get(), TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (slave < 0) return fail(Error::from_errno(errno, "ioctl TIOCGPTPEER", "ptmx"));
  return PtyPair{std::move(ptmx), UniqueFd(slave)};
}

Result<> make_controlling_tty(FdRef tty) {
  if (::setsid() < 0) return fail(Error::from_errno(errno, "setsid"));
  if (::ioctl(tty.get(), TIOCSCTTY, 0) < 0)
    return fail(Error::from_errno(errno, "ioctl TIOCSCTTY", "console"));
  return {};
}

Result<> set_window_size(FdRef tty, unsigned rows, unsigned cols) {
  struct winsize ws {};
  ws.ws_row = static_cast<unsigned short>(rows);
  ws.ws_col = static_cast<unsigned short>(cols);
  if (::ioctl(tty.get(), TIOCSWINSZ, &ws) < 0)
    return fail(Error::from_errno(errno, "ioctl TIOCSWINSZ", "console"));
  return {};
}

Result<> copy_window_size(FdRef from, FdRef to) {
  struct winsize ws {};
  if (::ioctl(from.get(), TIOCGWINSZ, &ws) < 0)
    return fail(Error::from_errno(errno, "ioctl TIOCGWINSZ", "stdin"));
  if (::ioctl(to.get(), TIOCSWINSZ, &ws) < 0)
    return fail(Error::from_errno(errno, "ioctl TIOCSWINSZ", "pty master"));
  return {};
}

RawTerminal::RawTerminal(FdRef fd) : m_fd(fd.get()) {
  if (::isatty(m_fd) && ::tcgetattr(m_fd, &m_saved) == 0) {
    struct termios raw = m_saved;
    ::cfmakeraw(&raw);
    m_active = ::tcsetattr(m_fd, TCSANOW, &raw) == 0;
  }
}

RawTerminal::~RawTerminal() {
  if (m_active) ::tcsetattr(m_fd, TCSANOW, &m_saved);
}

Result<> dup2(FdRef from, int to) {
  if (::dup2(from.get(), to) < 0)
    return fail(Error::from_errno(errno, "dup2", fmt::format("fd {}", to)));
  return {};
}

}  // namespace hull::sys

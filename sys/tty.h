// Pseudo-terminals for containers with process.terminal: a pty pair from a devpts instance's
// ptmx, the controlling terminal, and window sizes.
#pragma once

#include <termios.h>

#include "base/result.h"
#include "sys/unique_fd.h"

namespace hull::sys {

using base::Result;

struct PtyPair {
  UniqueFd master, slave;
};
// Unlocks `ptmx` (an open master) and opens its peer with TIOCGPTPEER, which needs no path.
Result<PtyPair> open_pty_peer(UniqueFd ptmx);
// setsid() and make `tty` the controlling terminal (TIOCSCTTY).
Result<> make_controlling_tty(FdRef tty);
Result<> set_window_size(FdRef tty, unsigned rows, unsigned cols);
// Copies the window size of `from` (a terminal) to `to` (a pty master).
Result<> copy_window_size(FdRef from, FdRef to);
Result<> dup2(FdRef from, int to);

// A terminal in raw mode for as long as the object lives (tcgetattr, cfmakeraw, tcsetattr; the
// saved settings restored on drop). Does nothing when `fd` is not a terminal.
class RawTerminal {
 public:
  explicit RawTerminal(FdRef fd);
  ~RawTerminal();
  RawTerminal(const RawTerminal&) = delete;
  RawTerminal& operator=(const RawTerminal&) = delete;

 private:
  int m_fd;
  struct termios m_saved {};
  bool m_active = false;
};

}  // namespace hull::sys

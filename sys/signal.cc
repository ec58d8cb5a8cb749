#include "sys/signal.h"

#include <sys/signalfd.h>
#include <unistd.h>

#include <cerrno>

namespace hull::sys {

using base::Error;
using base::fail;

base::Result<SignalFd> SignalFd::block_and_open(const sigset_t& signals) {
  if (int err = ::pthread_sigmask(SIG_BLOCK, &signals, nullptr); err != 0)
    return fail(Error::from_errno(err, "pthread_sigmask SIG_BLOCK"));
  int fd = ::signalfd(-1, &signals, SFD_CLOEXEC);
  if (fd < 0) return fail(Error::from_errno(errno, "signalfd"));
  return SignalFd(UniqueFd(fd));
}

base::Result<std::optional<int>> SignalFd::read() const {
  signalfd_siginfo info{};
  for (;;) {
    ssize_t n = ::read(m_fd.get(), &info, sizeof info);
    if (n == static_cast<ssize_t>(sizeof info)) return static_cast<int>(info.ssi_signo);
    if (n >= 0 || errno == EAGAIN) return std::nullopt;
    if (errno != EINTR) return fail(Error::from_errno(errno, "read", "signalfd"));
  }
}

}  // namespace hull::sys

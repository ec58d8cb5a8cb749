// Signals read from a descriptor (signalfd(2)), for a supervisor that forwards them.
#pragma once

#include <signal.h>

#include <optional>

#include "base/result.h"
#include "sys/unique_fd.h"

namespace hull::sys {

class SignalFd {
 public:
  // Blocks `signals` for the calling thread (so they queue instead of acting) and opens a
  // CLOEXEC signalfd for them.
  static base::Result<SignalFd> block_and_open(const sigset_t& signals);
  FdRef fd() const { return m_fd; }
  // The number of the next queued signal; nullopt when none is (EAGAIN) or a read was short.
  base::Result<std::optional<int>> read() const;

 private:
  explicit SignalFd(UniqueFd fd) : m_fd(std::move(fd)) {}
  UniqueFd m_fd;
};

}  // namespace hull::sys

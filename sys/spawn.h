// Starting a program as a child with an exact descriptor table: fork (clone3), place the given
// fds at 0, 1, 2, 3..., close everything else at exec, execve. Used to start helpers such as
// `criu swrk 3` that expect a descriptor at a fixed number.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "base/result.h"
#include "sys/process.h"

namespace hull::sys {

using base::Result;

// Starts argv[0] (resolved with look_path against $PATH) as a child. In the child, fd i is a
// duplicate of `fds[i]` for every i; -1 means /dev/null for 0..2 and "closed" above. Every other
// descriptor is closed at exec, so nothing leaks into the child. `fds` must hold at least the three
// stdio entries. The environment is inherited. An exec failure is returned here with its errno
// (sent back through a CLOEXEC pipe), not as an exit status; the child is then already reaped.
Result<ChildProcess> spawn(std::span<const std::string> argv, std::span<const int> fds);

}  // namespace hull::sys

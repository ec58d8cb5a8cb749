// The --pid-file of create, run, exec and restore, which engines read as soon as hull exits.
#pragma once

#include <sys/types.h>

#include <string>

#include "base/result.h"

namespace hull::container {

// Writes `pid` to `path` atomically (a temporary file renamed over it); a relative path is
// relative to the working directory. Errors say "writing pid file <path>".
base::Result<> write_pid_file(const std::string& path, pid_t pid);

}  // namespace hull::container

#pragma once

#include <sys/types.h>

#include <optional>
#include <string>

#include "base/result.h"
#include "cli/args.h"

namespace hull::cli {

// The --pid-file flag as runc's revisePidFile leaves it: a relative path is relative to the
// caller's working directory, made absolute here because `create` later chdirs into the bundle.
// Absent or empty: no pid file.
base::Result<std::optional<std::string>> pid_file_flag(const Args& a);

// Writes `pid` to `path` atomically (engines read it as soon as hull exits).
base::Result<> write_pid_file(const std::string& path, pid_t pid);

}  // namespace hull::cli

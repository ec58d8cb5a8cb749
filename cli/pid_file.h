#pragma once

#include <sys/types.h>

#include <string>

#include "base/result.h"

namespace hull::cli {

// Writes `pid` to `path` atomically (engines read it as soon as hull exits).
base::Result<> write_pid_file(const std::string& path, pid_t pid);

}  // namespace hull::cli

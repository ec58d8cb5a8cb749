#pragma once

#include <string>

#include "base/result.h"
#include "cli/args.h"

namespace hull::cli {

// The --pid-file flag as runc's revisePidFile leaves it: a relative path is made absolute against
// the caller's working directory, as runc must before it chdirs into the bundle. Absent or empty:
// "" (no pid file). container/ writes it (CreateOptions::pid_file and the like).
base::Result<std::string> pid_file_flag(const Args& a);

}  // namespace hull::cli

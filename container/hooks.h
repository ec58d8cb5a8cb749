// OCI hooks: each runs as a child with the container's state JSON on stdin, its runner's stdout
// and stderr (hull's, or init's) and no other fd, the hook's own args and env (nothing
// inherited), and an optional timeout after which it is killed.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "container/config.h"

namespace hull::container {

// Runs `hooks` in order; the first failure stops the run. `stage` names them in errors:
// `createRuntime hook #1 (/usr/bin/x): exit status 3`.
Result<> run_hooks(std::string_view stage, const std::vector<Hook>& hooks, std::string_view state_json);

}  // namespace hull::container

// OCI hooks: each runs as a child with the container's state JSON on stdin, its runner's stdout
// and stderr (hull's, or init's) and no other fd, the hook's own args and env (nothing
// inherited), and an optional timeout after which it is killed.
//
// The child is started as sys/child.h prescribes (no allocation between clone and exec), and the
// runner's signal dispositions stay as they were (a hook that leaves stdin unread is an EPIPE,
// not a SIGPIPE), so a multithreaded library caller may run hooks.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "container/config.h"
#include "sys/unique_fd.h"

namespace hull::container {

// Runs `hooks` in order; the first failure stops the run. `stage` names them in errors:
// `createRuntime hook #1 (/usr/bin/x): exit status 3`. `cwd`: the hooks' working directory (runc
// runs prestart, createRuntime, poststart and poststop in the bundle, createContainer in the
// rootfs); an invalid fd keeps the runner's.
Result<> run_hooks(std::string_view stage, const std::vector<Hook>& hooks,
                   std::string_view state_json, sys::FdRef cwd = sys::FdRef(-1));
// The same in the directory `dir` (the bundle, for hooks the runtime runs: runc runs them in its
// own cwd, which is the bundle for create and run, and for the engines' shims always).
Result<> run_hooks_in(const std::string& dir, std::string_view stage,
                      const std::vector<Hook>& hooks, std::string_view state_json);

}  // namespace hull::container

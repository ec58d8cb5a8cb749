// process.rlimits: names resolved in the parent, limits set in the child (or by the parent on the
// child's pid with prlimit, which runc does so that limits can still be raised after the child
// has entered a user namespace).
#pragma once

#include <sys/types.h>

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "base/result.h"
#include "base/wire.h"
#include "container/config.h"

namespace hull::container::security {

using base::Result;

// RLIMIT_AS .. RLIMIT_STACK (all 16 of Linux) → the resource number, or nullopt.
std::optional<int> rlimit_from_name(std::string_view name);

// "RLIMIT_NOFILE" for RLIMIT_NOFILE; "RLIMIT_<n>" past the table.
std::string rlimit_name(int resource);

struct PreparedRlimit {
  int resource = 0;
  uint64_t soft = 0, hard = 0;
  bool operator==(const PreparedRlimit&) const = default;
  HULL_WIRE_FIELDS(resource, soft, hard)
};

// Resolves every entry. Errors name the entry: ".process.rlimits[2].type: unknown rlimit
// \"RLIMIT_FOO\"", a duplicated type, or a soft limit above the hard one.
Result<std::vector<PreparedRlimit>> prepare_rlimits(std::span<const Rlimit> rlimits);

// prlimit(pid, ...) for each limit in order; pid 0 is the caller. Allocates nothing on success.
// Errors read "setrlimit RLIMIT_NOFILE (soft 1048576, hard 1048576): Operation not permitted
// (EPERM)" (runc: "error setting rlimit type 7: operation not permitted").
Result<> apply_rlimits(std::span<const PreparedRlimit> limits, pid_t pid = 0);

}  // namespace hull::container::security

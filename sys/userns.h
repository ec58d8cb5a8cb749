// A user namespace held only by an fd: what MOUNT_ATTR_IDMAP takes (an idmapped mount needs a
// user namespace, not a process in it).
#pragma once

#include <string>

#include "base/result.h"
#include "sys/unique_fd.h"

namespace hull::sys {

using base::Result;

// A new user namespace with `uid_map`/`gid_map` in /proc/<pid>/uid_map format ("inside outside
// count" lines). A child cloned into it holds it while the maps are written and its
// /proc/<pid>/ns/user is opened; the child is then killed and reaped, on every path. The caller
// needs CAP_SETUID/CAP_SETGID over the mapped host ids.
Result<UniqueFd> make_userns(const std::string& uid_map, const std::string& gid_map);

}  // namespace hull::sys

// `exec --cgroup` (runc 1.1): run a new process in an existing sub-cgroup of the container's.
#pragma once

#include <map>
#include <string>

#include "base/result.h"
#include "container/cgroups/cgroups.h"

namespace hull::container::cgroups {

// The container's cgroup paths with the sub-cgroups of `sub` applied. `sub` maps a controller
// name ("cpu", "name=systemd", "" for the cgroup2 directory of a hybrid host) to a path
// relative to the container's cgroup; a single "" key with no other means every hierarchy.
// Controllers co-mounted in one hierarchy share a directory, so a sub-cgroup given for one
// applies to all of them (two different ones for the same hierarchy are an error).
// InvalidArgument: a controller the container has no path for, or a path that leaves the
// container's cgroup ("../x"). Whether the directories exist is for the caller to find out.
Result<CgroupPaths> sub_cgroup_paths(const CgroupPaths& container,
                                     const std::map<std::string, std::string>& sub);

}  // namespace hull::container::cgroups

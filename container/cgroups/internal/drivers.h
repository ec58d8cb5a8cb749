// The two Manager drivers; chosen by manager.cc.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "container/cgroups/cgroup_dir.h"
#include "container/cgroups/cgroups.h"

namespace hull::container::cgroups::internal {

// A cgroup directory and the mount point of its hierarchy (where make_path starts).
struct Placement {
  std::string path;
  std::string mountpoint;  // empty in a loaded manager until it makes directories
};

// Sets every empty mount point from one read of mountinfo (the longest cgroup mount point above
// the path, else the path's parent directory). Only making directories needs them, so loading a
// manager (every command on an existing container) does not read mountinfo.
void fill_mountpoints(const std::vector<Placement*>& placements);

// controller -> placement; "" is the cgroup2 directory of a hybrid host.
std::unique_ptr<Manager> make_v1(std::map<std::string, Placement> placements);
std::unique_ptr<Manager> make_v2(Placement placement);

}  // namespace hull::container::cgroups::internal

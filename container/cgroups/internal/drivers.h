// The two Manager drivers; chosen by manager.cc.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "container/cgroups/cgroup_dir.h"
#include "container/cgroups/cgroups.h"

namespace hull::container::cgroups::internal {

// A cgroup directory and the mount point of its hierarchy (where make_path starts).
struct Placement {
  std::string path;
  std::string mountpoint;
};

// controller -> placement; "" is the cgroup2 directory of a hybrid host.
std::unique_ptr<Manager> make_v1(std::map<std::string, Placement> placements);
std::unique_ptr<Manager> make_v2(Placement placement);

}  // namespace hull::container::cgroups::internal

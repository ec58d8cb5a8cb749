// The cgroup manager of an existing container, from its state.
#pragma once

#include <memory>

#include "base/result.h"
#include "container/cgroups/cgroups.h"
#include "container/state.h"

namespace hull::container {

// The saved paths, with the systemd driver on top when the container was created with
// --systemd-cgroup (state.systemd_unit). The caller checks that cgroup_paths is not empty.
base::Result<std::unique_ptr<cgroups::Manager>> load_cgroup_manager(const State& s);

}  // namespace hull::container

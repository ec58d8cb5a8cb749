#include "container/internal/cgroup_manager.h"

namespace hull::container {

base::Result<std::unique_ptr<cgroups::Manager>> load_cgroup_manager(const State& s) {
  return cgroups::Manager::load(cgroups::CgroupPaths{s.cgroup_paths},
                                cgroups::SystemdScope{s.systemd_unit, s.systemd_user});
}

}  // namespace hull::container

// The cgroup v2 driver: creating, joining, listing and removing the unified directory.
#include "container/cgroups/internal/v2.h"

#include <fcntl.h>

#include "container/cgroups/internal/fs.h"
#include "sys/file.h"

namespace hull::container::cgroups::internal {

std::unique_ptr<Manager> make_v2(Placement placement) {
  return std::make_unique<V2Manager>(std::move(placement));
}

Result<> V2Manager::apply(pid_t pid) {
  // Each ancestor delegates its controllers to the next level; the leaf keeps the processes
  // ("no internal processes" rule), as runc's CreateCgroupPath does.
  fill_mountpoints({&m_placement});
  CgroupDir dir =
      TRY(make_path(m_placement.mountpoint, m_placement.path, enable_subtree_controllers, nullptr));
  return join(dir, pid);
}

Result<> V2Manager::create_dirs() {
  fill_mountpoints({&m_placement});
  TRY(make_path(m_placement.mountpoint, m_placement.path, enable_subtree_controllers, nullptr));
  return {};
}

Result<Entry> V2Manager::entry() const {
  Entry e;
  e.v2_dir = TRY(sys::open(m_placement.path, O_RDONLY | O_DIRECTORY));
  return e;
}

Result<> V2Manager::destroy() { return remove_path(m_placement.path); }

Result<std::vector<pid_t>> V2Manager::pids() { return collect_pids(m_placement.path); }

bool V2Manager::exists() const { return sys::exists(m_placement.path); }

}  // namespace hull::container::cgroups::internal

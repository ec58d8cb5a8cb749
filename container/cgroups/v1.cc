// The cgroup v1 driver: creating, joining, listing and removing the per-controller directories.
#include "container/cgroups/internal/v1.h"

#include <fcntl.h>

#include "container/cgroups/internal/fs.h"
#include "sys/file.h"

namespace hull::container::cgroups::internal {

using base::Error;
using base::fail;

std::unique_ptr<Manager> make_v1(std::map<std::string, Placement> placements) {
  return std::make_unique<V1Manager>(std::move(placements));
}

V1Manager::V1Manager(std::map<std::string, Placement> placements)
    : m_placements(std::move(placements)) {
  for (const auto& [controller, p] : m_placements) m_dirs[p.path].insert(controller);
}

namespace {

// A new cpuset cgroup starts with empty cpus and mems, and no task can join it until they are set:
// copy them from the parent, level by level (runc's cpuset ensureParent).
Result<> inherit_cpuset(const CgroupDir& parent, const CgroupDir& child) {
  for (const char* file : {"cpuset.cpus", "cpuset.mems"}) {
    std::string mine = TRY(child.read_trimmed(file));
    if (!mine.empty()) continue;
    std::string theirs = TRY(parent.read_trimmed(file));
    TRY(child.write(file, theirs));
  }
  return {};
}

}  // namespace

namespace {
Result<CgroupDir> make_dir(const Placement& p, const std::set<std::string>& controllers) {
  ParentHook before;
  LevelHook after;
  if (controllers.count("")) before = enable_subtree_controllers;
  if (controllers.count("cpuset")) after = inherit_cpuset;
  return make_path(p.mountpoint, p.path, before, after);
}
}  // namespace

void V1Manager::fill_mountpoints() {
  std::vector<Placement*> all;
  for (auto& [_, p] : m_placements) all.push_back(&p);
  internal::fill_mountpoints(all);
}

Result<> V1Manager::apply(pid_t pid) {
  fill_mountpoints();
  for (const auto& [path, controllers] : m_dirs) {
    CgroupDir dir = TRY(make_dir(m_placements.at(*controllers.begin()), controllers));
    TRY(join(dir, pid));
  }
  return {};
}

Result<> V1Manager::create_dirs() {
  fill_mountpoints();
  for (const auto& [path, controllers] : m_dirs)
    TRY(make_dir(m_placements.at(*controllers.begin()), controllers));
  return {};
}

Result<Entry> V1Manager::entry() const {
  Entry e;
  for (const auto& [path, controllers] : m_dirs) {
    if (controllers.count("")) {
      e.v2_dir = TRY(sys::open(path, O_RDONLY | O_DIRECTORY));
    } else {
      e.tasks.push_back(TRY(sys::open(path + "/tasks", O_WRONLY)));
    }
  }
  return e;
}

Result<> V1Manager::destroy() {
  // Try every directory even when one fails, and report the first failure.
  Result<> first;
  for (const auto& [path, _] : m_dirs) {
    auto removed = remove_path(path);
    if (!removed.has_value() && first.has_value()) first = std::move(removed);
  }
  return first;
}

const Placement& V1Manager::primary() const {
  for (const char* c : {"pids", "devices", "freezer", "memory", "cpu"})
    if (auto it = m_placements.find(c); it != m_placements.end()) return it->second;
  return m_placements.begin()->second;
}

Result<std::vector<pid_t>> V1Manager::pids() { return collect_pids(primary().path); }

CgroupPaths V1Manager::paths() const {
  CgroupPaths out;
  for (const auto& [controller, p] : m_placements) out.paths[controller] = p.path;
  return out;
}

bool V1Manager::exists() const { return sys::exists(primary().path); }

Result<CgroupDir> V1Manager::open(const std::string& controller) const {
  auto it = m_placements.find(controller);
  if (it == m_placements.end())
    return fail(Error::unsupported("cgroup controller \"" + controller + "\" is not mounted"));
  return CgroupDir::open(it->second.path);
}

}  // namespace hull::container::cgroups::internal

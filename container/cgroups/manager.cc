// Manager::create/load: choose the driver and place the cgroup in each hierarchy.
#include <fcntl.h>

#include <cerrno>
#include <optional>
#include <utility>
#include <vector>

#include "container/cgroups/cgroups.h"
#include "container/cgroups/internal/drivers.h"
#include "container/cgroups/internal/systemd.h"
#include "sys/file.h"

namespace hull::container::cgroups {

using base::Error;
using base::fail;
using internal::Placement;

namespace {

std::string join_path(const std::string& mountpoint, const std::string& rel) {
  if (mountpoint == "/") return rel;
  return mountpoint + rel;
}

// The mount point of `path` in `layout` (longest prefix), or its parent directory when the
// layout does not know it (so that apply() at least creates the last component).
std::string mountpoint_of(const std::string& path, const CgroupLayout* layout) {
  std::string best;
  auto consider = [&](const std::string& mp) {
    bool prefix = path.compare(0, mp.size(), mp) == 0 &&
                  (path.size() == mp.size() || path[mp.size()] == '/' || mp == "/");
    if (prefix && mp.size() > best.size()) best = mp;
  };
  if (layout != nullptr) {
    for (const auto& [_, mp] : layout->v1) consider(mp);
    if (layout->unified) consider(*layout->unified);
  }
  if (!best.empty()) return best;
  size_t slash = path.rfind('/');
  return slash == 0 || slash == std::string::npos ? std::string("/") : path.substr(0, slash);
}

}  // namespace

std::string_view freezer_state_name(FreezerState s) {
  switch (s) {
    case FreezerState::Thawed: return "thawed";
    case FreezerState::Freezing: return "freezing";
    case FreezerState::Frozen: return "frozen";
  }
  return "thawed";
}

Result<std::unique_ptr<Manager>> Manager::create(const std::string& cgroups_path,
                                                 const std::string& id) {
  CgroupLayout layout = TRY(detect_cgroup_layout());
  return create(cgroups_path, id, layout);
}

Result<std::unique_ptr<Manager>> Manager::create(const std::string& cgroups_path,
                                                 const std::string& id,
                                                 const CgroupLayout& layout) {
  std::string rel = TRY(normalize_cgroups_path(cgroups_path, id));
  if (layout.mode() == Mode::V2) {
    const std::string& mp = *layout.unified;
    return internal::make_v2(Placement{join_path(mp, rel), mp});
  }
  std::map<std::string, Placement> placements;
  for (const auto& [controller, mp] : layout.v1)
    placements[controller] = Placement{join_path(mp, rel), mp};
  if (layout.unified) placements[""] = Placement{join_path(*layout.unified, rel), *layout.unified};
  return internal::make_v1(std::move(placements));
}

Result<std::unique_ptr<Manager>> Manager::load(const CgroupPaths& paths,
                                               const SystemdScope& scope) {
  if (!scope.unit.empty()) return internal::make_systemd(scope, TRY(load(paths)));
  if (paths.paths.empty()) return fail(Error::invalid("cgroup paths are empty"));
  for (const auto& [controller, path] : paths.paths)
    if (path.empty() || path[0] != '/')
      return fail(Error::invalid("cgroup path of \"" + controller + "\" is not absolute: \"" +
                                 path + "\""));
  // Mount points are found only if directories are made again (internal::fill_mountpoints).
  if (paths.paths.size() == 1 && paths.paths.begin()->first.empty())
    return internal::make_v2(Placement{paths.paths.begin()->second, ""});
  std::map<std::string, Placement> placements;
  for (const auto& [controller, path] : paths.paths) placements[controller] = Placement{path, ""};
  return internal::make_v1(std::move(placements));
}

void internal::fill_mountpoints(const std::vector<Placement*>& placements) {
  std::optional<CgroupLayout> layout;
  bool read = false;
  for (Placement* p : placements) {
    if (!p->mountpoint.empty()) continue;
    if (!read) {
      read = true;
      // A host without /proc still gets the last component made.
      if (auto l = detect_cgroup_layout(); l.has_value()) layout = std::move(*l);
    }
    p->mountpoint = mountpoint_of(p->path, layout ? &*layout : nullptr);
  }
}

Result<> check_not_frozen(Manager& m) {
  auto state = m.freezer_state();
  if (!state.has_value()) {
    const Error& e = state.error();
    if (e.errno_code() == ENOENT || e.kind() == base::ErrorKind::Unsupported) return {};
    return fail(std::move(state).error().context("reading the cgroup's freezer state"));
  }
  if (*state == FreezerState::Thawed) return {};
  const auto& paths = m.paths().paths;
  auto it = paths.find("freezer");
  if (it == paths.end()) it = paths.find("");
  return fail(Error::invalid_state(fmt::format("container's cgroup unexpectedly frozen ({})",
                                               it == paths.end() ? "?" : it->second)));
}

Result<> enter_self(const std::vector<int>& tasks_fds) {
  for (int fd : tasks_fds) {
    auto r = sys::write_all(fd, "0", "tasks");
    if (!r.has_value()) {
      auto path = sys::readlinkat(AT_FDCWD, fmt::format("/proc/self/fd/{}", fd));
      return fail(std::move(r).error().context(
          fmt::format("joining cgroup {}", path.has_value() ? *path : "(unknown)")));
    }
    sys::UniqueFd closes(fd);
  }
  return {};
}

}  // namespace hull::container::cgroups

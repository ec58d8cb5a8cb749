// The systemd cgroup driver: a transient scope per container (see internal/systemd.h).
#include "container/cgroups/internal/systemd.h"

#include <sys/stat.h>

#include "base/strings.h"
#include "container/cgroups/internal/drivers.h"
#include "container/cgroups/systemd_unit.h"
#include "sys/file.h"

namespace hull::container::cgroups {

using base::Error;
using base::fail;
using internal::Placement;

namespace {

// sd_booted(3): systemd is PID 1 when /run/systemd/system is a directory.
bool is_running_systemd() {
  auto st = sys::fstatat(AT_FDCWD, "/run/systemd/system", AT_SYMLINK_NOFOLLOW);
  return st.has_value() && S_ISDIR(st->st_mode);
}

// The cgroupfs driver on the scope's directories: `rel` below each hierarchy.
std::unique_ptr<Manager> fs_manager(const CgroupLayout& layout, const std::string& rel) {
  auto join = [](const std::string& mp, const std::string& r) { return mp == "/" ? r : mp + r; };
  if (layout.mode() == Mode::V2)
    return internal::make_v2(Placement{join(*layout.unified, rel), *layout.unified});
  std::map<std::string, Placement> placements;
  for (const auto& [controller, mp] : layout.v1)
    placements[controller] = Placement{join(mp, rel), mp};
  if (layout.unified) placements[""] = Placement{join(*layout.unified, rel), *layout.unified};
  return internal::make_v1(std::move(placements));
}

// The path of `pid` in the cgroup2 hierarchy ("0::/system.slice/x.scope"), or in the v1
// hierarchy systemd tracks with when there is no cgroup2 ("name=systemd").
Result<std::string> cgroup_of(pid_t pid) {
  std::string text = TRY(sys::read_file("/proc/" + std::to_string(pid) + "/cgroup"));
  std::string tracked;
  for (std::string_view line : base::split(text, '\n')) {
    if (line.starts_with("0::")) return std::string(line.substr(3));
    size_t at = line.find(":name=systemd:");
    if (at != std::string_view::npos) tracked = std::string(line.substr(at + 14));
  }
  if (!tracked.empty()) return tracked;
  return fail(Error::not_found("/proc/" + std::to_string(pid) + "/cgroup names no systemd cgroup"));
}

// Whether `r` holds a field whose systemd property depends on systemd's version.
bool needs_version(const Resources& r) {
  if (r.cpu && (r.cpu->period.value_or(0) != 0 || !r.cpu->cpus.empty() || !r.cpu->mems.empty() ||
                r.cpu->idle.has_value()))
    return true;
  for (const char* key : {"cpu.max", "cpu.idle", "cpuset.cpus", "cpuset.mems"})
    if (r.unified.count(key)) return true;
  return false;
}

}  // namespace

Result<std::unique_ptr<Manager>> Manager::create_systemd(const std::string& cgroups_path,
                                                         const std::string& id, bool rootless) {
  if (!is_running_systemd())
    return fail(
        Error::unsupported("systemd not running on this host, cannot use systemd cgroups manager"));
  SystemdUnitName name = TRY(parse_systemd_cgroups_path(cgroups_path, id, rootless));
  std::string rel = TRY(systemd_unit_cgroup(name));
  CgroupLayout layout = TRY(detect_cgroup_layout());
  std::optional<SystemdBus> bus;
  if (rootless) {
    if (layout.mode() != Mode::V2)
      return fail(
          Error::unsupported("the systemd cgroup driver needs cgroup v2 for a rootless container"));
    // The user's manager runs below its own cgroup
    // ("/user.slice/user-1000.slice/user@1000.service"); its slices are relative to that.
    bus = TRY(SystemdBus::connect(SystemdBus::Instance::User));
    rel = TRY(bus->manager_property("ControlGroup")) + rel;
  }
  return std::unique_ptr<Manager>(std::make_unique<internal::SystemdManager>(
      name.unit, name.slice, rootless, fs_manager(layout, rel), std::move(bus)));
}

namespace internal {

std::unique_ptr<Manager> make_systemd(const SystemdScope& scope, std::unique_ptr<Manager> fs) {
  return std::make_unique<SystemdManager>(scope.unit, std::string(), scope.user, std::move(fs),
                                          std::nullopt);
}

Result<SystemdBus*> SystemdManager::bus() {
  if (!m_bus)
    m_bus = TRY(
        SystemdBus::connect(m_user ? SystemdBus::Instance::User : SystemdBus::Instance::System));
  return &*m_bus;
}

Result<> SystemdManager::create_dirs() {
  return fail(Error::unsupported("the systemd cgroup driver creates " + m_unit +
                                 " around the container's first process (apply)"));
}

Result<> SystemdManager::apply(pid_t pid) {
  SystemdBus* b = TRY(bus());
  bool v2 = mode() == Mode::V2;
  // runc's properties: the scope in its slice, delegated (the container may manage the cgroups
  // below), with accounting on so that every statistic is there without a limit, and no default
  // dependencies (which would order it after basic.target and stop it at shutdown's start).
  std::vector<UnitProperty> props = {
      {"Description", std::string("hull container ") + m_unit},
      {"Slice", m_slice},
      {"Delegate", true},
      {"PIDs", std::vector<uint32_t>{static_cast<uint32_t>(pid)}},
      {"MemoryAccounting", true},
      {"CPUAccounting", true},
      {v2 ? "IOAccounting" : "BlockIOAccounting", true},
      {"TasksAccounting", true},
      {"DefaultDependencies", false},
  };
  TRY(b->start_transient_unit(m_unit, props)
          .map_error(base::context("starting the systemd scope " + m_unit)));
  // systemd decides where the scope lives: trust /proc over the computed path, and run the
  // cgroupfs driver there.
  std::string expected = m_fs->paths().paths.begin()->second;
  std::string actual = TRY(cgroup_of(pid));
  if (v2) {
    auto layout = TRY(detect_cgroup_layout());
    std::string at = *layout.unified + actual;
    if (at != expected) m_fs = make_v2(Placement{at, *layout.unified});
    // Controllers systemd does not manage (hugetlb, rdma, misc, cpuset without AllowedCPUs)
    // are enabled down to the scope, as runc's fs2.CreateCgroupPath does.
    return m_fs->create_dirs();
  }
  // v1: systemd made the scope in the hierarchies it manages; the cgroupfs driver makes it in
  // the others (freezer, net_cls, ...) and moves the process there too.
  if (!expected.ends_with(actual))
    return fail(Error::invalid_state("systemd placed " + m_unit + " at " + actual + ", not at " +
                                     expected));
  return m_fs->apply(pid);
}

Result<> SystemdManager::set(const Resources& r) {
  Resources adjusted = r;
  // Lowering memory.max below the usage would OOM-kill (and stop) the scope before the check
  // in the cgroupfs driver runs: check first, as runc does.
  if (r.memory && r.memory->check_before_update.value_or(false) &&
      r.memory->limit.value_or(0) > 0) {
    Stats s = TRY(m_fs->stats());
    auto limit = static_cast<uint64_t>(*r.memory->limit);
    if (limit < s.memory.usage.usage)
      return fail(Error::invalid("linux.resources.memory.limit: " + std::to_string(limit) +
                                 " is below the current usage " +
                                 std::to_string(s.memory.usage.usage) + " (checkBeforeUpdate)"));
  }
  SystemdBus* b = TRY(bus());
  int version = needs_version(r) ? TRY(b->version()) : INT32_MAX;
  std::vector<UnitProperty> props = TRY(mode() == Mode::V2 ? v2_unit_properties(adjusted, version)
                                                           : v1_unit_properties(adjusted, version));
  if (!props.empty())
    TRY(b->set_unit_properties(m_unit, props)
            .map_error(base::context("setting the properties of " + m_unit)));
  return m_fs->set(adjusted);
}

Result<> SystemdManager::destroy() {
  SystemdBus* b = TRY(bus());
  TRY(b->stop_unit(m_unit).map_error(base::context("stopping the systemd scope " + m_unit)));
  // What systemd leaves: sub-cgroups the container made, v1 hierarchies systemd does not manage.
  return m_fs->destroy();
}

}  // namespace internal
}  // namespace hull::container::cgroups

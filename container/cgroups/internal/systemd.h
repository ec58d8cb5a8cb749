// The systemd cgroup driver (--systemd-cgroup), runc's libcontainer/cgroups/systemd: the
// container's cgroup is a transient scope that systemd creates around the container's first
// process, with Delegate=yes so that the container owns what is below it. Resources systemd
// knows are set as unit properties (systemd re-applies them itself), then everything is written
// to cgroupfs by the cgroupfs driver of this host (v2, or v1/hybrid), which also does freezing,
// statistics and notifications on the scope's directories.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "container/cgroups/cgroups.h"
#include "container/cgroups/systemd_bus.h"

namespace hull::container::cgroups::internal {

class SystemdManager final : public Manager {
 public:
  // `unit`: the scope ("hull-web.scope"); `slice`: its parent (empty when loaded from state,
  // where only the unit is needed); `fs`: the cgroupfs driver on the scope's directories.
  SystemdManager(std::string unit, std::string slice, bool user, std::unique_ptr<Manager> fs,
                 std::optional<SystemdBus> bus)
      : m_unit(std::move(unit)),
        m_slice(std::move(slice)),
        m_user(user),
        m_fs(std::move(fs)),
        m_bus(std::move(bus)) {}

  Mode mode() const override { return m_fs->mode(); }
  bool needs_process() const override { return true; }
  Result<> apply(pid_t pid) override;
  Result<> create_dirs() override;
  Result<Entry> entry() const override { return m_fs->entry(); }
  Result<> destroy() override;
  Result<std::vector<pid_t>> pids() override { return m_fs->pids(); }
  CgroupPaths paths() const override { return m_fs->paths(); }
  SystemdScope systemd_scope() const override { return SystemdScope{m_unit, m_user}; }
  bool exists() const override { return m_fs->exists(); }
  Result<> set(const Resources& r) override;
  Result<> freeze() override { return m_fs->freeze(); }
  Result<> thaw() override { return m_fs->thaw(); }
  Result<FreezerState> freezer_state() override { return m_fs->freezer_state(); }
  Result<Stats> stats() override { return m_fs->stats(); }
  Result<EventNotifier> notify_oom() override { return m_fs->notify_oom(); }
  Result<EventNotifier> notify_memory_pressure(PressureLevel level) override {
    return m_fs->notify_memory_pressure(level);
  }

 private:
  // Connects on first use: loading a container (exec, stats, pause) never talks to systemd.
  Result<SystemdBus*> bus();

  std::string m_unit;
  std::string m_slice;
  bool m_user;
  std::unique_ptr<Manager> m_fs;
  std::optional<SystemdBus> m_bus;
};

// The driver over `fs` for a container loaded from its saved paths.
std::unique_ptr<Manager> make_systemd(const SystemdScope& scope, std::unique_ptr<Manager> fs);

}  // namespace hull::container::cgroups::internal

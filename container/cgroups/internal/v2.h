// The cgroup v2 driver: one directory in the unified hierarchy.
#pragma once

#include <string>

#include "container/cgroups/cgroups.h"
#include "container/cgroups/internal/drivers.h"

namespace hull::container::cgroups::internal {

// io.stat -> runc's Read/Write entries (exposed for fixture tests).
void parse_io_stat(std::string_view text, BlkioStats& out);

class V2Manager final : public Manager {
 public:
  explicit V2Manager(Placement placement) : m_placement(std::move(placement)) {}

  Mode mode() const override { return Mode::V2; }
  Result<> apply(pid_t pid) override;
  Result<> create_dirs() override;
  Result<Entry> entry() const override;
  Result<> destroy() override;
  Result<std::vector<pid_t>> pids() override;
  CgroupPaths paths() const override { return CgroupPaths{{{"", m_placement.path}}}; }
  bool exists() const override;
  Result<> set(const Resources& r) override;
  Result<> freeze() override;
  Result<> thaw() override;
  Result<FreezerState> freezer_state() override;
  Result<Stats> stats() override;
  Result<EventNotifier> notify_oom() override;
  Result<EventNotifier> notify_memory_pressure(PressureLevel level) override;

 private:
  Result<CgroupDir> open() const { return CgroupDir::open(m_placement.path); }

  Placement m_placement;
};

}  // namespace hull::container::cgroups::internal

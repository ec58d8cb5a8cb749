// The cgroup v1 driver (with the cgroup2 directory of a hybrid host under the "" key).
#pragma once

#include <map>
#include <set>
#include <string>

#include "container/cgroups/cgroups.h"
#include "container/cgroups/internal/drivers.h"

namespace hull::container::cgroups::internal {

class V1Manager final : public Manager {
 public:
  explicit V1Manager(std::map<std::string, Placement> placements);

  Mode mode() const override { return m_placements.count("") ? Mode::Hybrid : Mode::V1; }
  Result<> apply(pid_t pid) override;
  Result<> create_dirs() override;
  Result<Entry> entry() const override;
  Result<> destroy() override;
  Result<std::vector<pid_t>> pids() override;
  CgroupPaths paths() const override;
  bool exists() const override;
  Result<> set(const Resources& r) override;
  Result<> freeze() override;
  Result<> thaw() override;
  Result<FreezerState> freezer_state() override;
  Result<Stats> stats() override;
  Result<EventNotifier> notify_oom() override;
  Result<EventNotifier> notify_memory_pressure(PressureLevel level) override;

 private:
  // The directory of `controller`; Unsupported when that controller is not mounted.
  Result<CgroupDir> open(const std::string& controller) const;
  bool has(const std::string& controller) const { return m_placements.count(controller) > 0; }
  // The directory used for pids(), exists() and the freezer-independent reads.
  const Placement& primary() const;
  void fill_mountpoints();

  std::map<std::string, Placement> m_placements;
  // Distinct directories (co-mounted controllers share one) -> their controllers.
  std::map<std::string, std::set<std::string>> m_dirs;
};

}  // namespace hull::container::cgroups::internal

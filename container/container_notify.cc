// Container::notify_oom / notify_memory_pressure: cgroup event fds for a live container.
#include "container/cgroups/cgroups.h"
#include "container/container.h"
#include "container/internal/cgroup_manager.h"

namespace hull::container {

using base::Error;
using base::fail;

namespace {

Result<std::unique_ptr<cgroups::Manager>> live_manager(const State& s, Status status) {
  if (status == Status::Stopped)
    return fail(Error::invalid_state(fmt::format("container with id {} is not running", s.id)));
  if (s.cgroup_paths.empty())
    return fail(Error::unsupported(fmt::format("container \"{}\" has no cgroup", s.id)));
  return load_cgroup_manager(s);
}

}  // namespace

Result<cgroups::EventNotifier> Container::notify_oom() const {
  auto ctx = base::context(fmt::format("OOM notifier of \"{}\"", m_state.id));
  Status s = TRY(status());
  auto cg = TRY(live_manager(m_state, s).map_error(ctx));
  return cg->notify_oom().map_error(ctx);
}

Result<cgroups::EventNotifier> Container::notify_memory_pressure(
    cgroups::PressureLevel level) const {
  auto ctx = base::context(fmt::format("{} memory pressure notifier of \"{}\"",
                                       cgroups::pressure_level_name(level), m_state.id));
  Status s = TRY(status());
  auto cg = TRY(live_manager(m_state, s).map_error(ctx));
  return cg->notify_memory_pressure(level).map_error(ctx);
}

}  // namespace hull::container

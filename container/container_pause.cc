// Container::pause / resume through the cgroup freezer (v1 freezer.state, v2 cgroup.freeze).
#include "container/cgroups/cgroups.h"
#include "container/container.h"
#include "container/internal/cgroup_manager.h"
#include "container/internal/operation.h"

namespace hull::container {

using base::Error;
using base::fail;

namespace {

Result<std::unique_ptr<cgroups::Manager>> manager(const State& s) {
  if (s.cgroup_paths.empty())
    return fail(Error::unsupported("the container has no cgroup to freeze"));
  return load_cgroup_manager(s);
}

}  // namespace

bool Container::is_paused() const {
  auto cg = manager(m_state);
  if (!cg.has_value()) return false;
  auto st = (*cg)->freezer_state();
  return st.has_value() && *st != cgroups::FreezerState::Thawed;
}

Result<> Container::pause() {
  return in_operation("pause", id(), [&]() -> Result<> {
    TRY(require_status({Status::Running, Status::Created}, "container not running"));
    auto cg = TRY(manager(m_state));
    return cg->freeze();
  });
}

Result<> Container::resume() {
  return in_operation("resume", id(), [&]() -> Result<> {
    TRY(require_status({Status::Paused}, "container not paused"));
    auto cg = TRY(manager(m_state));
    return cg->thaw();
  });
}

}  // namespace hull::container

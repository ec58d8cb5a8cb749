// Container::pause / resume through the cgroup freezer (v1 freezer.state, v2 cgroup.freeze).
#include "container/cgroups/cgroups.h"
#include "container/internal/cgroup_manager.h"
#include "container/container.h"

namespace hull::container {

using base::Error;
using base::fail;

namespace {

Result<std::unique_ptr<cgroups::Manager>> manager(const State& s) {
  if (s.cgroup_paths.empty())
    return fail(Error::unsupported(fmt::format("container \"{}\" has no cgroup to freeze", s.id)));
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
  TRY(require_status("pause", {Status::Running, Status::Created}, "container not running"));
  auto cg = TRY(manager(m_state));
  return cg->freeze().map_error(base::context(fmt::format("pause \"{}\"", m_state.id)));
}

Result<> Container::resume() {
  TRY(require_status("resume", {Status::Paused}, "container not paused"));
  auto cg = TRY(manager(m_state));
  return cg->thaw().map_error(base::context(fmt::format("resume \"{}\"", m_state.id)));
}

}  // namespace hull::container

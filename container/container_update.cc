// Container::update: new cgroup limits for a live container (runc's update), written to the
// cgroup first and then recorded in state.json's config, so a failed write changes no record.
#include <fmt/format.h>

#include "container/cgroups/cgroups.h"
#include "container/container.h"
#include "container/internal/cgroup_manager.h"
#include "container/internal/operation.h"
#include "container/resources.h"
#include "sys/file.h"

namespace hull::container {

using base::Error;
using base::fail;

Result<> Container::update(const Resources& request) {
  return in_operation("update", id(), [&] { return update_resources(request); });
}

Result<> Container::update_resources(const Resources& request) {
  Status s = TRY(status());
  if (s == Status::Stopped) return fail(Error::invalid_state("container not running"));
  if (m_state.cgroup_paths.empty()) return fail(Error::unsupported("the container has no cgroup"));
  Resources change = drop_zero_limits(request);
  // runc's update never touches device rules; an empty list tells set() to leave them alone.
  change.devices.clear();
  const Resources old =
      m_config->linux && m_config->linux->resources ? *m_config->linux->resources : Resources{};
  Resources merged = merge_resources(old, change);

  auto cg = TRY(load_cgroup_manager(m_state));
  if (auto r = cg->set(change); !r.has_value()) {
    // Put back what the config says, as runc does; the first error is the one to report.
    Resources restore = old;
    restore.devices.clear();
    (void)cg->set(restore);
    return fail(std::move(r).error());
  }

  std::string config = TRY(replace_resources(m_state.config_json, merged));
  State next = m_state;
  next.config_json = std::move(config);
  TRY(sys::write_file_atomic(m_dir_fd, "state.json", serialize_state(next)));
  m_state = std::move(next);
  if (!m_config->linux) m_config->linux.emplace();
  m_config->linux->resources = std::move(merged);
  return {};
}

}  // namespace hull::container

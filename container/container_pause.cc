// Container::pause / resume through the cgroup freezer.
#include "container/cgroups/cgroups.h"
#include "container/container.h"

namespace hull::container {

using base::Error;
using base::fail;

bool Container::is_paused() const { return false; }

Result<> Container::pause() {
  return fail(Error::unsupported("pause: the freezer is not wired up yet"));
}

Result<> Container::resume() {
  return fail(Error::unsupported("resume: the freezer is not wired up yet"));
}

}  // namespace hull::container

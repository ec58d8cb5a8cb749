// hull pause ID: freezes the container's cgroup.
#include "cli/command.h"

namespace hull::cli {
namespace {

Result<int> pause(Globals& g, const Args& a) {
  container::Container c = TRY(load_container(g, a));
  TRY(c.pause());
  return 0;
}

const Registration kPause({
    .name = "pause",
    .usage = "hull pause ID\n  Suspend all processes inside the container.",
    .flags = {},
    .interspersed = false,
    .run = pause,
});

}  // namespace
}  // namespace hull::cli

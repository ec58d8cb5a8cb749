// hull resume ID: thaws a paused container.
#include "cli/command.h"

namespace hull::cli {
namespace {

Result<int> resume(Globals& g, const Args& a) {
  container::Container c = TRY(load_container(g, a));
  TRY(c.resume());
  return 0;
}

const Registration kResume({
    .name = "resume",
    .usage = "hull resume ID\n  Resume all processes that were previously paused.",
    .flags = {},
    .interspersed = false,
    .run = resume,
});

}  // namespace
}  // namespace hull::cli

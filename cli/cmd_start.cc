// hull start ID: created -> running.
#include "cli/command.h"

namespace hull::cli {
namespace {

Result<int> start(Globals& g, const Args& a) {
  container::Container c = TRY(load_container(g, a));
  TRY(c.start());
  return 0;
}

const Registration kStart({
    .name = "start",
    .usage = "hull start ID\n  Execute the user process in a created container.",
    .flags = {},
    .interspersed = false,
    .run = start,
});

}  // namespace
}  // namespace hull::cli

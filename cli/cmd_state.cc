// hull state ID: the OCI state JSON.
#include "cli/command.h"

namespace hull::cli {
namespace {

Result<int> state(Globals& g, const Args& a) {
  container::Container c = TRY(load_container(g, a));
  fmt::print("{}\n", TRY(c.oci_state(true)));
  return 0;
}

const Registration kState({
    .name = "state",
    .usage = "hull state ID\n  Output the state of a container (OCI state JSON).",
    .flags = {},
    .interspersed = false,
    .run = state,
});

}  // namespace
}  // namespace hull::cli

// hull create ID: a container from a bundle, its process waiting for `hull start`.
#include "cli/command.h"
#include "cli/create_flags.h"

namespace hull::cli {
namespace {

Result<int> create(Globals& g, const Args& a) {
  container::CreateOptions o = TRY(create_options(g, a));
  TRY(container::Container::create(o));
  return 0;
}

const Registration kCreate({
    .name = "create",
    .usage =
        "hull create [--bundle DIR] [--console-socket PATH] [--pid-file F] [--preserve-fds N]\n"
        "            [--no-pivot] [--no-new-keyring] ID\n"
        "  Create a container; its process waits for `hull start`.",
    .flags = with_flags(kCreateFlags, {}),
    .interspersed = false,
    .run = create,
});

}  // namespace
}  // namespace hull::cli

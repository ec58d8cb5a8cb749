// hull features: what this build supports, as the runtime-spec's features document (runc's
// `runc features`).
#include "cli/args.h"
#include "cli/commands.h"
#include "container/features.h"

namespace hull::cli {

Result<int> cmd_features(Globals& g, Argv argv) {
  (void)g;
  Args a = TRY(parse_args(argv, {}));
  if (!a.positional().empty())
    return base::fail(base::Error::invalid(
        fmt::format("features: unexpected argument \"{}\"", a.positional()[0])));
  fmt::print("{}\n", container::features_json(kHullVersion));
  return 0;
}

}  // namespace hull::cli

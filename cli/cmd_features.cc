// hull features: what this build supports, as the runtime-spec's features document (runc's
// `runc features`).
#include "cli/command.h"
#include "container/features.h"

namespace hull::cli {
namespace {

Result<int> features(Globals&, const Args& a) {
  if (!a.positional().empty())
    return base::fail(base::Error::invalid(
        fmt::format("features: unexpected argument \"{}\"", a.positional()[0])));
  fmt::print("{}\n", container::features_json(kHullVersion));
  return 0;
}

const Registration kFeatures({
    .name = "features",
    .usage = "hull features\n"
             "  Show what this build of hull supports (the OCI runtime features document, JSON).",
    .flags = {},
    .interspersed = false,
    .run = features,
});

}  // namespace
}  // namespace hull::cli

// The flags `hull checkpoint` and `hull restore` share, as runc has them, and the one struct they
// fill (container::CriuCommonOptions, which criu_request turns into criu's request).
#pragma once

#include "cli/args.h"
#include "cli/command.h"
#include "container/container.h"

namespace hull::cli {

inline constexpr FlagSpec kCriuFlags[] = {
    {"image-path", "", true},   {"work-path", "", true},           {"tcp-established", "", false},
    {"ext-unix-sk", "", false}, {"shell-job", "", false},          {"file-locks", "", false},
    {"lazy-pages", "", false},  {"manage-cgroups-mode", "", true}, {"empty-ns", "", true},
    {"auto-dedup", "", false},
};

// The shared options from kCriuFlags and the global --criu. The image path defaults to
// ./checkpoint (runc's); --empty-ns takes only "network", the one namespace criu can leave out.
Result<container::CriuCommonOptions> criu_options(const Globals& g, const Args& a);

}  // namespace hull::cli

// The flags `hull create` and `hull run` share (runc's), and the CreateOptions they make.
#pragma once

#include "cli/args.h"
#include "cli/command.h"
#include "container/container.h"

namespace hull::cli {

// --detach and --keep matter to `run` only; `create` accepts them as runc's create ignores them.
inline constexpr FlagSpec kCreateFlags[] = {
    {"bundle", "b", true},       {"console-socket", "", true},  {"pid-file", "", true},
    {"no-pivot", "", false},     {"no-new-keyring", "", false}, {"preserve-fds", "", true},
    {"detach", "d", false},      {"keep", "", false},           {"no-subreaper", "", false},
    {"notify-socket", "", true},
};

// The options of the container named by the one positional argument. LISTEN_FDS in hull's
// environment (socket activation) passes on to the container, as with runc.
Result<container::CreateOptions> create_options(const Globals& g, const Args& a);

}  // namespace hull::cli

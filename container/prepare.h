// The parent's work before init exists: everything about the process and the rootfs that can be
// checked and computed from the config, so a bad config fails with nothing to clean up and init
// (container/init/) only applies results.
#pragma once

#include "base/result.h"
#include "container/config.h"
#include "container/init/plan.h"

namespace hull::container {

// Resolves and validates `p` (rlimits, capabilities, scheduler, ioPriority, execCPUAffinity, LSM
// labels) and the config's personality, seccomp profile (compiled to BPF) and sysctls; checks
// mounts over /proc and the rootfs settings (check_rootfs_config). Errors name the JSON path.
base::Result<PreparedProcess> prepare_process(const Config& cfg, const Process& p);

// What the rootfs code refuses before clone: an unknown rootfsPropagation; maskedPaths or
// readonlyPaths without a mount namespace (runc's wording).
base::Result<> check_rootfs_config(const Config& cfg);

}  // namespace hull::container

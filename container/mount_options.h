// Splits an OCI mount's options into what the new mount API needs: MOUNT_ATTR_* bits to set and
// clear, a propagation type, bind/recursive, and filesystem options for fsconfig.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/result.h"
#include "container/config.h"

namespace hull::container {

struct MountOptions {
  bool bind = false;
  bool recursive = false;  // rbind, or a recursive propagation change
  uint64_t attr_set = 0;   // MOUNT_ATTR_*
  uint64_t attr_clr = 0;
  uint64_t propagation = 0;  // MS_PRIVATE, MS_SHARED, MS_SLAVE, MS_UNBINDABLE; 0 = unchanged
  bool propagation_recursive = false;
  std::vector<std::string> fs_options;  // for fsconfig: "mode=755", "newinstance"
  bool idmap = false, ridmap = false;   // container/idmapped_mounts.h
};

// `type` "bind" or a "bind"/"rbind" option makes a bind mount.
base::Result<MountOptions> parse_mount_options(const Mount& m);

// Every option parse_mount_options understands itself (sorted); anything else on a mount that is
// not a bind mount goes to the filesystem (fsconfig). For `hull features`.
std::vector<std::string> known_mount_options();

}  // namespace hull::container

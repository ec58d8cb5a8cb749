// Idmapped bind mounts: the "idmap"/"ridmap" mount options, or a mount's own uidMappings and
// gidMappings (which imply "idmap", as in runc).
//
// MOUNT_ATTR_IDMAP needs CAP_SYS_ADMIN over the user namespace of the source's filesystem, which
// init lacks once it is in a new user namespace. So the parent builds every idmapped tree on the
// host (open_tree clone, idmap, the mount's attributes) and sends it to init before the bootstrap
// message (kMsgMountTree, container/init.h); init attaches it where the mount goes.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <vector>

#include "base/result.h"
#include "container/config.h"
#include "container/mount_options.h"
#include "sys/unique_fd.h"

namespace hull::container {

// `o` is parse_mount_options(m).
bool is_idmapped(const Mount& m, const MountOptions& o);

// Refuses, naming .mounts[i], what cannot work: idmap on a mount that is not a bind mount, only
// one of uidMappings/gidMappings, no mappings when the container has no new user namespace to
// take them from, or a caller without privilege (rootless).
base::Result<> check_idmapped_mounts(const Config& cfg, bool new_userns, bool rootless);

struct IdmappedTree {
  size_t mount_index = 0;  // in Config::mounts
  sys::UniqueFd tree;      // detached, idmapped, attributes set; init sets the propagation
};
// Every idmapped tree, in Config::mounts order. Sources resolve against the cwd (the bundle, as
// for other bind mounts); a mount without mappings takes the user namespace of `init_pid`.
base::Result<std::vector<IdmappedTree>> build_idmapped_trees(const Config& cfg, pid_t init_pid);

}  // namespace hull::container

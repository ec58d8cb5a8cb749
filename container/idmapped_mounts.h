// Idmapped bind mounts: the "idmap"/"ridmap" mount options, or a mount's own uidMappings and
// gidMappings (which imply "idmap", as in runc).
//
// MOUNT_ATTR_IDMAP needs CAP_SYS_ADMIN over the user namespace of the source's filesystem, which
// init lacks once it is in a new user namespace. So the parent builds every idmapped tree on the
// host (container/mount_trees.h) and init attaches it where the mount goes.
#pragma once

#include "base/result.h"
#include "container/config.h"
#include "container/mount_options.h"

namespace hull::container {

// `o` is parse_mount_options(m).
bool is_idmapped(const Mount& m, const MountOptions& o);

// Refuses, naming .mounts[i], what cannot work: idmap on a mount that is not a bind mount, only
// one of uidMappings/gidMappings, no mappings when the container has no new user namespace to
// take them from, or a caller without privilege (rootless).
base::Result<> check_idmapped_mounts(const Config& cfg, bool new_userns, bool rootless);

}  // namespace hull::container

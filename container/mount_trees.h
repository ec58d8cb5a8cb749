// Bind trees the parent builds on the host and sends to init (kMsgMountTree, container/init.h),
// which attaches each where its mount goes:
// - every idmapped bind (container/idmapped_mounts.h): MOUNT_ATTR_IDMAP needs CAP_SYS_ADMIN over
//   the user namespace of the source's filesystem, which init in a new user namespace lacks;
// - with `all_binds`, every other bind too: init in a user namespace is only the mapped root, and
//   a source its host uid cannot reach (a 0700 directory on the way) fails with EACCES there.
//   runc opens these sources in its parent as well. A rootless parent cannot clone mounts at all,
//   so it leaves them to init.
// Sources are opened with open_bind_source (container/rootfs_path.h): a symlink inside the rootfs
// cannot lead the privileged parent out of it.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <string>
#include <vector>

#include "base/result.h"
#include "container/config.h"
#include "container/mount_options.h"
#include "sys/unique_fd.h"

namespace hull::container {

// Whether the parent builds this mount's tree (and init only attaches it).
bool built_by_parent(const Mount& m, const MountOptions& o, bool all_binds);

struct MountTree {
  size_t mount_index = 0;  // in Config::mounts
  sys::UniqueFd tree;      // detached; idmapped if asked, attributes set; init sets propagation
};

// The trees, in Config::mounts order. A mount without mappings takes the user namespace of
// `init_pid`. Each tree gets the propagation a clone made inside the container's namespace would
// have after linux.rootfsPropagation (rslave by default), so that a shared host source does not
// make the container's mounts under it reach the host unless rshared is asked for.
base::Result<std::vector<MountTree>> build_mount_trees(const Config& cfg, pid_t init_pid,
                                                       const std::string& rootfs, bool all_binds);

}  // namespace hull::container

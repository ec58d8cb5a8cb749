// Splits an OCI mount's options into what the new mount API needs: MOUNT_ATTR_* bits to set and
// clear, a propagation type, bind/recursive, and filesystem options for fsconfig.
#pragma once

#include <cstdint>
#include <string>
#include <tuple>
#include <vector>

#include "base/result.h"
#include "base/wire.h"
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
  HULL_WIRE_FIELDS(bind, recursive, attr_set, attr_clr, propagation, propagation_recursive,
                   fs_options, idmap, ridmap)
};

// `type` "bind" or a "bind"/"rbind" option makes a bind mount.
base::Result<MountOptions> parse_mount_options(const Mount& m);

// A mount created writable and made read-only only at the end (finalize_rootfs), as runc does: a
// read-only tmpfs, or a read-only filesystem on /dev, still needs mount points, device nodes and
// links made in it. Bind mounts are read-only from the start.
bool is_read_only_later(const Mount& m, const MountOptions& o);

struct Propagation {
  uint64_t type = 0;  // MS_SLAVE, MS_PRIVATE, MS_SHARED or MS_UNBINDABLE
  bool recursive = false;
  unsigned long mount_flags() const;  // for mount(2): the type, | MS_REC if recursive
};
// linux.rootfsPropagation: a propagation option's name, or "" for runc's default, rslave. An
// unknown name is an InvalidArgument error naming the field.
base::Result<Propagation> parse_rootfs_propagation(const std::string& name);

// Every option parse_mount_options understands itself (sorted); anything else on a mount that is
// not a bind mount goes to the filesystem (fsconfig). For `hull features`.
std::vector<std::string> known_mount_options();

}  // namespace hull::container

#include "container/mount_trees.h"

#include <fcntl.h>

#include <map>
#include <string>
#include <utility>

#include "container/idmapped_mounts.h"
#include "container/mount_options.h"
#include "container/rootfs_path.h"
#include "sys/file.h"
#include "sys/mount.h"
#include "sys/userns.h"

namespace hull::container {

using base::Result;
using sys::UniqueFd;

namespace {

std::string id_map(const std::vector<IdMapping>& m) {
  std::string out;
  for (const auto& x : m) out += fmt::format("{} {} {}\n", x.container_id, x.host_id, x.size);
  return out;
}

}  // namespace

bool built_by_parent(const Mount& m, const MountOptions& o, bool all_binds) {
  return is_idmapped(m, o) || (all_binds && o.bind);
}

Result<std::vector<MountTree>> build_mount_trees(const Config& cfg, pid_t init_pid,
                                                 const std::string& rootfs, bool all_binds) {
  std::vector<MountTree> out;
  Propagation root = TRY(parse_rootfs_propagation(cfg.linux ? cfg.linux->rootfs_propagation : ""));
  std::map<std::string, UniqueFd> userns_by_maps;  // mounts with the same mappings share one
  for (size_t i = 0; i < cfg.mounts.size(); ++i) {
    const Mount& m = cfg.mounts[i];
    MountOptions o = TRY(parse_mount_options(m));
    if (!built_by_parent(m, o, all_binds)) continue;
    bool idmapped = is_idmapped(m, o);
    std::string what = fmt::format("bind {} on {}", m.source, m.destination);
    const auto in_mount = base::context(fmt::format(".mounts[{}]", i));
    UniqueFd source =
        TRY(open_bind_source(m.source, rootfs).map_error(base::context(what)).map_error(in_mount));
    UniqueFd tree = TRY(sys::open_tree_clone(source, "", o.recursive, what).map_error(in_mount));
    if (idmapped) {
      std::string uid_map = id_map(m.uid_mappings), gid_map = id_map(m.gid_mappings);
      std::string key = uid_map + "/" + gid_map;
      auto it = userns_by_maps.find(key);
      if (it == userns_by_maps.end()) {
        UniqueFd ns =
            m.uid_mappings.empty()
                ? TRY(sys::open(fmt::format("/proc/{}/ns/user", init_pid), O_RDONLY)
                          .map_error(in_mount))
                : TRY(sys::make_userns(uid_map, gid_map)
                          .map_error(base::context(fmt::format(
                              ".mounts[{}].uidMappings/gidMappings: a user namespace for them",
                              i))));
        it = userns_by_maps.emplace(key, std::move(ns)).first;
      }
      TRY(sys::mount_setattr_idmap(tree, it->second, o.ridmap, "idmapped " + what)
              .map_error(in_mount));
    }
    if (o.attr_set != 0 || o.attr_clr != 0)
      TRY(sys::mount_setattr(tree, "", o.attr_set, o.attr_clr, 0, o.recursive, what)
              .map_error(in_mount));
    // Cloned from the host's namespace, where the source may be shared with the host; a
    // non-recursive rootfsPropagation changes only / in the container, not the source's mount.
    if (root.recursive)
      TRY(sys::mount_setattr(tree, "", 0, 0, root.type, true, what).map_error(in_mount));
    out.push_back({i, std::move(tree)});
  }
  return out;
}

}  // namespace hull::container

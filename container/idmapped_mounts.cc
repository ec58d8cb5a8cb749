#include "container/idmapped_mounts.h"

#include <fcntl.h>

#include <map>
#include <string>
#include <utility>

#include "sys/file.h"
#include "sys/mount.h"
#include "sys/userns.h"

namespace hull::container {

using base::Error;
using base::fail;
using base::Result;
using sys::UniqueFd;

namespace {

std::string id_map(const std::vector<IdMapping>& m) {
  std::string out;
  for (const auto& x : m) out += fmt::format("{} {} {}\n", x.container_id, x.host_id, x.size);
  return out;
}

}  // namespace

bool is_idmapped(const Mount& m, const MountOptions& o) {
  return o.idmap || !m.uid_mappings.empty() || !m.gid_mappings.empty();
}

Result<> check_idmapped_mounts(const Config& cfg, bool new_userns, bool rootless) {
  for (size_t i = 0; i < cfg.mounts.size(); ++i) {
    const Mount& m = cfg.mounts[i];
    MountOptions o = TRY(parse_mount_options(m));
    if (!is_idmapped(m, o)) continue;
    auto bad = [&](std::string_view why) {
      return fail(Error::invalid(fmt::format(".mounts[{}] ({}): {}", i, m.destination, why)));
    };
    if (!o.bind) return bad("id-mapped mounts are only supported for bind mounts");
    if (rootless) return bad("id-mapped mounts are not supported for rootless containers");
    if (m.uid_mappings.empty() != m.gid_mappings.empty())
      return bad("id-mapped mounts need both uidMappings and gidMappings");
    if (m.uid_mappings.empty() && !new_userns)
      return bad("an id-mapped mount without uidMappings/gidMappings takes the container's user "
                 "namespace, and the container has none");
  }
  return {};
}

Result<std::vector<IdmappedTree>> build_idmapped_trees(const Config& cfg, pid_t init_pid) {
  std::vector<IdmappedTree> out;
  std::map<std::string, UniqueFd> userns_by_maps;  // mounts with the same mappings share one
  for (size_t i = 0; i < cfg.mounts.size(); ++i) {
    const Mount& m = cfg.mounts[i];
    MountOptions o = TRY(parse_mount_options(m));
    if (!is_idmapped(m, o)) continue;
    std::string what = fmt::format("idmapped bind {} on {}", m.source, m.destination);
    const auto in_mount = base::context(fmt::format(".mounts[{}]", i));
    std::string uid_map = id_map(m.uid_mappings), gid_map = id_map(m.gid_mappings);
    std::string key = uid_map + "/" + gid_map;
    auto it = userns_by_maps.find(key);
    if (it == userns_by_maps.end()) {
      UniqueFd ns = m.uid_mappings.empty()
                        ? TRY(sys::open(fmt::format("/proc/{}/ns/user", init_pid), O_RDONLY)
                                  .map_error(in_mount))
                        : TRY(sys::make_userns(uid_map, gid_map)
                                  .map_error(base::context(fmt::format(
                                      ".mounts[{}].uidMappings/gidMappings: a user namespace for them", i))));
      it = userns_by_maps.emplace(key, std::move(ns)).first;
    }
    UniqueFd tree = TRY(sys::open_tree_clone(AT_FDCWD, m.source, o.recursive, what).map_error(in_mount));
    TRY(sys::mount_setattr_idmap(tree, it->second, o.ridmap, what).map_error(in_mount));
    if (o.attr_set != 0 || o.attr_clr != 0)
      TRY(sys::mount_setattr(tree, "", o.attr_set, o.attr_clr, 0, o.recursive, what).map_error(in_mount));
    out.push_back({i, std::move(tree)});
  }
  return out;
}

}  // namespace hull::container

#include "container/idmapped_mounts.h"

#include <string_view>

namespace hull::container {

using base::Error;
using base::fail;
using base::Result;

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
      return bad(
          "an id-mapped mount without uidMappings/gidMappings takes the container's user "
          "namespace, and the container has none");
  }
  return {};
}

}  // namespace hull::container

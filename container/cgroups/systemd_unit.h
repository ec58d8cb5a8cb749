// Where the systemd cgroup driver puts a container: runc's rules (docs/systemd.md there).
//   linux.cgroupsPath "slice:prefix:name" -> the scope "prefix-name.scope" in "slice";
//   an empty slice means system.slice (user.slice for a rootless container), "" means
//   ":hull:<id>". A slice "a-b-c.slice" nests: /a.slice/a-b.slice/a-b-c.slice, which is how
//   kubelet's pod slices (kubepods-besteffort-pod<uid>.slice) hold their containers' scopes.
#pragma once

#include <string>

#include "base/result.h"

namespace hull::container::cgroups {

struct SystemdUnitName {
  std::string slice;  // the parent slice, "system.slice"
  std::string unit;   // the container's scope, "hull-web.scope"
  bool operator==(const SystemdUnitName&) const = default;
};

// Parses linux.cgroupsPath for --systemd-cgroup. Errors (InvalidArgument, naming
// linux.cgroupsPath): not three ':'-separated parts (runc's wording), a part with '/', a slice
// that is not a valid slice name, a name ending in ".slice" (a slice cannot hold processes).
base::Result<SystemdUnitName> parse_systemd_cgroups_path(const std::string& cgroups_path,
                                                         const std::string& id, bool rootless);

// "a-b-c.slice" -> "/a.slice/a-b.slice/a-b-c.slice"; "-.slice" (the root slice) -> "".
// InvalidArgument for "", "x" (no .slice), "a--b.slice", "-a.slice", "a-.slice", "a/b.slice".
base::Result<std::string> expand_slice(const std::string& slice);

// The scope's cgroup directory relative to the systemd instance's root cgroup:
// expand_slice(slice) + "/" + unit.
base::Result<std::string> systemd_unit_cgroup(const SystemdUnitName& name);

}  // namespace hull::container::cgroups

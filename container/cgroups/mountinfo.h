// Where the cgroup hierarchies are mounted, from /proc/self/mountinfo. Pure parsing, so it is
// tested against fixtures of v1, hybrid and v2 hosts.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>

#include "base/result.h"
#include "base/wire.h"

namespace hull::container::cgroups {

using base::Result;

enum class Mode {
  V1,      // only cgroup v1 hierarchies
  Hybrid,  // v1 hierarchies plus one cgroup2 mount, e.g. at /sys/fs/cgroup/unified
  V2,      // only cgroup2 (the unified hierarchy)
};

struct CgroupLayout {
  // v1 controller ("cpu", "memory", "name=systemd") -> mount point. Co-mounted controllers
  // ("cpu,cpuacct") map to the same mount point. The first mount of a hierarchy wins.
  std::map<std::string, std::string> v1;
  // The cgroup2 mount point, if any.
  std::optional<std::string> unified;

  Mode mode() const;
  HULL_WIRE_FIELDS(v1, unified)
};

// Parses mountinfo(5) text. Mount points are unescaped (\040 -> ' '). An input without any cgroup
// mount is an error (kind NotFound).
Result<CgroupLayout> parse_cgroup_layout(std::string_view mountinfo);
// parse_cgroup_layout of /proc/self/mountinfo.
Result<CgroupLayout> detect_cgroup_layout();

// The cgroup path (relative to each hierarchy's root) for linux.cgroupsPath: "" -> "/hull/<id>";
// a relative path is taken from the root ("a/b" -> "/a/b"). Components "." and ".." and empty
// ones are rejected or collapsed: ".." is an InvalidArgument error (it could escape the root).
Result<std::string> normalize_cgroups_path(const std::string& cgroups_path, const std::string& id);

}  // namespace hull::container::cgroups

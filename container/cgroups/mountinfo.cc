#include "container/cgroups/mountinfo.h"

#include <set>
#include <vector>

#include "base/strings.h"
#include "container/mount_table.h"
#include "sys/file.h"

namespace hull::container::cgroups {

using base::Error;
using base::fail;
using base::split;

namespace {

const std::set<std::string_view>& known_controllers() {
  static const std::set<std::string_view> k = {
      "cpu",     "cpuacct", "cpuset",   "memory",     "devices", "freezer", "blkio", "pids",
      "hugetlb", "net_cls", "net_prio", "perf_event", "rdma",    "misc",    "debug"};
  return k;
}

}  // namespace

Mode CgroupLayout::mode() const {
  if (v1.empty()) return Mode::V2;
  return unified.has_value() ? Mode::Hybrid : Mode::V1;
}

Result<CgroupLayout> parse_cgroup_layout(std::string_view mountinfo) {
  CgroupLayout layout;
  for (std::string_view line : split(mountinfo, '\n')) {
    // Only cgroup mounts matter: a line without the fields they have is passed over.
    std::optional<MountEntry> e = parse_mount_line(line);
    if (!e || !e->super_options) continue;
    if (e->fstype == "cgroup2") {
      if (!layout.unified) layout.unified = e->mount_point;
    } else if (e->fstype == "cgroup") {
      for (std::string_view opt : split(*e->super_options, ',')) {
        std::string name(opt);
        bool is_controller = known_controllers().count(opt) > 0 || opt.starts_with("name=");
        if (is_controller && !layout.v1.count(name)) layout.v1[name] = e->mount_point;
      }
    }
  }
  if (layout.v1.empty() && !layout.unified)
    return fail(Error::not_found("no cgroup v1 or cgroup2 mount in mountinfo"));
  return layout;
}

Result<CgroupLayout> detect_cgroup_layout() {
  std::string text = TRY(sys::read_file("/proc/self/mountinfo"));
  return parse_cgroup_layout(text);
}

Result<std::string> normalize_cgroups_path(const std::string& cgroups_path, const std::string& id) {
  std::string raw = cgroups_path.empty() ? "/hull/" + id : cgroups_path;
  std::string out;
  for (std::string_view part : split(raw, '/')) {
    if (part.empty() || part == ".") continue;
    if (part == "..")
      return fail(
          Error::invalid("linux.cgroupsPath \"" + cgroups_path + "\": \"..\" is not allowed"));
    out += "/";
    out += part;
  }
  if (out.empty())
    return fail(
        Error::invalid("linux.cgroupsPath \"" + cgroups_path + "\": names the root cgroup"));
  return out;
}

}  // namespace hull::container::cgroups

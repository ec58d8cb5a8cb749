#include "container/cgroups/mountinfo.h"

#include <set>
#include <vector>

#include "sys/file.h"

namespace hull::container::cgroups {

using base::Error;
using base::fail;

namespace {

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (start <= s.size()) {
    size_t end = s.find(sep, start);
    if (end == std::string_view::npos) end = s.size();
    out.push_back(s.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

// mountinfo escapes space, tab, newline and backslash as \ooo.
std::string unescape(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 3 < s.size() && s[i + 1] >= '0' && s[i + 1] <= '3' &&
        s[i + 2] >= '0' && s[i + 2] <= '7' && s[i + 3] >= '0' && s[i + 3] <= '7') {
      out.push_back(static_cast<char>((s[i + 1] - '0') * 64 + (s[i + 2] - '0') * 8 + (s[i + 3] - '0')));
      i += 3;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

const std::set<std::string_view>& known_controllers() {
  static const std::set<std::string_view> k = {
      "cpu",       "cpuacct", "cpuset",  "memory",     "devices", "freezer", "blkio", "pids",
      "hugetlb",   "net_cls", "net_prio", "perf_event", "rdma",    "misc",    "debug"};
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
    if (line.empty()) continue;
    size_t dash = line.find(" - ");
    if (dash == std::string_view::npos) continue;
    std::vector<std::string_view> pre = split(line.substr(0, dash), ' ');
    std::vector<std::string_view> post = split(line.substr(dash + 3), ' ');
    if (pre.size() < 6 || post.size() < 3) continue;
    std::string_view fstype = post[0];
    std::string mountpoint = unescape(pre[4]);
    if (fstype == "cgroup2") {
      if (!layout.unified) layout.unified = mountpoint;
    } else if (fstype == "cgroup") {
      for (std::string_view opt : split(post[2], ',')) {
        std::string name(opt);
        bool is_controller = known_controllers().count(opt) > 0 || opt.starts_with("name=");
        if (is_controller && !layout.v1.count(name)) layout.v1[name] = mountpoint;
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
      return fail(Error::invalid("linux.cgroupsPath \"" + cgroups_path +
                                 "\": \"..\" is not allowed"));
    out += "/";
    out += part;
  }
  if (out.empty())
    return fail(Error::invalid("linux.cgroupsPath \"" + cgroups_path +
                               "\": names the root cgroup"));
  return out;
}

}  // namespace hull::container::cgroups

#include "container/mount_table.h"

#include "base/strings.h"
#include "sys/file.h"

namespace hull::container {

using base::Error;
using base::fail;
using base::Result;

namespace {

// mountinfo escapes space, tab, newline and backslash as \ooo.
std::string unescape(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 3 < s.size() && s[i + 1] >= '0' && s[i + 1] <= '3' && s[i + 2] >= '0' &&
        s[i + 2] <= '7' && s[i + 3] >= '0' && s[i + 3] <= '7') {
      out.push_back(
          static_cast<char>((s[i + 1] - '0') * 64 + (s[i + 2] - '0') * 8 + (s[i + 3] - '0')));
      i += 3;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

}  // namespace

std::optional<MountEntry> parse_mount_line(std::string_view line) {
  size_t dash = line.find(" - ");
  // id, parent id, major:minor, root, mount point, options, optional fields...
  std::vector<std::string_view> pre = base::split(line.substr(0, dash), ' ');
  // ... then filesystem type, source, super options.
  std::vector<std::string_view> post = dash == std::string_view::npos
                                           ? std::vector<std::string_view>{}
                                           : base::split(line.substr(dash + 3), ' ');
  if (pre.size() < 6 || post.empty() || post[0].empty()) return std::nullopt;
  MountEntry e;
  e.root = unescape(pre[3]);
  e.mount_point = unescape(pre[4]);
  e.fstype = std::string(post[0]);
  for (size_t i = 6; i < pre.size(); ++i) e.shared |= pre[i].starts_with("shared:");
  if (post.size() >= 3) e.super_options = std::string(post[2]);
  return e;
}

Result<std::vector<MountEntry>> parse_mount_table(std::string_view mountinfo) {
  std::vector<MountEntry> out;
  for (std::string_view line : base::split(mountinfo, '\n')) {
    if (line.empty()) continue;
    std::optional<MountEntry> e = parse_mount_line(line);
    if (!e) return fail(Error::protocol(fmt::format("mountinfo: malformed line \"{}\"", line)));
    out.push_back(std::move(*e));
  }
  return out;
}

Result<std::vector<MountEntry>> read_mount_table() {
  std::string text = TRY(sys::read_file("/proc/self/mountinfo"));
  return parse_mount_table(text);
}

const MountEntry* mount_holding(const std::vector<MountEntry>& table, std::string_view path) {
  const MountEntry* best = nullptr;
  for (const auto& e : table) {
    if (!is_at_or_below(path, e.mount_point)) continue;
    if (best == nullptr || e.mount_point.size() >= best->mount_point.size()) best = &e;
  }
  return best;
}

}  // namespace hull::container

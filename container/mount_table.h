// The mount table as /proc/self/mountinfo shows it: which mount holds a path, whether it is shared,
// which procfs and sysfs mounts exist. Parsing is pure, so it is tested against fixtures.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/path.h"
#include "base/result.h"

namespace hull::container {

struct MountEntry {
  std::string root;         // the mount's root inside its filesystem ("/" for a full mount)
  std::string mount_point;  // unescaped (\040 -> ' '), as the reader's root sees it
  std::string fstype;
  bool shared = false;  // an optional field "shared:N": a member of a peer group
  // The filesystem's own options ("rw,memory" of a cgroup hierarchy); nullopt when the line ends
  // before them.
  std::optional<std::string> super_options;
};

// One line of mountinfo(5); nullopt when it has too few fields before or after the " - "
// separator (or none).
std::optional<MountEntry> parse_mount_line(std::string_view line);
// Parses mountinfo(5) text, in its order (a mount listed later may cover an earlier one). A
// line without the " - " separator or with too few fields is an error naming the line.
base::Result<std::vector<MountEntry>> parse_mount_table(std::string_view mountinfo);
// parse_mount_table of /proc/self/mountinfo.
base::Result<std::vector<MountEntry>> read_mount_table();

using base::is_at_or_below;
// The mount that holds `path` (absolute, clean, symlink-free): the longest mount point at or
// above it; of equal ones the last listed, which covers the others. Null if there is none.
const MountEntry* mount_holding(const std::vector<MountEntry>& table, std::string_view path);

}  // namespace hull::container

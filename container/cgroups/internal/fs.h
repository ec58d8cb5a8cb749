// File-level helpers shared by the v1 and v2 drivers.
#pragma once

#include <sys/types.h>

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/result.h"
#include "container/cgroups/cgroup_dir.h"
#include "container/cgroups/stats.h"

namespace hull::container::cgroups::internal {

// Called for each level created or visited below the mount point, parent first.
using LevelHook = std::function<Result<>(const CgroupDir& parent, const CgroupDir& child)>;
// Before the child level is created: called with the parent only.
using ParentHook = std::function<Result<>(const CgroupDir& parent)>;

// mkdir of each component of `path` (absolute, below `mountpoint`), opening each level from its
// parent's fd. `before_child` runs on each parent before its child is made, `after` on each
// (parent, child) pair.
Result<CgroupDir> make_path(const std::string& mountpoint, const std::string& path,
                            const ParentHook& before_child, const LevelHook& after);

// rmdir of `path` and all its descendants, children first, with bounded retries on EBUSY.
// Missing is fine.
Result<> remove_path(const std::string& path);

// cgroup.procs of `path` and every descendant.
Result<std::vector<pid_t>> collect_pids(const std::string& path);

// Writes `pid` to cgroup.procs.
Result<> join(const CgroupDir& dir, pid_t pid);

// v2: enables in `dir`'s cgroup.subtree_control every controller listed in its cgroup.controllers
// (best effort, one by one when the batch is refused, as runc does).
Result<> enable_subtree_controllers(const CgroupDir& dir);

// Writes `value` to `file`; a failure carries `field` ("linux.resources.memory.limit") as context.
Result<> write_field(const CgroupDir& dir, const std::string& file, const std::string& value,
                     const std::string& field);

// "max" for a negative limit (runc's -1 = unlimited), else the number.
std::string limit_string(int64_t v);

// Waits (bounded) for `done` to hold, polling every millisecond; false on timeout.
bool wait_until(const std::function<bool()>& done, int attempts);
// How long freeze and thaw wait for the kernel: wait_until attempts, 1 ms apart.
inline constexpr int kFreezeAttempts = 2000;

// `file` read as a number into `out`. A missing file (controller not mounted, kernel without the
// feature) leaves `out` as it was (0 in fresh stats).
void read_opt(const CgroupDir& d, const std::string& file, uint64_t& out);

// "8:0" -> {8, 0}: the device of a blkio or io.stat line; nullopt when it is not one.
std::optional<std::pair<uint64_t, uint64_t>> parse_devno(std::string_view text,
                                                         const std::string& what);

// hugetlb statistics per page size from `d`, whose directory lists `files`: v1's
// hugetlb.<size>.{usage,max_usage}_in_bytes and failcnt, or (v1 false: cgroup2) .current and the
// "max" count of .events.
void hugetlb_stats(const CgroupDir& d, const std::vector<std::string>& files, bool v1,
                   std::map<std::string, HugetlbStats>& out);

// Parses a cpuset list ("0-3,5") for stats.
std::vector<uint16_t> parse_cpu_list(std::string_view text);

}  // namespace hull::container::cgroups::internal

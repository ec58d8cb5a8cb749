// What the host looks like, read from /proc and /sys directly: mounts, cgroup directories,
// processes, descriptors. Tests compare these before and after, and look for leftovers.
#pragma once

#include <sys/types.h>

#include <set>
#include <string>
#include <vector>

namespace hull::testing {

// One line of a mountinfo file.
struct MountInfoLine {
  std::string mount_point;  // unescaped (\040 -> ' ')
  std::string options;      // per-mount options, "rw,nosuid,..."
  std::string fstype;
};
// Parses mountinfo(5) text (this process's, or a container's printed by `cat`).
std::vector<MountInfoLine> parse_mountinfo(const std::string& text);
// parse_mountinfo of /proc/self/mountinfo.
std::vector<MountInfoLine> read_mountinfo();

// Host-cleanliness snapshots: compare before/after a test.
std::set<std::string> mount_points();  // mount points in /proc/self/mountinfo
std::set<std::string> cgroup_dirs(const std::string& under = "hull");  // below every host hierarchy
int open_fd_count();                                                   // entries in /proc/self/fd

// Host mount points that mention `needle` (a temp dir only this test uses: other tests on the
// host mount and unmount things concurrently, so whole-table comparisons would be flaky).
std::vector<std::string> mounts_under(const std::string& needle);
// cgroup_dirs() entries of the host's hierarchies that end in "/hull/<id>" or lie below it.
std::vector<std::string> cgroup_dirs_of(const std::string& id);

// Whether /sys/fs/cgroup is the cgroup2 mount (a pure v2 host), not a tmpfs of v1 hierarchies.
bool is_pure_cgroup2();

// Host pids whose command line contains `needle` (e.g. a runtime root only one test uses).
std::vector<pid_t> pids_with_cmdline(const std::string& needle);
// pids_with_cmdline(needle) once it is empty, or what is left after `timeout` (5 s).
std::vector<pid_t> wait_no_processes(const std::string& needle);
// Whether `pid` is gone or a zombie (its cmdline is empty), waiting for that up to 5 s.
bool wait_exited(const std::string& pid);

}  // namespace hull::testing

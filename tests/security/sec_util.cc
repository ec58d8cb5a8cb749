#include "tests/security/sec_util.h"

#include <gmock/gmock.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

namespace hull::testing::security {
namespace fs = std::filesystem;

std::string sha256_of(const std::string& path) {
  RunResult r = run_command({"/usr/bin/sha256sum", path});
  if (r.exit_code != 0) return {};
  return r.out.substr(0, r.out.find(' '));
}

void copy_libraries(const std::string& binary, const std::string& rootfs) {
  RunResult r = run_command(
      {"/bin/sh", "-c",
       "set -e; for l in $(ldd \"$1\" | grep -o '/[^ ]*'); do mkdir -p \"$2$(dirname $l)\"; "
       "cp -L \"$l\" \"$2$l\"; done",
       "sh", binary, rootfs});
  ASSERT_EQ(r.exit_code, 0) << "copying the libraries of " << binary << ": " << r.err;
}

HostSnapshot HostSnapshot::take() { return {mount_points(), cgroup_dirs()}; }

std::vector<std::string> new_entries(const std::set<std::string>& before,
                                     const std::set<std::string>& after,
                                     const std::vector<std::string>& needles) {
  std::vector<std::string> out;
  for (const auto& a : after) {
    if (before.count(a)) continue;
    for (const auto& n : needles) {
      if (!n.empty() && a.find(n) != std::string::npos) {
        out.push_back(a);
        break;
      }
    }
  }
  return out;
}

std::vector<std::string> SecurityTest::leaked_mounts(const HostSnapshot& before,
                                                     const std::vector<std::string>& dirs) const {
  std::vector<std::string> needles = dirs;
  needles.push_back(m_hull.root());
  for (const auto& id : m_ids.all()) needles.push_back("/" + id);
  return new_entries(before.mounts, mount_points(), needles);
}

std::vector<std::string> SecurityTest::leaked_cgroups(const HostSnapshot& before) const {
  std::vector<std::string> needles;
  for (const auto& id : m_ids.all()) needles.push_back("/" + id);
  return new_entries(before.cgroups, cgroup_dirs(), needles);
}

void SecurityTest::expect_no_leaks(const HostSnapshot& before,
                                   const std::vector<std::string>& dirs) const {
  EXPECT_THAT(leaked_mounts(before, dirs), ::testing::IsEmpty());
  EXPECT_THAT(leaked_cgroups(before), ::testing::IsEmpty());
}

void SecurityTest::expect_refused(const Bundle& b, const std::string& base,
                                  const std::string& needle, const HostSnapshot& before,
                                  std::vector<std::string> dirs) {
  std::string id = track(base);
  RunResult r = hull({"run", "--bundle", b.dir(), id});
  EXPECT_NE(r.exit_code, 0) << r.out;
  EXPECT_THAT(r.err, ::testing::HasSubstr(needle));
  EXPECT_EQ(lines_with(r.err, "level=error").size(), 1U) << r.err;  // one clear line
  EXPECT_FALSE(has_state_dir(id));
  dirs.push_back(b.dir());
  expect_no_leaks(before, dirs);
  // A helper hull forked (the holder of a mount's user namespace, say) is gone with the command.
  EXPECT_THAT(pids_with_cmdline(id), ::testing::IsEmpty());
}

void SecurityTest::TearDown() { m_ids.delete_all(); }

RunResult SecurityTest::hull(const std::vector<std::string>& args,
                             std::chrono::milliseconds timeout) {
  return m_hull(args, timeout);
}

bool SecurityTest::has_state_dir(const std::string& id) const {
  struct stat st {};
  return ::stat((m_hull.root() + "/" + id).c_str(), &st) == 0;
}

}  // namespace hull::testing::security

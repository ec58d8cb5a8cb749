#include "tests/security/sec_util.h"

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

namespace hull::testing::security {
namespace fs = std::filesystem;

std::string unique_id(const std::string& base) { return base + "-" + std::to_string(::getpid()); }

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

bool write_text(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  return !out.fail();
}

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

std::string wait_for_text(const std::string& path, const std::string& needle,
                          std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  std::string text;
  while (std::chrono::steady_clock::now() < deadline) {
    text = read_text(path);
    if (text.find(needle) != std::string::npos) return text;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return text;
}

std::vector<std::string> lines_with(const std::string& text, const std::string& needle) {
  std::vector<std::string> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line))
    if (line.find(needle) != std::string::npos) out.push_back(line);
  return out;
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
  for (const auto& id : m_ids) needles.push_back("/" + id);
  return new_entries(before.mounts, mount_points(), needles);
}

std::vector<std::string> SecurityTest::leaked_cgroups(const HostSnapshot& before) const {
  std::vector<std::string> needles;
  for (const auto& id : m_ids) needles.push_back("/" + id);
  return new_entries(before.cgroups, cgroup_dirs(), needles);
}

void SecurityTest::TearDown() {
  for (const auto& id : m_ids) (void)m_hull({"delete", "--force", id});
}

RunResult SecurityTest::hull(const std::vector<std::string>& args,
                             std::chrono::milliseconds timeout) {
  return m_hull(args, timeout);
}

bool SecurityTest::has_state_dir(const std::string& id) const {
  struct stat st {};
  return ::stat((m_hull.root() + "/" + id).c_str(), &st) == 0;
}

}  // namespace hull::testing::security

#include "tests/harness/host.h"

#include <linux/magic.h>
#include <sys/statfs.h>

#include <filesystem>
#include <sstream>

#include "tests/harness/files.h"
#include "tests/harness/wait.h"

namespace hull::testing {
namespace fs = std::filesystem;
namespace {

// mountinfo escapes space, tab, newline and backslash as \ooo.
std::string unescape_mountinfo(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 3 < s.size()) {
      int v = 0;
      bool ok = true;
      for (size_t j = 1; j <= 3; ++j) {
        char c = s[i + j];
        if (c < '0' || c > '7') ok = false;
        v = v * 8 + (c - '0');
      }
      if (ok) {
        out.push_back(static_cast<char>(v));
        i += 3;
        continue;
      }
    }
    out.push_back(s[i]);
  }
  return out;
}

}  // namespace

std::vector<MountInfoLine> parse_mountinfo(const std::string& text) {
  std::vector<MountInfoLine> out;
  for (const std::string& line : lines_of(text)) {
    std::istringstream f(line);
    std::string id, parent, devno, root, mnt, opts, field;
    f >> id >> parent >> devno >> root >> mnt >> opts;
    while (f >> field && field != "-") {
    }
    std::string fstype;
    f >> fstype;
    out.push_back({unescape_mountinfo(mnt), opts, fstype});
  }
  return out;
}

std::vector<MountInfoLine> read_mountinfo() {
  return parse_mountinfo(read_text("/proc/self/mountinfo"));
}

std::set<std::string> mount_points() {
  std::set<std::string> out;
  for (const auto& m : read_mountinfo()) out.insert(m.mount_point);
  return out;
}

std::set<std::string> cgroup_dirs(const std::string& under) {
  std::set<std::string> out;
  std::set<std::string> roots;
  for (const auto& m : read_mountinfo()) {
    // Only the host's hierarchies: criu mounts short-lived copies elsewhere (its cgroup yard).
    if ((m.fstype == "cgroup" || m.fstype == "cgroup2") &&
        (m.mount_point == "/sys/fs/cgroup" || m.mount_point.rfind("/sys/fs/cgroup/", 0) == 0))
      roots.insert(m.mount_point);
  }
  for (const auto& root : roots) {
    std::string top = root + "/" + under;
    std::error_code ec;
    if (!fs::is_directory(top, ec)) continue;
    out.insert(top);
    for (auto it = fs::recursive_directory_iterator(top, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
      if (it->is_directory(ec) && !it->is_symlink(ec)) out.insert(it->path().string());
    }
  }
  return out;
}

int open_fd_count() {
  int n = 0;
  std::error_code ec;
  for (auto it = fs::directory_iterator("/proc/self/fd", ec); !ec && it != fs::directory_iterator();
       it.increment(ec)) {
    ++n;
  }
  return n - 1;  // the iterator's own descriptor
}

std::vector<std::string> mounts_under(const std::string& needle) {
  std::vector<std::string> out;
  for (const auto& m : mount_points()) {
    if (m.find(needle) != std::string::npos) out.push_back(m);
  }
  return out;
}

std::vector<std::string> cgroup_dirs_of(const std::string& id) {
  std::vector<std::string> out;
  std::string tail = "/hull/" + id;
  for (const auto& d : cgroup_dirs()) {
    size_t at = d.find(tail);
    if (at == std::string::npos) continue;
    size_t end = at + tail.size();
    if (end == d.size() || d[end] == '/') out.push_back(d);
  }
  return out;
}

bool is_pure_cgroup2() {
  struct statfs fs;
  return ::statfs("/sys/fs/cgroup", &fs) == 0 && fs.f_type == CGROUP2_SUPER_MAGIC;
}

std::vector<pid_t> pids_with_cmdline(const std::string& needle) {
  std::vector<pid_t> out;
  std::error_code ec;
  for (auto it = fs::directory_iterator("/proc", ec); !ec && it != fs::directory_iterator();
       it.increment(ec)) {
    std::string name = it->path().filename().string();
    if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::string cmd = read_text(it->path().string() + "/cmdline");
    for (char& c : cmd) {
      if (c == '\0') c = ' ';
    }
    // Zombies have an empty cmdline and hold nothing.
    if (cmd.find(needle) != std::string::npos) out.push_back(static_cast<pid_t>(std::stoi(name)));
  }
  return out;
}

std::vector<pid_t> wait_no_processes(const std::string& needle) {
  std::vector<pid_t> left;
  wait_for(
      [&] {
        left = pids_with_cmdline(needle);
        return left.empty();
      },
      std::chrono::seconds(5));
  return left;
}

bool wait_exited(const std::string& pid) {
  // Reaped by init (pid 1) or a subreaper soon after a kill; a zombie's cmdline is empty.
  return wait_for([&] { return read_text("/proc/" + pid + "/cmdline").empty(); },
                  std::chrono::seconds(5));
}

}  // namespace hull::testing

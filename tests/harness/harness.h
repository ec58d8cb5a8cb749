// Test harness for end-to-end tests that drive the real `hull` binary against real containers.
// Tests using it need `tags = ["no-sandbox"]` and data = ["//cli:hull"] (root, real mounts and
// cgroups). Each test gets its own runtime root and bundle dir under a fresh temp dir.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace hull::testing {

struct RunResult {
  int exit_code = -1;      // the process's exit code, or 128+signal
  std::string out, err;    // captured stdout / stderr
  bool timed_out = false;
};

// Absolute path of the hull binary from runfiles (//cli:hull as a data dependency).
std::string hull_binary();

// Runs `argv` (argv[0] is a path) with a timeout; stdin is /dev/null unless `input` is given.
RunResult run_command(const std::vector<std::string>& argv,
                      std::chrono::milliseconds timeout = std::chrono::seconds(30),
                      const std::string& input = {}, const std::map<std::string, std::string>& env = {});
// The same, started in directory `cwd` (empty: the caller's).
RunResult run_command_in(const std::string& cwd, const std::vector<std::string>& argv,
                         std::chrono::milliseconds timeout = std::chrono::seconds(30),
                         const std::string& input = {},
                         const std::map<std::string, std::string>& env = {});

// A fresh temp dir (removed on destruction, after unmounting anything left under it).
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return m_path; }

 private:
  std::string m_path;
};

// A busybox bundle: rootfs/ (busybox-static + applet links, /etc/passwd, /etc/group) and a
// config.json from `hull spec`, then edited: terminal false, process.args = `args`.
class Bundle {
 public:
  explicit Bundle(const std::vector<std::string>& args);
  const std::string& dir() const { return m_tmp.path(); }
  std::string rootfs() const { return dir() + "/rootfs"; }
  std::string config_path() const { return dir() + "/config.json"; }
  // Reads/writes config.json as text (tests edit it with simple string or JSON helpers).
  std::string config() const;
  void set_config(const std::string& json) const;
  // Applies a Python-style edit to config.json: `python3 -c` with `c` bound to the parsed JSON,
  // e.g. edit("c['process']['env'].append('A=1')"). Aborts the test on error.
  void edit(const std::string& python_statements) const;

 private:
  TempDir m_tmp;
};

// Runs hull with `--root <root>` plus `args`.
class Hull {
 public:
  Hull();  // its own runtime root under a temp dir
  const std::string& root() const { return m_root.path(); }
  RunResult operator()(const std::vector<std::string>& args,
                       std::chrono::milliseconds timeout = std::chrono::seconds(30),
                       const std::string& input = {}) const;

 private:
  TempDir m_root;
};

// Host-cleanliness snapshots: compare before/after a test.
std::set<std::string> mount_points();              // mount points in /proc/self/mountinfo
std::set<std::string> cgroup_dirs(const std::string& under = "hull");  // dirs below every hierarchy
int open_fd_count();                               // entries in /proc/self/fd

}  // namespace hull::testing

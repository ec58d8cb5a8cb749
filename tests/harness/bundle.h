// A test's files and runtime: temp dirs, busybox bundles, and hull with a runtime root of its own.
// Each test gets its own runtime root and bundle dir under a fresh temp dir.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "tests/harness/command.h"

namespace hull::testing {

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

// Python statements for Bundle::edit, each ending in a newline so that they concatenate.
namespace edits {
// A bind mount of host `source` at `destination`; `options` as mount(8) takes them.
std::string bind(const std::string& source, const std::string& destination,
                 const std::string& options = "rbind,rw");
// The config's namespaces without the one of `type` ("pid", "mount", "cgroup", "network").
std::string drop_namespace(const std::string& type);
// A new user namespace mapping container ids 0-65535 to host ids 100000-165535.
std::string user_namespace();
// `capability` ("CAP_MKNOD") added to the bounding, effective and permitted sets.
std::string add_capability(const std::string& capability);
}  // namespace edits

}  // namespace hull::testing

// Shared helpers for the lifecycle end-to-end tests: JSON look-ups, polling, host probes.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <utility>
#include <string>
#include <vector>

#include "tests/harness/harness.h"

namespace hull::testing {

// The value at a JSON pointer ("/status", "/0/id"): strings without quotes, numbers and
// booleans as text, objects/arrays as minified JSON; nullopt when the text does not parse or
// the pointer does not resolve.
std::optional<std::string> json_at(const std::string& json, const std::string& pointer);
// Number of elements of the array at `pointer`; nullopt when it is not an array.
std::optional<size_t> json_array_size(const std::string& json, const std::string& pointer);

// `name` plus the test process's pid: cgroups are host-wide (/hull/<id>) and other tests may
// run alongside with the same names.
std::string unique_id(const std::string& name);

// `hull state ID`'s status, or "" when the command fails.
std::string status_of(const Hull& hull, const std::string& id);
// Polls `hull state` until it reports `want` or `timeout` passes; returns the last status seen.
std::string wait_for_status(const Hull& hull, const std::string& id, const std::string& want,
                            std::chrono::milliseconds timeout = std::chrono::seconds(10));

// Polls until `path` exists.
bool wait_for_file(const std::string& path,
                   std::chrono::milliseconds timeout = std::chrono::seconds(10));
std::string read_text(const std::string& path);
bool write_text(const std::string& path, const std::string& text);

// Host mount points that mention `needle` (a temp dir only this test uses: other tests on the
// host mount and unmount things concurrently, so whole-table comparisons would be flaky).
std::vector<std::string> mounts_under(const std::string& needle);

// Host pids whose command line contains `needle` (e.g. a runtime root only one test uses).
std::vector<pid_t> pids_with_cmdline(const std::string& needle);
// cgroup_dirs() entries that end in "/hull/<id>" or lie below it.
std::vector<std::string> cgroup_dirs_of(const std::string& id);

// A child started with fork/exec that the test controls (signals, waits). stdout and stderr
// go to files in a temp dir; fds listed in `keep` (dup'ed to 3, 4, ...) are inherited.
class Spawned {
 public:
  explicit Spawned(const std::vector<std::string>& argv, const std::vector<int>& keep = {});
  ~Spawned();  // SIGKILLs and reaps the child if it is still running
  Spawned(const Spawned&) = delete;
  Spawned& operator=(const Spawned&) = delete;
  pid_t pid() const { return m_pid; }
  // Waits up to `timeout`; the exit code (128+signal), or nullopt when still running.
  std::optional<int> wait(std::chrono::milliseconds timeout = std::chrono::seconds(30));
  void kill(int sig);
  std::string out() const { return read_text(m_tmp.path() + "/out"); }
  std::string err() const { return read_text(m_tmp.path() + "/err"); }

 private:
  TempDir m_tmp;
  pid_t m_pid = -1;
  std::optional<int> m_code;
};

// Deletes a container with --force when a test ends, so that a failed assertion leaves no
// container, cgroup or mount behind.
class ContainerGuard {
 public:
  ContainerGuard(const Hull& hull, std::string id) : m_hull(hull), m_id(std::move(id)) {}
  ~ContainerGuard() { (void)m_hull({"delete", "--force", m_id}); }
  ContainerGuard(const ContainerGuard&) = delete;
  ContainerGuard& operator=(const ContainerGuard&) = delete;

 private:
  const Hull& m_hull;
  std::string m_id;
};

}  // namespace hull::testing

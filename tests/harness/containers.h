// Containers in a test: ids that do not collide with other tests', what `hull state` and
// state.json say about one, and guards that force-delete it when the test ends.
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "tests/harness/bundle.h"

namespace hull::testing {

// "<name>-<pid>", the same at every call: container ids (and so default cgroup paths /hull/<id>)
// must not collide with other test binaries running on the host at the same time.
std::string unique_id(const std::string& name);
// "<name>-<pid>-<n>", a new one at every call (for ids made in a loop or by a helper).
std::string fresh_id(const std::string& name);

// The "status" of `hull state` output ("" when there is none).
std::string state_status(const std::string& state_json);
// The "pid" of `hull state` output (0 when there is none).
long state_pid(const std::string& state_json);
// The init pid `hull state ID` reports, as text ("" when the command fails or has none).
std::string init_pid(const Hull& hull, const std::string& id);
// The pid a pid file (--pid-file) holds; "" unless the file holds only digits.
std::string read_pid_file(const std::string& path);
// `hull state ID`'s status, or "" when the command fails.
std::string status_of(const Hull& hull, const std::string& id);
// Polls `hull state` until it reports `want` or `timeout` passes; returns the last status seen.
std::string wait_for_status(const Hull& hull, const std::string& id, const std::string& want,
                            std::chrono::milliseconds timeout = std::chrono::seconds(10));
// state.json's cgroup_paths: controller -> host directory ("" is the cgroup2 one).
std::map<std::string, std::string> cgroup_paths(const Hull& hull, const std::string& id);

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

// `hull run -d` of `bundle` as `id`; `delete --force` at scope exit.
class Running {
 public:
  Running(const Hull& hull, const Bundle& bundle, std::string id);
  Running(const Running&) = delete;
  Running& operator=(const Running&) = delete;
  bool ok() const { return m_run.exit_code == 0; }
  const RunResult& run() const { return m_run; }
  const std::string& id() const { return m_id; }
  // The OCI "status" from `hull state` ("?" and the error when it fails).
  std::string status() const;
  // state.json's cgroup_paths (controller -> host dir).
  std::map<std::string, std::string> cgroup_paths() const;

 private:
  const Hull& m_hull;
  std::string m_id;
  ContainerGuard m_guard;
  RunResult m_run;
};

// Containers a fixture makes, each force-deleted when it goes (at TearDown, before the fixture's
// checks for leftovers).
class ContainerIds {
 public:
  explicit ContainerIds(const Hull& hull) : m_hull(hull) {}
  ~ContainerIds() { delete_all(); }
  ContainerIds(const ContainerIds&) = delete;
  ContainerIds& operator=(const ContainerIds&) = delete;
  // fresh_id(name), remembered.
  std::string add(const std::string& name);
  // `id` as it is, remembered.
  std::string keep(std::string id);
  const std::vector<std::string>& all() const { return m_ids; }
  // `delete --force` of each (again at destruction: a no-op for deleted ones).
  void delete_all() const;

 private:
  const Hull& m_hull;
  std::vector<std::string> m_ids;
};

}  // namespace hull::testing

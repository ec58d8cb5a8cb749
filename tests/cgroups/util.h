// Helpers shared by the cgroup end-to-end tests: unique ids, a started container that is
// force-deleted at scope exit, a command running in the background, file polling.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "tests/harness/harness.h"

namespace hull::testing {

// "<name>-<pid>": distinct across test binaries running at the same time.
std::string unique_id(const std::string& name);

std::string read_text(const std::string& path);  // "" if unreadable
// Polls `cond` every 20 ms until it holds or `timeout` passes.
bool wait_for(const std::function<bool()>& cond,
              std::chrono::milliseconds timeout = std::chrono::seconds(10));

// `hull run -d` of `bundle` as `id`; `delete --force` at scope exit.
class Running {
 public:
  Running(const Hull& hull, const Bundle& bundle, std::string id);
  ~Running();
  Running(const Running&) = delete;
  Running& operator=(const Running&) = delete;
  bool ok() const { return m_run.exit_code == 0; }
  const RunResult& run() const { return m_run; }
  const std::string& id() const { return m_id; }
  // The OCI "status" from `hull state`.
  std::string status() const;
  // state.json's cgroup_paths (controller -> host dir).
  std::map<std::string, std::string> cgroup_paths() const;

 private:
  const Hull& m_hull;
  std::string m_id;
  RunResult m_run;
};

// A command on a thread, its stdout sent to `out_path`, so the test can watch it while it runs.
class Background {
 public:
  Background(std::vector<std::string> argv, std::string out_path,
             std::chrono::milliseconds timeout = std::chrono::seconds(40));
  ~Background();
  RunResult join();

 private:
  std::thread m_thread;
  RunResult m_result;
};

}  // namespace hull::testing

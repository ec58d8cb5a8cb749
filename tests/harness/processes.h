// Processes a test starts and controls besides `hull` runs: a forked child it signals and waits
// for, and a command on a thread whose output the test watches while it runs.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "tests/harness/bundle.h"
#include "tests/harness/command.h"

namespace hull::testing {

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
  std::string out() const;
  std::string err() const;

 private:
  TempDir m_tmp;
  pid_t m_pid = -1;
  std::optional<int> m_code;
};

// A command on a thread, its stdout sent to `out_path`, so the test can watch it while it runs.
class Background {
 public:
  Background(std::vector<std::string> argv, std::string out_path,
             std::chrono::milliseconds timeout = std::chrono::seconds(40));
  ~Background();
  Background(const Background&) = delete;
  Background& operator=(const Background&) = delete;
  RunResult join();

 private:
  std::thread m_thread;
  RunResult m_result;
};

}  // namespace hull::testing

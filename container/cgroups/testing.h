// Test helpers for real-cgroup tests (testonly): a sleeping child, /proc/PID/cgroup lookups and
// a private-mount-namespace runner that makes the process see a pure cgroup2 host.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <string>

#include "base/result.h"

namespace hull::container::cgroups::testing_support {

// A forked child running `body` (default: sleep forever); killed and reaped on destruction.
class Sleeper {
 public:
  Sleeper();
  explicit Sleeper(std::function<void()> body);
  Sleeper(const Sleeper&) = delete;
  Sleeper& operator=(const Sleeper&) = delete;
  ~Sleeper() { kill(); }
  pid_t pid() const { return m_pid; }
  // SIGKILL and reap (idempotent). Returns the raw wait status, or -1 if already reaped.
  int kill();
  // Reaps without signalling; returns the raw wait status.
  int wait();

 private:
  pid_t m_pid = -1;
};

// A one-shot go signal from parent to child (a pipe created before fork).
class Gate {
 public:
  Gate();
  ~Gate();
  Gate(const Gate&) = delete;
  Gate& operator=(const Gate&) = delete;
  void open();  // parent
  void wait();  // child: blocks until open()

 private:
  int m_read = -1, m_write = -1;
};

// A counter in memory shared with forked children.
class SharedCounter {
 public:
  SharedCounter();
  ~SharedCounter();
  SharedCounter(const SharedCounter&) = delete;
  SharedCounter& operator=(const SharedCounter&) = delete;
  uint64_t get() const;
  // Child: increments forever.
  [[noreturn]] void spin();

 private:
  void* m_mem = nullptr;
};

// The cgroup of `pid` in the hierarchy of `controller` ("" = cgroup2 line "0::").
base::Result<std::string> cgroup_of(pid_t pid, const std::string& controller);
// "<prefix>-<pid>-<n>": distinct per test process and call.
std::string unique_id(const std::string& prefix);
// Runs `fn` in a forked child whose private mount namespace has a cgroup2 mounted over
// /sys/fs/cgroup. Returns "ok" or the failure text.
std::string run_in_v2_namespace(const std::function<base::Result<>()>& fn);

}  // namespace hull::container::cgroups::testing_support

// Shared pieces of the security attack tests: host snapshots, hashing, waiting on files the
// container writes, and a fixture that force-deletes every container it started.
#pragma once

#include <chrono>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tests/harness/harness.h"

namespace hull::testing::security {

// `base` plus this process's pid: container ids (and so default cgroup paths /hull/<id>) must not
// collide when the same test runs concurrently (bazel --runs_per_test) or with other tests.
std::string unique_id(const std::string& base);
std::string read_text(const std::string& path);
bool write_text(const std::string& path, const std::string& text);
// sha256 of a file, hex (empty when unreadable).
std::string sha256_of(const std::string& path);
// Copies the dynamic loader and the libraries `binary` needs into `rootfs` at the same paths, so
// the container can execute that binary (a glibc image, like the images of CVE-2019-5736).
void copy_libraries(const std::string& binary, const std::string& rootfs);
// Polls `path` until it contains `needle` (returns the contents) or `timeout` passes.
std::string wait_for_text(const std::string& path, const std::string& needle,
                          std::chrono::milliseconds timeout = std::chrono::seconds(15));
// Lines of `text` that contain `needle`.
std::vector<std::string> lines_with(const std::string& text, const std::string& needle);

// What a refused or finished container must leave behind on the host: nothing.
struct HostSnapshot {
  std::set<std::string> mounts;
  std::set<std::string> cgroups;
  static HostSnapshot take();
};
// Mount points (or cgroup dirs) in `after` that are not in `before` and contain one of
// `needles` (this test's dirs and container ids: other tests run on the same host meanwhile).
std::vector<std::string> new_entries(const std::set<std::string>& before,
                                     const std::set<std::string>& after,
                                     const std::vector<std::string>& needles);

class SecurityTest : public ::testing::Test {
 protected:
  void TearDown() override;
  // Runs hull (--root of this test).
  RunResult hull(const std::vector<std::string>& args,
                 std::chrono::milliseconds timeout = std::chrono::seconds(30));
  // unique_id(base), remembered for deletion at teardown.
  std::string track(const std::string& base) {
    m_ids.push_back(unique_id(base));
    return m_ids.back();
  }
  const Hull& runner() const { return m_hull; }
  // True when <root>/<id> exists (a state dir left behind).
  bool has_state_dir(const std::string& id) const;
  // What leaked from this test since `before`: new mounts under /tmp/hull-itest-* dirs or naming
  // a tracked id, new cgroup dirs naming a tracked id.
  std::vector<std::string> leaked_mounts(const HostSnapshot& before,
                                         const std::vector<std::string>& dirs) const;
  std::vector<std::string> leaked_cgroups(const HostSnapshot& before) const;

 private:
  Hull m_hull;
  std::vector<std::string> m_ids;
};

}  // namespace hull::testing::security

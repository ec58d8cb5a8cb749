// Shared pieces of the security attack tests: host snapshots, hashing, a glibc image, and a
// fixture that force-deletes every container it started.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <set>
#include <string>
#include <vector>

#include "tests/harness/harness.h"

namespace hull::testing::security {

// sha256 of a file, hex (empty when unreadable).
std::string sha256_of(const std::string& path);
// Copies the dynamic loader and the libraries `binary` needs into `rootfs` at the same paths, so
// the container can execute that binary (a glibc image, like the images of CVE-2019-5736).
void copy_libraries(const std::string& binary, const std::string& rootfs);
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
  std::string track(const std::string& base) { return m_ids.keep(unique_id(base)); }
  const Hull& runner() const { return m_hull; }
  // True when <root>/<id> exists (a state dir left behind).
  bool has_state_dir(const std::string& id) const;
  // What leaked from this test since `before`: new mounts under /tmp/hull-itest-* dirs or naming
  // a tracked id, new cgroup dirs naming a tracked id.
  std::vector<std::string> leaked_mounts(const HostSnapshot& before,
                                         const std::vector<std::string>& dirs) const;
  std::vector<std::string> leaked_cgroups(const HostSnapshot& before) const;
  // Neither leaked_mounts(before, dirs) nor leaked_cgroups(before).
  void expect_no_leaks(const HostSnapshot& before, const std::vector<std::string>& dirs) const;
  // `run` of `b` as track(base), which must be refused: an error of one line with `needle`, and
  // no state dir, no leak since `before` (mounts under `dirs` or the bundle), no process naming
  // the id.
  void expect_refused(const Bundle& b, const std::string& base, const std::string& needle,
                      const HostSnapshot& before, std::vector<std::string> dirs = {});

 private:
  Hull m_hull;
  ContainerIds m_ids{m_hull};
};

}  // namespace hull::testing::security

// --systemd-cgroup on a host without systemd (this CI machine): create and run fail with runc's
// words and leave nothing behind; commands on existing containers take their driver from
// state.json, so the flag does not stop them. The driver itself is tested where systemd runs:
// systemd_test, in the guest of tools/vm.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "tests/harness/harness.h"

namespace hull::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kNoSystemd =
    "systemd not running on this host, cannot use systemd cgroups manager";

class NoSystemdTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (exists("/run/systemd/system")) GTEST_SKIP() << "systemd runs on this host";
  }
  Hull m_hull;
};

TEST_F(NoSystemdTest, CreateAndRunFailAsRuncDoesAndLeaveNothing) {
  Bundle b({"/bin/true"});
  auto mounts_before = mount_points();
  std::vector<std::string> ids;
  for (const char* cmd : {"run", "create"}) {
    std::string cid = unique_id(std::string("nosd-") + cmd);
    ids.push_back(cid);
    RunResult r = run_command({hull_binary(), "--systemd-cgroup", "--root", m_hull.root(), cmd,
                               "--bundle", b.dir(), cid});
    EXPECT_EQ(r.exit_code, 1) << cmd;
    EXPECT_THAT(r.err, HasSubstr(kNoSystemd)) << cmd;
    EXPECT_FALSE(exists(m_hull.root() + "/" + cid)) << cmd;
  }
  // Only this test's cgroups: tests running alongside make and remove their own.
  for (const std::string& dir : cgroup_dirs())
    for (const std::string& cid : ids) EXPECT_THAT(dir, Not(HasSubstr(cid)));
  EXPECT_EQ(mount_points(), mounts_before);
}

TEST_F(NoSystemdTest, RuncSaysTheSame) {
  if (access("/usr/sbin/runc", X_OK) != 0) GTEST_SKIP() << "no runc to compare with";
  Bundle b({"/bin/true"});
  TempDir root;
  RunResult r = run_command({"/usr/sbin/runc", "--systemd-cgroup", "--root", root.path(), "run",
                             "--bundle", b.dir(), unique_id("nosd-runc")});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr(kNoSystemd));
}

TEST_F(NoSystemdTest, ExistingContainersIgnoreTheFlag) {
  Bundle b({"/bin/sleep", "1000"});
  std::string cid = unique_id("nosd-existing");
  ASSERT_EQ(m_hull({"run", "-d", "--bundle", b.dir(), cid}).exit_code, 0);
  RunResult st =
      run_command({hull_binary(), "--systemd-cgroup", "--root", m_hull.root(), "state", cid});
  EXPECT_EQ(st.exit_code, 0) << st.err;
  EXPECT_THAT(st.out, HasSubstr("\"status\": \"running\""));
  RunResult del = run_command(
      {hull_binary(), "--systemd-cgroup", "--root", m_hull.root(), "delete", "--force", cid});
  EXPECT_EQ(del.exit_code, 0) << del.err;
  EXPECT_FALSE(exists(m_hull.root() + "/" + cid));
}

}  // namespace
}  // namespace hull::testing

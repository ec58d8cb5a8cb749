#include "tests/harness/harness.h"

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace hull::testing {
namespace {

using ::testing::HasSubstr;

TEST(RunCommandTest, CapturesOutputAndExitCode) {
  RunResult r = run_command({"/bin/sh", "-c", "echo out; echo err >&2; exit 3"});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_EQ(r.out, "out\n");
  EXPECT_EQ(r.err, "err\n");
  EXPECT_FALSE(r.timed_out);
}

TEST(RunCommandTest, SignalExitIs128PlusSignal) {
  RunResult r = run_command({"/bin/sh", "-c", "kill -9 $$"});
  EXPECT_EQ(r.exit_code, 137);
}

TEST(RunCommandTest, FeedsInputAndEnv) {
  RunResult r = run_command({"/bin/sh", "-c", "cat; echo $HARNESS_X"}, std::chrono::seconds(5),
                            "hello\n", {{"HARNESS_X", "y"}});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, "hello\ny\n");
}

TEST(RunCommandTest, TimeoutKillsTheProcessGroup) {
  TempDir tmp;
  std::string marker = tmp.path() + "/late";
  auto start = std::chrono::steady_clock::now();
  // The background child would write the marker after 2 s unless the group is killed.
  RunResult r = run_command({"/bin/sh", "-c", "(sleep 2; touch " + marker + ") & sleep 30"},
                            std::chrono::milliseconds(300));
  EXPECT_TRUE(r.timed_out);
  EXPECT_EQ(r.exit_code, 128 + 9);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
  sleep(3);
  EXPECT_FALSE(std::filesystem::exists(marker));
}

TEST(RunCommandTest, RunsInCwd) {
  TempDir tmp;
  RunResult r = run_command_in(tmp.path(), {"/bin/pwd"});
  EXPECT_EQ(r.out, tmp.path() + "\n");
}

TEST(TempDirTest, RemovedWithMountsUnder) {
  std::string path;
  {
    TempDir tmp;
    path = tmp.path();
    ASSERT_EQ(::mkdir((path + "/m").c_str(), 0755), 0);
    RunResult r = run_command({"/bin/mount", "-t", "tmpfs", "none", path + "/m"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(mount_points().count(path + "/m"));
  }
  EXPECT_FALSE(mount_points().count(path + "/m"));
  EXPECT_FALSE(std::filesystem::exists(path));
}

TEST(BundleTest, HasBusyboxAndArgs) {
  Bundle b({"sh", "-c", "echo \"hi\""});
  EXPECT_TRUE(std::filesystem::is_symlink(b.rootfs() + "/bin/sh"));
  EXPECT_EQ(::access((b.rootfs() + "/bin/busybox").c_str(), X_OK), 0);
  std::string c = b.config();
  EXPECT_THAT(c, HasSubstr("\"terminal\": false"));
  EXPECT_THAT(c, HasSubstr("\"echo \\\"hi\\\"\""));
  b.edit("c['hostname'] = 'edited'");
  EXPECT_THAT(b.config(), HasSubstr("\"hostname\": \"edited\""));
}

TEST(SnapshotTest, SeesTheHost) {
  EXPECT_TRUE(mount_points().count("/"));
  EXPECT_GT(open_fd_count(), 2);
  // A cgroup dir made under a unique name shows up, then goes.
  std::string name = "hull-harness-" + std::to_string(::getpid());
  auto before = cgroup_dirs(name);
  EXPECT_TRUE(before.empty());
  // v1/hybrid hosts have one hierarchy per controller; pure v2 hosts have one at the top.
  std::string top = std::filesystem::is_directory("/sys/fs/cgroup/pids") ? "/sys/fs/cgroup/pids"
                                                                           : "/sys/fs/cgroup";
  std::string dir = top + "/" + name;
  ASSERT_EQ(::mkdir(dir.c_str(), 0755), 0);
  EXPECT_EQ(cgroup_dirs(name), std::set<std::string>{dir});
  ::rmdir(dir.c_str());
  EXPECT_TRUE(cgroup_dirs(name).empty());
}

TEST(HullTest, RunsAContainer) {
  Bundle b({"sh", "-c", "echo $$"});
  Hull hull;
  RunResult r = hull({"run", "--bundle", b.dir(), "harness-smoke"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "1\n");
}

}  // namespace
}  // namespace hull::testing

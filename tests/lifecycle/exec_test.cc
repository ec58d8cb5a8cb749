// hull exec against a running container: namespaces, exit codes, --detach/--pid-file,
// --process, -e/--cwd/--user.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "tests/harness/harness.h"

namespace hull::testing {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

std::string link_of(const std::string& path) {
  std::error_code ec;
  return fs::read_symlink(path, ec).string();
}

// One running container shared by every test of the suite (`sleep 100` as pid 1).
class ExecTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    s_hull = new Hull();
    s_bundle = new Bundle({"sleep", "100"});
    s_bundle->edit("c['hostname'] = 'itest-host'");
    RunResult r = (*s_hull)({"run", "--detach", "--bundle", s_bundle->dir(), unique_id("ex")});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    s_pid = init_pid(*s_hull, unique_id("ex"));
  }
  static void TearDownTestSuite() {
    (void)(*s_hull)({"delete", "--force", unique_id("ex")});
    delete s_bundle;
    delete s_hull;
  }
  void SetUp() override { ASSERT_FALSE(s_pid.empty()) << "the container did not start"; }
  static RunResult exec(std::vector<std::string> args) {
    args.insert(args.begin(), "exec");
    return (*s_hull)(args);
  }

  static Hull* s_hull;
  static Bundle* s_bundle;
  static std::string s_pid;
};

Hull* ExecTest::s_hull = nullptr;
Bundle* ExecTest::s_bundle = nullptr;
std::string ExecTest::s_pid;

TEST_F(ExecTest, SeesTheContainersPidNamespace) {
  RunResult r = exec({unique_id("ex"), "cat", "/proc/1/cmdline"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, std::string("sleep\0"
                               "100\0",
                               10));
  r = exec({unique_id("ex"), "ps"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, ::testing::ContainsRegex("\n *1 .*sleep 100"));
  // Its own pid is small: a fresh pid namespace, not the host's.
  r = exec({unique_id("ex"), "sh", "-c", "echo $$"});
  EXPECT_LT(std::stoi(r.out.empty() ? "99999" : r.out), 100) << r.out;
}

TEST_F(ExecTest, SeesTheContainersHostname) {
  RunResult r = exec({unique_id("ex"), "hostname"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "itest-host\n");
}

TEST_F(ExecTest, PassesTheExitCodeBack) {
  EXPECT_EQ(exec({unique_id("ex"), "sh", "-c", "exit 7"}).exit_code, 7);
  EXPECT_EQ(exec({unique_id("ex"), "true"}).exit_code, 0);
  EXPECT_EQ(exec({unique_id("ex"), "sh", "-c", "exit 0"}).exit_code, 0);
  RunResult r = exec({unique_id("ex"), "sh", "-c", "echo out; echo err >&2; exit 3"});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_EQ(r.out, "out\n");
  EXPECT_THAT(r.err, HasSubstr("err\n"));
}

TEST_F(ExecTest, MissingCommandFails) {
  RunResult r = exec({unique_id("ex"), "/no/such/program"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_THAT(r.err, HasSubstr("/no/such/program"));
}

TEST_F(ExecTest, DetachWritesThePidFile) {
  TempDir tmp;
  std::string pid_file = tmp.path() + "/exec.pid";
  RunResult r = exec({"--detach", "--pid-file", pid_file, unique_id("ex"), "sleep", "30"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::string pid = read_pid_file(pid_file);
  ASSERT_FALSE(pid.empty()) << "pid file: '" << read_text(pid_file) << "'";
  EXPECT_EQ(read_text("/proc/" + pid + "/cmdline"), std::string("sleep\0"
                                                                "30\0",
                                                                9));
  EXPECT_EQ(link_of("/proc/" + pid + "/ns/pid"), link_of("/proc/" + s_pid + "/ns/pid"));
  EXPECT_EQ(link_of("/proc/" + pid + "/ns/mnt"), link_of("/proc/" + s_pid + "/ns/mnt"));
  EXPECT_NE(link_of("/proc/" + pid + "/ns/mnt"), link_of("/proc/self/ns/mnt"));
  // ps from the host sees the exec'ed process in the container's cgroup.
  RunResult ps = (*s_hull)({"ps", "--format", "json", unique_id("ex")});
  EXPECT_THAT(ps.out, HasSubstr(pid));
  EXPECT_EQ(exec({unique_id("ex"), "kill", "-9", "-1"}).exit_code,
            0);  // tidy up: pid 1 survives -1
}

TEST_F(ExecTest, ProcessJson) {
  TempDir tmp;
  std::string json = tmp.path() + "/process.json";
  ASSERT_TRUE(write_text(json, R"({
    "terminal": false,
    "user": {"uid": 65534, "gid": 65534},
    "args": ["sh", "-c", "echo $FOO; pwd; id -u; id -g"],
    "env": ["PATH=/bin:/usr/bin", "FOO=from-json"],
    "cwd": "/tmp"
  })"));
  RunResult r = exec({"--process", json, unique_id("ex")});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "from-json\n/tmp\n65534\n65534\n");
}

TEST_F(ExecTest, EnvCwdUser) {
  RunResult r = exec({"-e", "FOO=bar", "--env", "BAZ=qux", "--cwd", "/tmp", "--user", "65534:65534",
                      unique_id("ex"), "sh", "-c", "echo $FOO $BAZ; pwd; id -u; id -g"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "bar qux\n/tmp\n65534\n65534\n");
  // Without flags: the config's user, cwd and env.
  r = exec({unique_id("ex"), "sh", "-c", "id -u; pwd; echo ${FOO:-unset}"});
  EXPECT_EQ(r.out, "0\n/\nunset\n");
}

TEST_F(ExecTest, DoesNotDisturbInit) {
  for (int i = 0; i < 5; ++i) ASSERT_EQ(exec({unique_id("ex"), "true"}).exit_code, 0);
  EXPECT_EQ(status_of(*s_hull, unique_id("ex")), "running");
  EXPECT_EQ(init_pid(*s_hull, unique_id("ex")), s_pid);
}

}  // namespace
}  // namespace hull::testing

// CPU affinity: execCPUAffinity for `exec` (initial: the process from its birth until it is in
// the container's cgroup, while hull itself keeps its own; final: the process afterwards) and
// runc's reset of an affinity inherited from hull's caller (`taskset -c 0 hull run` must not pin
// the container to CPU 0). Checked to fail without the feature: with the affinity of the launch
// request (nsexec/launch.cc) and init's reset (container/init/init.cc) removed, every process here
// reports CPU 0 (the caller's taskset) instead.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tests/security/sec_util.h"

namespace hull::testing::security {
namespace {

using ::testing::HasSubstr;

class AffinityTest : public SecurityTest {
 protected:
  void SetUp() override {
    if (::sysconf(_SC_NPROCESSORS_ONLN) < 2) GTEST_SKIP() << "needs two CPUs";
    std::string status = read_text("/proc/self/status");
    auto lines = lines_with(status, "Cpus_allowed_list:");
    ASSERT_EQ(lines.size(), 1U);
    m_all = lines[0];  // what an unrestricted process here may use
    ASSERT_THAT(m_all, HasSubstr("1")) << "the test itself must be allowed CPU 1";
  }
  // hull pinned to CPU 0 by its caller.
  RunResult pinned(const std::vector<std::string>& args) {
    std::vector<std::string> argv = {"/usr/bin/taskset", "-c",     "0",
                                     hull_binary(),      "--root", runner().root()};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_command(argv);
  }
  // A detached container that sleeps; returns its id.
  std::string start_sleeper(const Bundle& b, const std::string& base) {
    std::string id = track(base);
    RunResult r = hull({"run", "--detach", "--bundle", b.dir(), id});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return id;
  }
  std::string process_json(const Bundle& b, const std::string& script,
                           const std::string& affinity) {
    std::string path = b.dir() + "/process.json";
    EXPECT_TRUE(write_text(path, "{\"args\": [\"/bin/sh\", \"-c\", \"" + script +
                                     "\"], \"cwd\": \"/\", \"execCPUAffinity\": " + affinity +
                                     "}"));
    return path;
  }
  std::string m_all;
};

TEST_F(AffinityTest, RunDropsTheCallersAffinity) {
  Bundle b({"/bin/grep", "Cpus_allowed_list", "/proc/self/status"});
  RunResult r = pinned({"run", "--bundle", b.dir(), track("aff-run")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, m_all + "\n");
}

TEST_F(AffinityTest, ExecFinalAndReset) {
  Bundle b({"/bin/sleep", "60"});
  std::string id = start_sleeper(b, "aff-exec");
  const std::string grep = "grep Cpus_allowed_list /proc/self/status";
  RunResult r =
      pinned({"exec", "--process", process_json(b, grep, R"({"initial": "0", "final": "1"})"), id});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "Cpus_allowed_list:\t1\n");
  r = pinned({"exec", "--process", process_json(b, grep, R"({"final": "1"})"), id});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "Cpus_allowed_list:\t1\n");
  // No final: the caller's CPU 0 is not kept.
  r = pinned({"exec", id, "grep", "Cpus_allowed_list", "/proc/self/status"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, m_all + "\n");
}

TEST_F(AffinityTest, ExecInitialHoldsUntilTheCgroupJoinAndTheCallerKeepsItsOwn) {
  Bundle b({"/bin/sleep", "60"});
  std::string id = start_sleeper(b, "aff-initial");
  ASSERT_EQ(hull({"pause", id}).exit_code, 0);
  std::string proc = process_json(b, "true", R"({"initial": "1"})");
  // hull-init (the process that becomes the exec'd one) freezes as it joins the paused
  // container's cgroup, before it may take `final`: read its affinity and that of `hull exec`,
  // then resume.
  std::string script =
      "/usr/bin/taskset -c 0 " + hull_binary() + " --root " + runner().root() +
      " exec --ignore-paused --process " + proc + " " + id + " & pid=$!; i=0; c=; " +
      // hull-init by name: `hull exec` also has a short-lived launcher helper as a child.
      "while [ -z \"$c\" ] && [ $i -lt 150 ]; do for x in $(cat /proc/$pid/task/$pid/children); " +
      "do [ \"$(cat /proc/$x/comm 2>/dev/null)\" = hull-init ] && c=$x; done; " +
      "sleep 0.1; i=$((i+1)); done; sleep 0.3; " +
      "echo init $(grep Cpus_allowed_list /proc/$c/status); " +
      "echo hull $(grep Cpus_allowed_list /proc/$pid/status); " + hull_binary() + " --root " +
      runner().root() + " resume " + id + "; wait $pid";
  RunResult r = run_command({"/bin/sh", "-c", script});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "init Cpus_allowed_list: 1\nhull Cpus_allowed_list: 0\n");
}

TEST_F(AffinityTest, BadListsAreClearErrors) {
  Bundle b({"/bin/sleep", "60"});
  std::string id = start_sleeper(b, "aff-bad");
  RunResult r = pinned({"exec", "--process", process_json(b, "true", R"({"initial": "0-x"})"), id});
  EXPECT_EQ(r.exit_code, 255);  // runc's exit code for a failed exec
  EXPECT_THAT(r.err, HasSubstr(".process.execCPUAffinity.initial: invalid CPU list \\\"0-x\\\""));
  r = pinned({"exec", "--process", process_json(b, "true", R"({"final": "4000"})"), id});
  EXPECT_EQ(r.exit_code, 255);
  EXPECT_THAT(r.err,
              HasSubstr("sched_setaffinity .process.execCPUAffinity.final 4000: Invalid argument"));
  // The container is unharmed, and the failed exec left no process in it.
  r = hull({"ps", id});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(lines_with(r.out, "sleep").size(), 1U) << r.out;
  EXPECT_EQ(r.out.find("hull"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace hull::testing::security

// `exec --ignore-paused` and `exec --cgroup` as runc 1.1.5 has them. Compared with the installed
// runc on a busybox bundle (container "c", `sleep 1000`):
//   runc pause c; runc exec c true                 -> exit 255, "exec failed: cannot exec in a
//                                                     paused container (use --ignore-paused to
//                                                     override)"
//   runc exec --ignore-paused c true                -> blocks until `runc resume c`, then exit 0
//   runc exec --cgroup cpu,memory:sub c cat /proc/self/cgroup   -> cpu:/sub, memory:/sub
//   runc exec --cgroup cpu:nosuch c true            -> exit 255, "...open .../nosuch/cgroup.procs:
//                                                     no such file or directory"
//   runc exec --cgroup a:b:c c true                 -> exit 255, "invalid --cgroup argument: a:b:c"
//   runc exec --cgroup a --cgroup b c true          -> exit 255, "invalid --cgroup argument: a
//                                                     (missing <controller>: prefix)"
//   runc exec --cgroup nosuch:x c true              -> exit 255, "unknown controller nosuch ..."
//   runc exec --cgroup ../x c true                  -> exit 255, "../x is not a sub cgroup path"
// Checked to fail without the fix: --ignore-paused was refused like a plain exec, and --cgroup
// was ignored (the process ran in the container's own cgroup; the bad arguments were accepted).
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <regex>
#include <thread>

#include "tests/harness/harness.h"

namespace hull::testing {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using namespace std::chrono_literals;

// controllers -> cgroup of `pid` from the host's view, e.g. "memory" -> "/hull/c/sub".
std::map<std::string, std::string> proc_cgroups(const std::string& pid) {
  std::map<std::string, std::string> out;
  std::string text = read_text("/proc/" + pid + "/cgroup");
  std::regex line("[0-9]+:([^:]*):([^\n]*)");
  for (auto it = std::sregex_iterator(text.begin(), text.end(), line); it != std::sregex_iterator();
       ++it)
    out[(*it)[1]] = (*it)[2];
  return out;
}

class ExecFlagsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    RunResult r = hull({"run", "--detach", "--bundle", bundle.dir(), id});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    m_init_pid = init_pid(hull, id);
    ASSERT_FALSE(m_init_pid.empty());
  }
  // exec -d with a pid file: the pid of the new process, or "" (with the failure recorded).
  std::string exec_detached(std::vector<std::string> flags) {
    std::string pid_file = tmp.path() + "/exec.pid";
    std::vector<std::string> args = {"exec", "-d", "--pid-file", pid_file};
    args.insert(args.end(), flags.begin(), flags.end());
    args.insert(args.end(), {id, "sleep", "30"});
    RunResult r = hull(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    std::string pid = read_text(pid_file);
    fs::remove(pid_file);
    return r.exit_code == 0 ? pid : "";
  }

  Hull hull;
  Bundle bundle{{"sleep", "100"}};
  TempDir tmp;
  std::string id = unique_id(std::string("xf-") +
                             ::testing::UnitTest::GetInstance()->current_test_info()->name());
  ContainerGuard guard{hull, id};
  std::string m_init_pid;
};

TEST_F(ExecFlagsTest, PausedNeedsIgnorePausedAndThenWaitsForResume) {
  ASSERT_EQ(hull({"pause", id}).exit_code, 0);
  RunResult r = hull({"exec", id, "true"});
  EXPECT_EQ(r.exit_code, 255);
  EXPECT_THAT(r.err,
              HasSubstr("cannot exec in a paused container (use --ignore-paused to override)"));

  Spawned exec({hull_binary(), "--root", hull.root(), "exec", "--ignore-paused", id, "sh", "-c",
                "echo ran"});
  // The process is frozen as it joins the container's cgroup: exec cannot finish before resume.
  EXPECT_EQ(exec.wait(500ms), std::nullopt) << exec.err();
  EXPECT_EQ(status_of(hull, id), "paused");
  r = hull({"resume", id}, 10s);
  ASSERT_EQ(r.exit_code, 0) << "resume must not wait for the exec: " << r.err;
  EXPECT_EQ(exec.wait(10s), 0) << exec.err();
  EXPECT_EQ(exec.out(), "ran\n");
}

TEST_F(ExecFlagsTest, CgroupPerControllerAndForAll) {
  auto paths = cgroup_paths(hull, id);
  ASSERT_FALSE(paths.empty());
  auto init = proc_cgroups(m_init_pid);
  for (const auto& [_, dir] : paths) {
    ASSERT_EQ(::mkdir((dir + "/sub").c_str(), 0755), 0) << dir;
    // A v1 cpuset cgroup takes no task until it has cpus and mems: the caller's job, as with runc.
    for (const char* file : {"/cpuset.cpus", "/cpuset.mems"})
      if (fs::exists(dir + file)) {
        ASSERT_TRUE(write_text(dir + "/sub" + file, read_text(dir + file)));
      }
  }

  // Per controller (a hybrid or v1 host: named controllers), several given at once.
  if (paths.count("memory") && paths.count("pids")) {
    std::string pid = exec_detached({"--cgroup", "memory,pids:sub"});
    ASSERT_FALSE(pid.empty());
    auto got = proc_cgroups(pid);
    EXPECT_EQ(got["memory"], init["memory"] + "/sub");
    EXPECT_EQ(got["pids"], init["pids"] + "/sub");
    EXPECT_EQ(got["devices"], init["devices"]) << "a controller not named stays";
  }
  // A path alone: every hierarchy the container has.
  std::string pid = exec_detached({"--cgroup", "/sub/"});
  ASSERT_FALSE(pid.empty());
  auto got = proc_cgroups(pid);
  for (const auto& [controllers, path] : init) {
    if (path.find(id) == std::string::npos) continue;  // a hierarchy the container has no cgroup in
    EXPECT_EQ(got[controllers], path + "/sub") << controllers;
  }
  EXPECT_EQ(hull({"delete", "--force", id}).exit_code, 0);
  EXPECT_THAT(cgroup_dirs_of(id), ::testing::IsEmpty()) << "the sub-cgroups go with the container";
}

TEST_F(ExecFlagsTest, CgroupErrorsAreRuncsAndLeaveNoProcess) {
  struct Case {
    std::vector<std::string> flags;
    std::string message;
  };
  auto [controller, dir] = *cgroup_paths(hull, id).rbegin();
  const std::vector<Case> cases = {
      {{"--cgroup", "a:b:c"}, "invalid --cgroup argument: a:b:c"},
      {{"--cgroup", "a", "--cgroup", "b"},
       "invalid --cgroup argument: a (missing <controller>: prefix)"},
      {{"--cgroup", "nosuch:x"}, "--cgroup nosuch:x: unknown controller"},
      {{"--cgroup", "../x"}, "../x\\\" is not a sub cgroup path"},  // logfmt escapes the quote
      {{"--cgroup", controller + ":nosuch"},
       "entering the --cgroup sub-cgroup: open " + dir + "/nosuch"},
      {{"--cgroup", "nosuch"}, "entering the --cgroup sub-cgroup: open "},
  };
  for (const auto& c : cases) {
    std::vector<std::string> args = {"exec"};
    args.insert(args.end(), c.flags.begin(), c.flags.end());
    args.insert(args.end(), {id, "true"});
    RunResult r = hull(args);
    EXPECT_EQ(r.exit_code, 255) << c.flags.back();
    EXPECT_THAT(r.err, HasSubstr(c.message)) << c.flags.back();
  }
  RunResult missing = hull({"exec", "--cgroup", "nosuch", id, "true"});
  EXPECT_THAT(missing.err, HasSubstr("No such file or directory"));
  EXPECT_EQ(json_at(hull({"ps", "--format", "json", id}).out, ""), "[" + m_init_pid + "]")
      << "a refused exec leaves no process in the container";
}

}  // namespace
}  // namespace hull::testing

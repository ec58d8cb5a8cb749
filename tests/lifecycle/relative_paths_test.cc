// Relative paths given to hull are relative to the caller's working directory, as runc 1.1.5 has
// them (revisePidFile, reviseRootDir), although `create` chdirs into the bundle. Compared with the
// installed runc on a busybox bundle:
//   cd D && runc run -d --pid-file rel.pid --bundle B c    -> D/rel.pid, nothing in B, exit 0
//   runc run -d --pid-file /nonexistent/x.pid --bundle B c -> exit 1, no container "c" left
//   cd D && runc --root rel run --bundle B c (process exits 0) -> exit 0, state under D/rel
// Checked to fail without the fix: create and run -d wrote rel.pid into the bundle; the refused
// pid file left container "c" created; `run` with a relative root failed in `start` ("cannot
// start an already running container": it looked for its exec socket under the bundle).
// exec and restore never chdir: their relative pid files were right before and are checked here
// for exec (restore: by hand with criu, relative --pid-file lands in the caller's directory).
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "tests/harness/harness.h"

namespace hull::testing {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

// hull with this test's root, started in `cwd`.
RunResult hull_in(const Hull& hull, const std::string& cwd, std::vector<std::string> args) {
  args.insert(args.begin(), {hull_binary(), "--root", hull.root()});
  return run_command_in(cwd, args);
}

TEST(RelativePathsTest, RelativeToTheCallersDirectoryForCreateRunAndExec) {
  Hull hull;
  Bundle b({"sleep", "100"});
  TempDir cwd;
  std::string created = unique_id("pf-create"), ran = unique_id("pf-run");
  ContainerGuard g1(hull, created), g2(hull, ran);

  RunResult r = hull_in(hull, cwd.path(),
                        {"create", "--pid-file", "create.pid", "--bundle", b.dir(), created});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_FALSE(read_pid_file(cwd.path() + "/create.pid").empty()) << r.err;
  EXPECT_EQ(read_pid_file(cwd.path() + "/create.pid"), init_pid(hull, created));
  EXPECT_FALSE(fs::exists(b.dir() + "/create.pid")) << "written into the bundle";

  r = hull_in(hull, cwd.path(), {"run", "-d", "--pid-file", "./run.pid", "--bundle", b.dir(), ran});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_FALSE(read_pid_file(cwd.path() + "/run.pid").empty()) << r.err;
  EXPECT_EQ(read_pid_file(cwd.path() + "/run.pid"), init_pid(hull, ran));
  EXPECT_FALSE(fs::exists(b.dir() + "/run.pid"));

  r = hull_in(hull, cwd.path(), {"exec", "-d", "--pid-file", "exec.pid", ran, "sleep", "30"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::string pid = read_pid_file(cwd.path() + "/exec.pid");
  ASSERT_FALSE(pid.empty());
  EXPECT_EQ(read_text("/proc/" + pid + "/cmdline"), std::string("sleep\0"
                                                                "30\0",
                                                                9));
  EXPECT_FALSE(fs::exists(b.dir() + "/exec.pid"));
}

TEST(RelativePathsTest, UnwritablePidFileLeavesNoContainer) {
  Hull hull;
  Bundle b({"sleep", "100"});
  TempDir tmp;
  for (const char* cmd : {"create", "run"}) {
    std::string id = unique_id(std::string("pf-bad-") + cmd);
    ContainerGuard guard(hull, id);
    std::vector<std::string> args = {cmd,        "--pid-file", tmp.path() + "/missing/x.pid",
                                     "--bundle", b.dir(),      id};
    if (std::string(cmd) == "run") args.insert(args.begin() + 1, "-d");
    RunResult r = hull(args);
    EXPECT_EQ(r.exit_code, 1) << cmd;
    EXPECT_THAT(r.err, HasSubstr("writing pid file " + tmp.path() + "/missing/x.pid")) << cmd;
    EXPECT_THAT(r.err, HasSubstr("No such file or directory")) << cmd;
    EXPECT_FALSE(fs::exists(hull.root() + "/" + id)) << cmd << ": the container was left behind";
    EXPECT_THAT(cgroup_dirs_of(id), ::testing::IsEmpty()) << cmd;
  }
}

TEST(RelativePathsTest, RootRelativeToTheCallersDirectory) {
  Bundle b({"sh", "-c", "exit 3"});
  TempDir cwd;
  std::string id = unique_id("relroot");
  RunResult r = run_command_in(
      cwd.path(), {hull_binary(), "--root", "rel/root", "run", "--bundle", b.dir(), id});
  EXPECT_EQ(r.exit_code, 3) << r.err;  // the container's own status: it ran
  EXPECT_FALSE(fs::exists(b.dir() + "/rel")) << "state written under the bundle";
  EXPECT_TRUE(fs::is_directory(cwd.path() + "/rel/root"));
  EXPECT_FALSE(fs::exists(cwd.path() + "/rel/root/" + id)) << "run removes its container";

  r = run_command_in(cwd.path(), {hull_binary(), "--root", "rel/root", "run", "-d", "--bundle",
                                  b.dir(), id + "d"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = run_command_in(cwd.path(),
                     {hull_binary(), "--root", "./rel/root", "delete", "--force", id + "d"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(cgroup_dirs_of(id), ::testing::IsEmpty());
  EXPECT_THAT(cgroup_dirs_of(id + "d"), ::testing::IsEmpty());
}

}  // namespace
}  // namespace hull::testing

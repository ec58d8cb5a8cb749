// OCI hooks through the CLI: each hook appends "<name> <status>" (status read from the state
// JSON on its stdin) to a log in a host dir that is bind-mounted at the same path inside the
// container, so hooks in either mount namespace write the same file.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "tests/harness/harness.h"

namespace hull::testing {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

// A hook entry (Python literal) that logs `name` and the status from stdin to `log`.
std::string logging_hook(const std::string& name, const std::string& log) {
  return "{'path': '/bin/sh', 'env': ['PATH=/usr/sbin:/usr/bin:/sbin:/bin'], 'args': ['sh', '-c', "
         "r'''s=$(tr -d ' \\n' | sed -n 's/.*\"status\":\"\\([a-z]*\\)\".*/\\1/p'); "
         "echo \"$0 $s\" >> " +
         log + "''', '" + name + "']}";
}

TEST(HooksTest, RunInOrderWithTheirStatus) {
  Hull hull;
  TempDir host;
  std::string log = host.path() + "/hooks.log";
  Bundle b({"sh", "-c", "echo process >> " + log});
  std::string hooks = "c['hooks'] = {";
  for (const char* name :
       {"createRuntime", "createContainer", "startContainer", "poststart", "poststop"}) {
    hooks += std::string("'") + name + "': [" + logging_hook(name, log) + "], ";
  }
  hooks += "}";
  b.edit(edits::bind(host.path(), host.path()) + hooks);
  ContainerGuard guard(hull, unique_id("h1"));

  RunResult r = hull({"create", "--bundle", b.dir(), unique_id("h1")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(read_text(log), "createRuntime creating\ncreateContainer creating\n");
  ASSERT_EQ(hull({"start", unique_id("h1")}).exit_code, 0);
  EXPECT_EQ(wait_for_status(hull, unique_id("h1"), "stopped"), "stopped");
  r = hull({"delete", unique_id("h1")});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  // poststart runs after the process started; the process's own line may come before or after.
  std::string text = read_text(log);
  std::string without_process = text;
  size_t at = without_process.find("process\n");
  EXPECT_NE(at, std::string::npos) << text;
  if (at != std::string::npos) without_process.erase(at, 8);
  EXPECT_EQ(without_process,
            "createRuntime creating\ncreateContainer creating\nstartContainer created\n"
            "poststart running\npoststop stopped\n");
  EXPECT_LT(text.find("startContainer"), text.find("process")) << text;
}

// Each hook's working directory, as runc gives it: createContainer hooks run in the rootfs
// (they used to run in the bundle), createRuntime hooks in the bundle.
TEST(HooksTest, CreateContainerHooksRunInTheRootfs) {
  Hull hull;
  TempDir host;
  Bundle b({"true"});
  std::string hooks = "c['hooks'] = {";
  for (const char* name : {"createRuntime", "createContainer"}) {
    hooks += std::string("'") + name + "': [{'path': '/bin/sh', 'args': ['sh', '-c', 'pwd > " +
             host.path() + "/' + '" + name + "']}], ";
  }
  b.edit(edits::bind(host.path(), host.path()) + hooks + "}");
  ContainerGuard guard(hull, unique_id("h-cwd"));
  RunResult r = hull({"run", "--bundle", b.dir(), unique_id("h-cwd")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(read_text(host.path() + "/createContainer"), b.rootfs() + "\n");
  EXPECT_EQ(read_text(host.path() + "/createRuntime"), b.dir() + "\n");
}

TEST(HooksTest, FailingCreateRuntimeHookFailsCreateAndLeavesNothing) {
  Hull hull;
  TempDir host;
  std::string log = host.path() + "/hooks.log";
  Bundle b({"sh", "-c", "echo process >> " + log + "; sleep 100"});
  b.edit(edits::bind(host.path(), host.path()) +
         "c['hooks'] = {'createRuntime': [{'path': '/bin/sh', 'args': ['sh', '-c', 'exit 3']}], "
         "'createContainer': [" +
         logging_hook("createContainer", log) + "]}");
  ContainerGuard guard(hull, unique_id("h2"));
  RunResult r = hull({"create", "--bundle", b.dir(), unique_id("h2")});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("createRuntime"));
  EXPECT_THAT(r.err, HasSubstr("exit status 3"));
  EXPECT_FALSE(fs::exists(hull.root() + "/" + unique_id("h2")));
  EXPECT_THAT(cgroup_dirs_of(unique_id("h2")), ::testing::IsEmpty());
  EXPECT_THAT(pids_with_cmdline(hull.root()), ::testing::IsEmpty());
  EXPECT_THAT(mounts_under(b.dir()), ::testing::IsEmpty());
  EXPECT_THAT(mounts_under(hull.root()), ::testing::IsEmpty());
  EXPECT_FALSE(fs::exists(log)) << read_text(log);
  r = hull({"state", unique_id("h2")});
  EXPECT_THAT(r.err, HasSubstr("does not exist"));
  // The id is free again.
  b.edit("del c['hooks']");
  r = hull({"create", "--bundle", b.dir(), unique_id("h2")});
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

TEST(HooksTest, FailingPoststartHookOnlyWarns) {
  Hull hull;
  Bundle b({"sleep", "100"});
  b.edit("c['hooks'] = {'poststart': [{'path': '/bin/sh', 'args': ['sh', '-c', 'exit 4']}]}");
  ContainerGuard guard(hull, unique_id("h3"));
  ASSERT_EQ(hull({"create", "--bundle", b.dir(), unique_id("h3")}).exit_code, 0);
  RunResult r = hull({"start", unique_id("h3")});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.err, HasSubstr("poststart"));
  EXPECT_EQ(status_of(hull, unique_id("h3")), "running");
}

}  // namespace
}  // namespace hull::testing

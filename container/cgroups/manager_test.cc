// Real cgroups: the host's hierarchies (v1 or hybrid) and a cgroup2 mounted in a private mount
// namespace for the v2 driver. Needs real root (tags = ["no-sandbox"]).
#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <sstream>

#include "base/testing/matchers.h"
#include "container/cgroups/cgroups.h"
#include "container/cgroups/testing.h"
#include "sys/file.h"

namespace hull::container::cgroups {
namespace {

using base::testing::FailedWithErrno;
using base::testing::IsOk;
using ::testing::Contains;
using testing_support::cgroup_of;
using testing_support::Sleeper;
using testing_support::unique_id;

TEST(ManagerRootTest, ApplyJoinsEveryHierarchyAndDestroyRemovesThem) {
  auto mgr = Manager::create("", unique_id("apply"));
  ASSERT_THAT(mgr, IsOk());
  Manager& m = **mgr;
  Sleeper child;
  ASSERT_THAT(m.apply(child.pid()), IsOk());
  EXPECT_TRUE(m.exists());

  CgroupPaths paths = m.paths();
  ASSERT_FALSE(paths.paths.empty());
  for (const auto& [controller, path] : paths.paths) {
    EXPECT_TRUE(sys::exists(path)) << path;
    // /proc/PID/cgroup names the same cgroup for every hierarchy we manage.
    auto rel = cgroup_of(child.pid(), controller);
    ASSERT_THAT(rel, IsOk()) << controller;
    EXPECT_TRUE(path.ends_with(*rel)) << controller << ": " << path << " vs " << *rel;
  }

  auto pids = m.pids();
  ASSERT_THAT(pids, IsOk());
  EXPECT_THAT(*pids, Contains(child.pid()));

  // Reloading from the saved paths sees the same cgroup.
  auto loaded = Manager::load(paths);
  ASSERT_THAT(loaded, IsOk());
  EXPECT_EQ((*loaded)->paths(), paths);
  EXPECT_EQ((*loaded)->mode(), m.mode());
  auto pids2 = (*loaded)->pids();
  ASSERT_THAT(pids2, IsOk());
  EXPECT_THAT(*pids2, Contains(child.pid()));

  child.kill();
  ASSERT_THAT(m.destroy(), IsOk());
  EXPECT_FALSE(m.exists());
  for (const auto& [controller, path] : paths.paths) EXPECT_FALSE(sys::exists(path)) << path;
  // Destroying again is fine: missing directories are not an error.
  EXPECT_THAT(m.destroy(), IsOk());
}

// A loaded manager knows only the paths; making its directories again finds each hierarchy's
// mount point then (the top level below it is new too, so a wrong guess fails).
TEST(ManagerRootTest, LoadedManagerMakesItsDirectoriesAgain) {
  const std::string top = unique_id("reload");
  auto made = Manager::create(top + "/inner", "unused");
  ASSERT_THAT(made, IsOk());
  const CgroupPaths paths = (*made)->paths();
  auto loaded = Manager::load(paths);
  ASSERT_THAT(loaded, IsOk());
  ASSERT_THAT((*loaded)->create_dirs(), IsOk());
  for (const auto& [controller, path] : paths.paths) EXPECT_TRUE(sys::exists(path)) << path;
  EXPECT_THAT((*loaded)->destroy(), IsOk());
  for (const auto& [controller, path] : paths.paths) {
    EXPECT_FALSE(sys::exists(path)) << path;
    const std::string parent = path.substr(0, path.rfind('/'));
    if (parent.ends_with("/" + top)) (void)sys::unlinkat(AT_FDCWD, parent, AT_REMOVEDIR);
  }
}

TEST(ManagerRootTest, DestroyWithLiveTaskFailsWithEbusyThenSucceeds) {
  // One hierarchy is enough to see the bounded retry.
  auto layout = detect_cgroup_layout();
  ASSERT_THAT(layout, IsOk());
  CgroupLayout one;
  if (layout->v1.count("pids")) {
    one.v1["pids"] = layout->v1.at("pids");
  } else {
    one.unified = layout->unified;
  }
  auto mgr = Manager::create("/hull-test/" + unique_id("busy"), "unused", one);
  ASSERT_THAT(mgr, IsOk());
  Sleeper child;
  ASSERT_THAT((*mgr)->apply(child.pid()), IsOk());
  EXPECT_THAT((*mgr)->destroy(), FailedWithErrno(EBUSY));
  EXPECT_TRUE((*mgr)->exists());
  child.kill();
  EXPECT_THAT((*mgr)->destroy(), IsOk());
  EXPECT_FALSE((*mgr)->exists());
  (void)sys::unlinkat(
      AT_FDCWD, one.v1.count("pids") ? one.v1["pids"] + "/hull-test" : *one.unified + "/hull-test",
      AT_REMOVEDIR);
}

TEST(ManagerRootTest, DestroyRemovesNestedCgroups) {
  auto mgr = Manager::create("", unique_id("nested"));
  ASSERT_THAT(mgr, IsOk());
  Sleeper child;
  ASSERT_THAT((*mgr)->apply(child.pid()), IsOk());
  for (const auto& [_, path] : (*mgr)->paths().paths)
    (void)sys::mkdirat(AT_FDCWD, path + "/sub", 0755);
  child.kill();
  ASSERT_THAT((*mgr)->destroy(), IsOk());
  for (const auto& [_, path] : (*mgr)->paths().paths) EXPECT_FALSE(sys::exists(path)) << path;
}

// The v2 driver on a real cgroup2: a child process makes its mounts private, replaces
// /sys/fs/cgroup with a cgroup2 mount (a pure v2 host, as far as mountinfo says) and runs the
// same lifecycle. The child reports through its exit status and a pipe.
TEST(ManagerRootTest, V2DriverOnPrivateCgroup2Mount) {
  std::string result = testing_support::run_in_v2_namespace([]() -> Result<> {
    auto mgr = TRY(Manager::create("", unique_id("v2")));
    if (mgr->mode() != Mode::V2) return base::fail(base::Error::invalid("mode is not V2"));
    Sleeper child;
    TRY(mgr->apply(child.pid()));
    std::string rel = TRY(cgroup_of(child.pid(), ""));
    std::string path = mgr->paths().paths.at("");
    if (!path.ends_with(rel) || rel == "/")
      return base::fail(base::Error::invalid("child is in " + rel + ", cgroup is " + path));
    auto pids = TRY(mgr->pids());
    if (std::find(pids.begin(), pids.end(), child.pid()) == pids.end())
      return base::fail(base::Error::invalid("pids() misses the child"));
    child.kill();
    TRY(mgr->destroy());
    if (mgr->exists()) return base::fail(base::Error::invalid("cgroup still exists"));
    return {};
  });
  EXPECT_EQ(result, "ok");
}

}  // namespace
}  // namespace hull::container::cgroups

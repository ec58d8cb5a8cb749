#include "container/cgroups/sub_cgroups.h"

#include <gmock/gmock.h>

#include "base/testing/matchers.h"

namespace hull::container::cgroups {
namespace {

using base::testing::IsOk;
using ::testing::HasSubstr;

// A hybrid host's paths, with cpu and cpuacct co-mounted.
CgroupPaths hybrid() {
  return CgroupPaths{{{"", "/sys/fs/cgroup/unified/hull/c"},
                      {"cpu", "/sys/fs/cgroup/cpu,cpuacct/hull/c"},
                      {"cpuacct", "/sys/fs/cgroup/cpu,cpuacct/hull/c"},
                      {"memory", "/sys/fs/cgroup/memory/hull/c"}}};
}

TEST(SubCgroupPathsTest, NoneKeepsThePaths) {
  auto r = sub_cgroup_paths(hybrid(), {});
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(*r, hybrid());
}

TEST(SubCgroupPathsTest, APathAloneAppliesToEveryHierarchy) {
  auto r = sub_cgroup_paths(hybrid(), {{"", "sub/x"}});
  ASSERT_THAT(r, IsOk());
  for (const auto& [controller, path] : r->paths)
    EXPECT_EQ(path, hybrid().paths.at(controller) + "/sub/x") << controller;
}

TEST(SubCgroupPathsTest, PerControllerMovesCoMountedControllersToo) {
  auto r = sub_cgroup_paths(hybrid(), {{"cpu", "/a/"}, {"memory", "./b/../m"}});
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->paths.at("cpu"), "/sys/fs/cgroup/cpu,cpuacct/hull/c/a");
  EXPECT_EQ(r->paths.at("cpuacct"), "/sys/fs/cgroup/cpu,cpuacct/hull/c/a");
  EXPECT_EQ(r->paths.at("memory"), "/sys/fs/cgroup/memory/hull/c/m");
  EXPECT_EQ(r->paths.at(""), "/sys/fs/cgroup/unified/hull/c");
}

TEST(SubCgroupPathsTest, EmptyOrRootIsTheContainersOwnCgroup) {
  for (const char* rel : {"", "/", "a/.."}) {
    auto r = sub_cgroup_paths(hybrid(), {{"", rel}});
    ASSERT_THAT(r, IsOk());
    EXPECT_EQ(*r, hybrid()) << rel;
  }
}

TEST(SubCgroupPathsTest, LeavingTheContainersCgroupIsRefused) {
  for (const char* rel : {"..", "../other", "a/../../c2", "/../x"}) {
    auto r = sub_cgroup_paths(hybrid(), {{"memory", rel}});
    ASSERT_FALSE(r.has_value()) << rel;
    EXPECT_EQ(r.error().kind(), base::ErrorKind::InvalidArgument);
    EXPECT_THAT(r.error().message(), HasSubstr("is not a sub cgroup path")) << rel;
  }
}

TEST(SubCgroupPathsTest, UnknownControllerNamesItAndTheKnownOnes) {
  auto r = sub_cgroup_paths(hybrid(), {{"nosuch", "sub"}});
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().kind(), base::ErrorKind::InvalidArgument);
  EXPECT_THAT(r.error().message(), HasSubstr("unknown controller \"nosuch\""));
  EXPECT_THAT(r.error().message(), HasSubstr("cpuacct, memory"));
}

TEST(SubCgroupPathsTest, CoMountedControllersMustAgree) {
  auto r = sub_cgroup_paths(hybrid(), {{"cpu", "a"}, {"cpuacct", "b"}});
  ASSERT_FALSE(r.has_value());
  EXPECT_THAT(r.error().message(), HasSubstr("/sys/fs/cgroup/cpu,cpuacct/hull/c"));
  EXPECT_THAT(sub_cgroup_paths(hybrid(), {{"cpu", "a"}, {"cpuacct", "a/"}}), IsOk());
}

}  // namespace
}  // namespace hull::container::cgroups

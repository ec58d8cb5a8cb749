#include "container/cgroups/mountinfo.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "base/testing/matchers.h"
#include "container/cgroups/cgroups.h"

namespace hull::container::cgroups {
namespace {

using base::ErrorKind;
using base::testing::ErrorMessageHas;
using base::testing::FailedWith;
using ::testing::Pair;
using ::testing::UnorderedElementsAre;

constexpr std::string_view kHybrid =
    "25 1 0:23 / /proc rw,nosuid - proc proc rw\n"
    "31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
    "32 31 0:29 / /sys/fs/cgroup/cpu,cpuacct rw,relatime shared:9 - cgroup cgroup rw,cpu,cpuacct\n"
    "35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory\n"
    "40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,xattr,name=systemd\n"
    "41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw,nsdelegate\n"
    "99 31 0:32 / /mnt/again rw,relatime - cgroup cgroup rw,memory\n";

TEST(CgroupLayoutTest, HybridHost) {
  auto layout = parse_cgroup_layout(kHybrid);
  ASSERT_TRUE(layout.has_value()) << layout.error().message();
  EXPECT_EQ(layout->mode(), Mode::Hybrid);
  EXPECT_THAT(layout->v1, UnorderedElementsAre(Pair("cpu", "/sys/fs/cgroup/cpu,cpuacct"),
                                               Pair("cpuacct", "/sys/fs/cgroup/cpu,cpuacct"),
                                               Pair("memory", "/sys/fs/cgroup/memory"),
                                               Pair("name=systemd", "/sys/fs/cgroup/systemd")));
  EXPECT_EQ(layout->unified, "/sys/fs/cgroup/unified");
}

TEST(CgroupLayoutTest, PureV2HostWithEscapedMountPoint) {
  auto layout = parse_cgroup_layout(
      "30 23 0:26 / /sys/fs/my\\040cgroup rw - cgroup2 cgroup2 "
      "rw,nsdelegate,memory_recursiveprot\n");
  ASSERT_TRUE(layout.has_value()) << layout.error().message();
  EXPECT_EQ(layout->mode(), Mode::V2);
  EXPECT_TRUE(layout->v1.empty());
  EXPECT_EQ(layout->unified, "/sys/fs/my cgroup");
}

TEST(CgroupLayoutTest, V1Only) {
  auto layout = parse_cgroup_layout("35 31 0:32 / /cg/mem rw - cgroup cgroup rw,memory\n");
  ASSERT_TRUE(layout.has_value()) << layout.error().message();
  EXPECT_EQ(layout->mode(), Mode::V1);
}

// Lines without the fields of a cgroup mount are passed over, not refused (the mount table's own
// parser refuses them): only cgroup mounts matter here.
TEST(CgroupLayoutTest, ShortLinesArePassedOver) {
  auto layout = parse_cgroup_layout(
      "garbage\n"
      "41 31 0:38 / /sys/fs/cgroup/unified rw - cgroup2\n"
      "35 31 0:32 / /cg/mem rw - cgroup cgroup rw,memory\n");
  ASSERT_TRUE(layout.has_value()) << layout.error().message();
  EXPECT_EQ(layout->mode(), Mode::V1);
  EXPECT_THAT(layout->v1, UnorderedElementsAre(Pair("memory", "/cg/mem")));
}

TEST(CgroupLayoutTest, NoCgroupMountIsNotFound) {
  EXPECT_THAT(parse_cgroup_layout("25 1 0:23 / /proc rw - proc proc rw\n"),
              FailedWith(ErrorKind::NotFound));
  EXPECT_THAT(parse_cgroup_layout(""), FailedWith(ErrorKind::NotFound));
}

std::string path_or_error(const std::string& cgroups_path, const std::string& id) {
  auto r = normalize_cgroups_path(cgroups_path, id);
  return r.has_value() ? *r : "error: " + r.error().message();
}

TEST(CgroupsPathTest, DefaultRelativeAbsolute) {
  EXPECT_EQ(path_or_error("", "abc"), "/hull/abc");
  EXPECT_EQ(path_or_error("a/b", "abc"), "/a/b");
  EXPECT_EQ(path_or_error("/x//y/./z/", "abc"), "/x/y/z");
}

TEST(CgroupsPathTest, DotDotAndRootAreRejected) {
  EXPECT_THAT(normalize_cgroups_path("/a/../../etc", "abc"), ErrorMessageHas("linux.cgroupsPath"));
  EXPECT_THAT(normalize_cgroups_path("/", "abc"), FailedWith(ErrorKind::InvalidArgument));
}

TEST(ManagerTest, CreatePlacesEachControllerBelowItsMount) {
  auto layout = parse_cgroup_layout(kHybrid);
  ASSERT_TRUE(layout.has_value());
  auto mgr = Manager::create("", "c1", *layout);
  ASSERT_TRUE(mgr.has_value()) << mgr.error().message();
  EXPECT_EQ((*mgr)->mode(), Mode::Hybrid);
  EXPECT_THAT((*mgr)->paths().paths,
              UnorderedElementsAre(Pair("cpu", "/sys/fs/cgroup/cpu,cpuacct/hull/c1"),
                                   Pair("cpuacct", "/sys/fs/cgroup/cpu,cpuacct/hull/c1"),
                                   Pair("memory", "/sys/fs/cgroup/memory/hull/c1"),
                                   Pair("name=systemd", "/sys/fs/cgroup/systemd/hull/c1"),
                                   Pair("", "/sys/fs/cgroup/unified/hull/c1")));
}

TEST(ManagerTest, LoadChoosesDriverFromPaths) {
  auto v2 = Manager::load(CgroupPaths{{{"", "/sys/fs/cgroup/x"}}});
  ASSERT_TRUE(v2.has_value()) << v2.error().message();
  EXPECT_EQ((*v2)->mode(), Mode::V2);
  auto v1 = Manager::load(CgroupPaths{{{"memory", "/sys/fs/cgroup/memory/x"}}});
  ASSERT_TRUE(v1.has_value()) << v1.error().message();
  EXPECT_EQ((*v1)->mode(), Mode::V1);
  EXPECT_EQ((*v1)->paths(), (CgroupPaths{{{"memory", "/sys/fs/cgroup/memory/x"}}}));
  EXPECT_THAT(Manager::load(CgroupPaths{}), FailedWith(ErrorKind::InvalidArgument));
  EXPECT_THAT(Manager::load(CgroupPaths{{{"memory", "rel"}}}), ErrorMessageHas("not absolute"));
}

}  // namespace
}  // namespace hull::container::cgroups

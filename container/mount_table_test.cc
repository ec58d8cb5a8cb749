#include "container/mount_table.h"

#include <gmock/gmock.h>

#include "base/testing/matchers.h"

namespace hull::container {
namespace {

using base::testing::ErrorMessageHas;
using base::testing::FailedWith;
using base::testing::IsOk;

// A host with a shared /, a private /tmp bind, procfs and sysfs, a bind of part of procfs and a
// mount point with a space in it.
constexpr std::string_view kTable =
    "27 1 254:0 / / rw,relatime shared:1 - ext4 /dev/vda rw\n"
    "22 27 0:21 / /proc rw,relatime - proc proc rw\n"
    "23 27 0:22 / /sys rw,relatime shared:7 master:3 - sysfs sysfs rw\n"
    "40 27 254:0 /srv /tmp/a\\040b rw,relatime - ext4 /dev/vda rw\n"
    "41 40 0:21 /sys /tmp/a\\040b/sys rw - proc proc rw\n"
    "42 27 0:30 / /tmp/a\\040b rw - tmpfs tmpfs rw\n";

TEST(MountTableTest, ParsesFieldsAndPropagation) {
  auto t = parse_mount_table(kTable);
  ASSERT_THAT(t, IsOk());
  ASSERT_EQ(t->size(), 6U);
  EXPECT_EQ((*t)[0].mount_point, "/");
  EXPECT_TRUE((*t)[0].shared);
  EXPECT_EQ((*t)[1].fstype, "proc");
  EXPECT_FALSE((*t)[1].shared);
  EXPECT_TRUE((*t)[2].shared);  // shared and a slave at once
  EXPECT_EQ((*t)[3].root, "/srv");
  EXPECT_EQ((*t)[3].mount_point, "/tmp/a b");
  EXPECT_EQ((*t)[4].root, "/sys");
}

TEST(MountTableTest, LineWithAndWithoutSuperOptions) {
  auto e = parse_mount_line("35 31 0:32 / /cg/mem rw - cgroup cgroup rw,memory");
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->fstype, "cgroup");
  EXPECT_EQ(e->super_options, "rw,memory");
  auto short_line = parse_mount_line("35 31 0:32 / /cg/mem rw - cgroup2");
  ASSERT_TRUE(short_line.has_value());
  EXPECT_EQ(short_line->fstype, "cgroup2");
  EXPECT_EQ(short_line->super_options, std::nullopt);
  EXPECT_EQ(parse_mount_line("35 31 0:32 / /cg/mem rw"), std::nullopt);
  EXPECT_EQ(parse_mount_line("35 31 / /cg/mem - cgroup cgroup rw"), std::nullopt);
  EXPECT_EQ(parse_mount_line(""), std::nullopt);
}

TEST(MountTableTest, MalformedLineIsNamed) {
  EXPECT_THAT(parse_mount_table("27 1 254:0 / / rw\n"), FailedWith(base::ErrorKind::Protocol));
  EXPECT_THAT(parse_mount_table("27 1 254:0 / / rw\n"), ErrorMessageHas("27 1 254:0 / / rw"));
  EXPECT_THAT(parse_mount_table(""), IsOk());
}

TEST(MountTableTest, MountHoldingPrefersTheLongestAndTheLastListed) {
  auto t = MUST(parse_mount_table(kTable));
  EXPECT_EQ(mount_holding(t, "/var/lib")->mount_point, "/");
  EXPECT_EQ(mount_holding(t, "/tmp/a b/rootfs")->fstype, "tmpfs");  // covers the ext4 bind
  EXPECT_EQ(mount_holding(t, "/tmp/a b/sys/x")->fstype, "proc");
  EXPECT_EQ(mount_holding(t, "/procfs")->mount_point, "/");
  EXPECT_EQ(mount_holding({}, "/x"), nullptr);
}

}  // namespace
}  // namespace hull::container

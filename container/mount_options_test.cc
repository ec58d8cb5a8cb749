#include "container/mount_options.h"

#include <gmock/gmock.h>
#include <linux/mount.h>
#include <sys/mount.h>

#include "base/testing/matchers.h"

namespace hull::container {
namespace {

using base::testing::ErrorMessageHas;
using base::testing::FailedWith;
using base::testing::IsOk;

TEST(MountOptionsTest, RootfsPropagationIsTakenAsWritten) {
  struct Case {
    std::string name;
    unsigned long flags;
  } cases[] = {{"", MS_SLAVE | MS_REC},      {"rslave", MS_SLAVE | MS_REC},
               {"slave", MS_SLAVE},          {"rshared", MS_SHARED | MS_REC},
               {"shared", MS_SHARED},        {"rprivate", MS_PRIVATE | MS_REC},
               {"private", MS_PRIVATE},      {"runbindable", MS_UNBINDABLE | MS_REC},
               {"unbindable", MS_UNBINDABLE}};
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    auto p = parse_rootfs_propagation(c.name);
    ASSERT_THAT(p, IsOk());
    EXPECT_EQ(p->mount_flags(), c.flags);
  }
  EXPECT_THAT(parse_rootfs_propagation("rbind"), FailedWith(base::ErrorKind::InvalidArgument));
  EXPECT_THAT(parse_rootfs_propagation("rbind"), ErrorMessageHas(".linux.rootfsPropagation"));
}

TEST(MountOptionsTest, ReadOnlyTmpfsAndDevAreMadeReadOnlyLater) {
  auto later = [](Mount m) { return is_read_only_later(m, MUST(parse_mount_options(m))); };
  EXPECT_TRUE(later({"/dev", "tmpfs", "tmpfs", {"nosuid", "ro"}, {}, {}}));
  EXPECT_TRUE(later({"/run", "tmpfs", "tmpfs", {"ro"}, {}, {}}));
  EXPECT_TRUE(later({"/dev/", "devtmpfs", "udev", {"ro"}, {}, {}}));
  EXPECT_FALSE(later({"/dev", "tmpfs", "tmpfs", {"nosuid"}, {}, {}}));
  EXPECT_FALSE(later({"/dev", "tmpfs", "tmpfs", {"ro", "rw"}, {}, {}}));
  EXPECT_FALSE(later({"/sys", "sysfs", "sysfs", {"ro"}, {}, {}}));
  EXPECT_FALSE(later({"/dev", "bind", "/dev", {"rbind", "ro"}, {}, {}}));  // binds: at once
}

}  // namespace
}  // namespace hull::container

#include "sys/userns.h"

#include <fcntl.h>
#include <gmock/gmock.h>
#include <sched.h>
#include <unistd.h>

#include "base/testing/matchers.h"
#include "sys/file.h"
#include "sys/mount.h"
#include "sys/process.h"
#include "sys/socket.h"

namespace hull::sys {
namespace {

using base::testing::ErrorMessageHas;
using base::testing::FailedWithErrno;
using base::testing::IsOk;

// The uid_map a process sees after joining `userns` (read in a forked child: setns into a user
// namespace needs a single-threaded caller and changes it for good).
std::string uid_map_inside(FdRef userns) {
  auto p = pipe();
  if (!p.has_value()) return "pipe failed";
  auto c = clone3(0);
  if (!c.has_value()) return "clone3 failed";
  if (c->is_child()) {
    if (::setns(userns.get(), CLONE_NEWUSER) < 0) ::_exit(1);
    auto map = read_file("/proc/self/uid_map");
    if (!map.has_value()) ::_exit(2);
    (void)write_all(p->second, *map, "pipe");
    ::_exit(0);
  }
  p->second.reset();
  auto st = wait_pidfd(c->pidfd);
  if (!st.has_value() || st->code != 0) return "child failed";
  auto out = read_all(p->first, "pipe");
  return out.has_value() ? *out : "read failed";
}

// Under Bazel's sandbox root is uid 0 of a namespace that maps only 0, so that is the one id a
// test can map; outside it (real root) the same call works for any id.
TEST(UsernsTest, MakeUsernsHasTheGivenMaps) {
  auto ns = make_userns("0 0 1\n", "0 0 1\n");
  ASSERT_THAT(ns, IsOk());
  EXPECT_THAT(uid_map_inside(*ns), ::testing::MatchesRegex(" *0 +0 +1\n"));
}

TEST(UsernsTest, BadMapIsAnErrorNamingTheFile) {
  auto ns = make_userns("not a map\n", "0 0 1\n");
  EXPECT_THAT(ns, FailedWithErrno(EINVAL));
  EXPECT_THAT(ns, ErrorMessageHas("uid_map"));
}

TEST(UsernsTest, IdmapRefusesAnAttachedMount) {
  auto ns = make_userns("0 0 1\n", "0 0 1\n");
  ASSERT_THAT(ns, IsOk());
  auto root = open("/", O_PATH | O_DIRECTORY);
  ASSERT_THAT(root, IsOk());
  // Only a detached tree (open_tree OPEN_TREE_CLONE) may be idmapped.
  auto r = mount_setattr_idmap(*root, *ns, false, "the root mount");
  EXPECT_FALSE(r.has_value());
  EXPECT_THAT(r, ErrorMessageHas("MOUNT_ATTR_IDMAP"));
}

}  // namespace
}  // namespace hull::sys

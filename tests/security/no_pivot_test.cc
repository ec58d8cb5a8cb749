// --no-pivot: the rootfs is moved over / and chrooted into, so the old root (the host's mounts)
// stays in the container's mount namespace, out of reach by path. The kernel lets a new user
// namespace mount procfs or sysfs while the namespace holds a full, uncovered mount of it
// (mount_too_revealing): the host's, without the container's masks, would do. hull detaches (or
// covers) every such mount outside the rootfs first, as runc's msMoveRoot does.
//
// The container's process (an ordinary uid, so that it may map itself to root) makes a user, mount,
// pid and network namespace and tries both mounts. Checked to fail without hide_host_proc_and_sys
// (container/rootfs.cc): "proc-mounted" and "sysfs-mounted" with --no-pivot, with and without a
// user namespace for the container; pivot_root never allowed them.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tests/security/sec_util.h"

namespace hull::testing::security {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

class NoPivotTest : public SecurityTest {};

TEST_F(NoPivotTest, NewUserNamespaceCannotMountProcOrSysfs) {
  HostSnapshot before = HostSnapshot::take();
  for (bool no_pivot : {true, false}) {
    for (bool userns : {false, true}) {
      SCOPED_TRACE(std::string(no_pivot ? "--no-pivot" : "pivot_root") +
                   (userns ? ", user namespace" : ""));
      Bundle b({"/bin/sh", "-c",
                "unshare -rmpfn sh -c 'echo in-new-userns; mount -t proc proc /tmp && echo "
                "proc-mounted; "
                "mount -t sysfs sysfs /root && echo sysfs-mounted'; echo done"});
      ASSERT_EQ(::chmod(b.dir().c_str(), 0755), 0);
      b.edit("c['process']['user'] = {'uid': 1000, 'gid': 1000}\n" +
             (userns ? edits::user_namespace() : ""));
      std::vector<std::string> args = {"run", "--bundle", b.dir()};
      if (no_pivot) args.push_back("--no-pivot");
      args.push_back(
          track(std::string("nopivot-") + (no_pivot ? "n" : "p") + (userns ? "u" : "r")));
      RunResult r = hull(args);
      EXPECT_EQ(r.exit_code, 0) << r.err;
      // The attempt was real: the process got its own user namespace.
      EXPECT_THAT(r.out, HasSubstr("in-new-userns\n"));
      EXPECT_THAT(r.out, Not(HasSubstr("proc-mounted")));
      EXPECT_THAT(r.out, Not(HasSubstr("sysfs-mounted")));
      EXPECT_THAT(r.out, HasSubstr("done\n"));
      EXPECT_THAT(leaked_mounts(before, {b.dir()}), IsEmpty());
    }
  }
  expect_no_leaks(before, {});
}

}  // namespace
}  // namespace hull::testing::security

#include "sys/process.h"

#include <gmock/gmock.h>
#include <linux/mount.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <unistd.h>

#include "base/testing/matchers.h"
#include "sys/file.h"
#include "sys/mount.h"
#include "sys/ns.h"
#include "sys/socket.h"

namespace hull::sys {
namespace {

using base::testing::ErrorMessageHas;
using base::testing::FailedWithErrno;
using base::testing::IsOk;

static_assert(!std::is_copy_constructible_v<ChildProcess>);

TEST(ProcessTest, Clone3GivesAPidfdAndTheExitStatus) {
  auto c = clone3(0);
  ASSERT_THAT(c, IsOk());
  if (c->is_child()) ::_exit(7);
  EXPECT_GT(c->pid, 0);
  ASSERT_TRUE(c->pidfd.is_valid());
  auto st = wait_pidfd(c->pidfd);
  ASSERT_THAT(st, IsOk());
  EXPECT_EQ(st->code, 7);
  EXPECT_EQ(st->shell_code(), 7);
}

TEST(ProcessTest, SignalExitIsShellEncoded) {
  auto c = clone3(0);
  ASSERT_THAT(c, IsOk());
  if (c->is_child()) {
    ::pause();
    ::_exit(0);
  }
  ASSERT_THAT(pidfd_send_signal(c->pidfd, SIGKILL), IsOk());
  auto st = wait_pidfd(c->pidfd);
  ASSERT_THAT(st, IsOk());
  EXPECT_EQ(st->signal, SIGKILL);
  EXPECT_EQ(st->shell_code(), 137);
}

TEST(ProcessTest, Clone3IntoNewNamespacesMakesPid1) {
  auto pipe_fds = pipe();
  ASSERT_THAT(pipe_fds, IsOk());
  auto c = clone3(CLONE_NEWPID | CLONE_NEWUTS | CLONE_NEWNS);
  ASSERT_THAT(c, IsOk());
  if (c->is_child()) {
    bool ok = ::getpid() == 1 && sethostname("hull-test").has_value();
    ::_exit(ok ? 0 : 1);
  }
  auto st = wait_pidfd(c->pidfd);
  ASSERT_THAT(st, IsOk());
  EXPECT_EQ(st->code, 0);
}

TEST(ProcessTest, ChildProcessKillsAndReapsOnDrop) {
  pid_t pid = 0;
  {
    auto c = clone3(0);
    ASSERT_THAT(c, IsOk());
    if (c->is_child()) {
      for (;;) ::pause();
    }
    pid = c->pid;
    ChildProcess child(c->pid, std::move(c->pidfd));
  }
  // Reaped: the pid no longer names our child.
  EXPECT_EQ(::kill(pid, 0), -1);
}

TEST(ProcessTest, StartTimeIdentifiesAProcess) {
  auto self = process_start_time(::getpid());
  ASSERT_THAT(self, IsOk());
  EXPECT_GT(*self, 0u);
  auto again = process_start_time(::getpid());
  ASSERT_THAT(again, IsOk());
  EXPECT_EQ(*self, *again);
  EXPECT_THAT(process_start_time(0x7ffffff0), FailedWithErrno(ENOENT));
  auto state = process_state(::getpid());
  ASSERT_THAT(state, IsOk());
  EXPECT_EQ(*state, 'R');
}

TEST(ProcessTest, PidfdOpenOfAMissingPidNamesIt) {
  auto r = pidfd_open(0x7ffffff0);
  EXPECT_THAT(r, FailedWithErrno(ESRCH));
  EXPECT_THAT(r, ErrorMessageHas("pidfd_open pid 2147483632"));
}

TEST(MountTest, ErrorsNameTheCallAndSubject) {
  EXPECT_THAT(umount2("/nonexistent-hull-test", 0),
              ErrorMessageHas("umount /nonexistent-hull-test"));
  EXPECT_THAT(open_tree_clone(AT_FDCWD, "/nonexistent-hull-test", false, "bind /x"),
              FailedWithErrno(ENOENT));
  EXPECT_THAT(fs_mount("no-such-fs-type", "", {}, 0, "x on /y"),
              ErrorMessageHas("fsopen no-such-fs-type"));
}

TEST(MountTest, DetachedMountsAttachByFdInAPrivateNamespace) {
  char tmpl[] = "/tmp/hull-mount-test-XXXXXX";
  ASSERT_NE(mkdtemp(tmpl), nullptr);
  std::string dir = tmpl;
  auto c = clone3(CLONE_NEWNS);
  ASSERT_THAT(c, IsOk());
  if (c->is_child()) {
    // A tmpfs built detached (ro), attached onto an fd, then a file inside must not be creatable.
    bool ok = mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr, "/").has_value();
    auto target = open(dir, O_PATH | O_DIRECTORY);
    auto mnt = fs_mount("tmpfs", "tmpfs", {"mode=0755", "size=1m"}, MOUNT_ATTR_RDONLY, "tmpfs");
    ok = ok && target.has_value() && mnt.has_value() &&
         move_mount(*mnt, *target, "tmpfs").has_value();
    auto f = open(dir + "/x", O_WRONLY | O_CREAT, 0644);
    ok = ok && !f.has_value() && f.error().errno_code() == EROFS;
    ::_exit(ok ? 0 : 1);
  }
  auto st = wait_pidfd(c->pidfd);
  ASSERT_THAT(st, IsOk());
  EXPECT_EQ(st->code, 0);
  // The mount lived in the child's namespace only.
  auto f = open(dir + "/x", O_WRONLY | O_CREAT, 0644);
  EXPECT_THAT(f, IsOk());
  ASSERT_THAT(remove_tree(dir), IsOk());
}

TEST(NsTest, SetnsThroughAPidfdJoinsItsNamespaces) {
  auto ready = pipe();
  ASSERT_THAT(ready, IsOk());
  auto c = clone3(CLONE_NEWUTS);
  ASSERT_THAT(c, IsOk());
  if (c->is_child()) {
    (void)sethostname("joined-by-pidfd");
    (void)write_all(ready->second, "x", "ready");
    for (;;) ::pause();
  }
  ChildProcess holder(c->pid, std::move(c->pidfd));
  char b;
  ASSERT_THAT(read_some(ready->first, std::span(&b, 1), "ready"), IsOk());
  auto j = clone3(0);
  ASSERT_THAT(j, IsOk());
  if (j->is_child()) {
    char name[64] = {};
    bool ok = setns(holder.pidfd(), CLONE_NEWUTS, "uts").has_value() &&
              ::gethostname(name, sizeof name) == 0 && std::string(name) == "joined-by-pidfd";
    ::_exit(ok ? 0 : 1);
  }
  auto st = wait_pidfd(j->pidfd);
  ASSERT_THAT(st, IsOk());
  EXPECT_EQ(st->code, 0);
}

}  // namespace
}  // namespace hull::sys

#include "sys/ns.h"

#include <fcntl.h>
#include <gmock/gmock.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <stddef.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "base/testing/matchers.h"
#include "sys/file.h"
#include "sys/process.h"
#include "sys/security.h"

namespace hull::sys {
namespace {

using base::testing::IsOk;

// Runs `body` in a child (each case changes its fd table, seccomp filter or mounts) and returns
// its exit code: 0 for success, a distinct code per failed check.
int in_child(int (*body)()) {
  auto c = clone3(0);
  if (!c.has_value()) return -1;
  if (c->is_child()) ::_exit(body());
  auto st = wait_pidfd(c->pidfd);
  if (!st.has_value() || st->signal != 0) return -2;
  return st->code;
}

// A raw fd without FD_CLOEXEC, as a leaky caller hands one over.
int inheritable_fd() { return ::open("/dev/null", O_RDONLY); }
bool is_cloexec(int fd) { return (::fcntl(fd, F_GETFD) & FD_CLOEXEC) != 0; }

TEST(CloexecTest, EachFromMarksTheFdsFromFirstOnly) {
  EXPECT_EQ(in_child([] {
              int low = inheritable_fd(), high = ::fcntl(low, F_DUPFD, low + 10);
              if (low < 0 || high < 0) return 10;
              if (!cloexec_each_from(low + 1).has_value()) return 11;
              if (is_cloexec(low)) return 12;
              if (!is_cloexec(high)) return 13;
              return 0;
            }),
            0);
}

// A seccomp profile that predates close_range refuses it; the fds must still be marked.
TEST(CloexecTest, FromFallsBackWhenSeccompRefusesCloseRange) {
  EXPECT_EQ(in_child([] {
              struct sock_filter insns[] = {
                  BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
                  BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_close_range, 0, 1),
                  BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
                  BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
              };
              struct sock_fprog prog = {sizeof insns / sizeof insns[0], insns};
              if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) return 10;
              if (!seccomp_set_mode_filter(0, prog).has_value()) return 11;
              int fd = inheritable_fd();
              if (fd < 0) return 12;
              // The refusal is real: close_range itself fails.
              if (::syscall(SYS_close_range, fd, ~0U, CLOSE_RANGE_CLOEXEC) == 0 || errno != EPERM)
                return 13;
              if (!cloexec_from(fd).has_value()) return 14;
              if (!is_cloexec(fd)) return 15;
              return 0;
            }),
            0);
}

// A container may mount anything on /proc; a listing from it would miss fds.
TEST(CloexecTest, EachFromRefusesAProcThatIsNotProcfs) {
  EXPECT_EQ(in_child([] {
              if (::unshare(CLONE_NEWNS) < 0) return 10;
              if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) < 0) return 11;
              if (::mount("tmpfs", "/proc", "tmpfs", 0, nullptr) < 0) return 12;
              if (!mkdir_all("/proc/self/fd", 0755).has_value()) return 13;
              auto r = cloexec_each_from(3);
              if (r.has_value()) return 14;
              if (r.error().message().find("not on procfs") == std::string::npos) return 15;
              return 0;
            }),
            0);
}

}  // namespace
}  // namespace hull::sys

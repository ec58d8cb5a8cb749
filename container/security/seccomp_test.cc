#include "container/security/seccomp.h"

#include <fcntl.h>
#include <linux/audit.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <functional>
#include <string>

#include "base/testing/matchers.h"
#include "container/security/seccomp_enosys.h"
#include "sys/security.h"
#include "sys/socket.h"

namespace hull::container::security {
namespace {

using base::testing::ErrorMessageHas;
using base::testing::IsOk;
using ::testing::HasSubstr;

// Leaves a filtered child without the sanitizers' exit hooks: LeakSanitizer's checks at _exit need
// syscalls (clone, ptrace) that a default-deny filter refuses.
[[noreturn]] void exit_now(int code) {
  ::syscall(SYS_exit_group, code);
  __builtin_unreachable();
}

// Runs `body` in a forked child that first loads `program` (after no_new_privs) and returns the
// wait status. The child exits 100+ on setup failures.
int run_filtered(const SeccompProgram& program, const std::function<int(int listener)>& body) {
  pid_t pid = ::fork();
  if (pid == 0) {
    if (!sys::set_no_new_privs().has_value()) ::_exit(100);
    auto fd = load_seccomp(program);
    if (!fd.has_value()) ::_exit(101);
    exit_now(body(fd->release()));
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  return status;
}

SeccompSyscall rule(std::vector<std::string> names, std::string action,
                    std::optional<uint32_t> errno_ret = std::nullopt,
                    std::vector<SeccompArg> args = {}) {
  SeccompSyscall s;
  s.names = std::move(names);
  s.action = std::move(action);
  s.errno_ret = errno_ret;
  s.args = std::move(args);
  return s;
}

Seccomp allow_by_default(std::vector<SeccompSyscall> syscalls) {
  Seccomp cfg;
  cfg.default_action = "SCMP_ACT_ALLOW";
  cfg.syscalls = std::move(syscalls);
  return cfg;
}

// -errno of a raw syscall, or its result.
long raw(long nr, long a0 = 0) {
  long rc = ::syscall(nr, a0);
  return rc < 0 ? -errno : rc;
}

TEST(SeccompTest, ErrnoRuleReturnsTheConfiguredErrno) {
  auto prog = compile_seccomp(allow_by_default({rule({"getppid"}, "SCMP_ACT_ERRNO", 42)}));
  ASSERT_THAT(prog, IsOk());
  EXPECT_FALSE(prog->has_notify());
  int status = run_filtered(*prog, [](int) { return raw(SYS_getppid) == -42 ? 0 : 1; });
  ASSERT_TRUE(WIFEXITED(status)) << status;
  EXPECT_EQ(WEXITSTATUS(status), 0);
  // Without the filter, getppid succeeds.
  EXPECT_GT(raw(SYS_getppid), 0);
}

TEST(SeccompTest, ErrnoWithoutErrnoRetIsEperm) {
  auto prog = compile_seccomp(allow_by_default({rule({"getppid"}, "SCMP_ACT_ERRNO")}));
  ASSERT_THAT(prog, IsOk());
  int status = run_filtered(*prog, [](int) { return raw(SYS_getppid) == -EPERM ? 0 : 1; });
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
}

TEST(SeccompTest, DefaultErrnoRetAppliesToTheDefaultAction) {
  Seccomp cfg;
  cfg.default_action = "SCMP_ACT_ERRNO";
  cfg.default_errno_ret = 38;
  // Everything the child needs after loading stays allowed (the sanitizer runtimes use more).
  cfg.syscalls = {rule({"exit_group", "exit", "getpid", "gettid", "sigaltstack", "mmap", "munmap",
                        "madvise", "write", "rt_sigprocmask", "rt_sigaction", "futex"},
                       "SCMP_ACT_ALLOW")};
  auto prog = compile_seccomp(cfg);
  ASSERT_THAT(prog, IsOk());
  int status = run_filtered(*prog, [](int) {
    if (raw(SYS_getpid) <= 0) return 1;
    return raw(SYS_getppid) == -38 ? 0 : 2;
  });
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
}

// The profile names calls up to exit_group; statx is newer than all of them, getppid is not.
TEST(SeccompTest, SyscallsBeyondTheProfileGetEnosys) {
  Seccomp cfg;
  cfg.default_action = "SCMP_ACT_ERRNO";  // EPERM
  cfg.syscalls = {rule({"exit_group", "exit", "getpid", "gettid", "sigaltstack", "mmap", "munmap",
                        "madvise", "write", "rt_sigprocmask", "rt_sigaction", "futex"},
                       "SCMP_ACT_ALLOW")};
  auto prog = compile_seccomp(cfg);
  ASSERT_THAT(prog, IsOk());
  static_assert(SYS_statx > SYS_exit_group && SYS_getppid < SYS_exit_group);
  int status = run_filtered(*prog, [](int) {
    if (raw(SYS_getppid) != -EPERM) return 1;     // in the profile's range: the default action
    if (raw(SYS_statx, -1) != -ENOSYS) return 2;  // beyond it: as if the kernel lacked it
    if (raw(SYS_getpid) <= 0) return 3;
    return 0;
  });
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
}

TEST(SeccompTest, NoEnosysStubWhenTheDefaultAllows) {
  auto prog = compile_seccomp(allow_by_default({rule({"getppid"}, "SCMP_ACT_ERRNO", 42)}));
  ASSERT_THAT(prog, IsOk());
  int status = run_filtered(*prog, [](int) {
    // statx(-1, NULL, ...) reaches the kernel: EFAULT or EBADF, not ENOSYS.
    return raw(SYS_statx, -1) != -ENOSYS ? 0 : 1;
  });
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
}

TEST(SeccompTest, EnosysStubShape) {
  EXPECT_TRUE(enosys_stub({}).empty());
  const ArchLimit x86_64[] = {{AUDIT_ARCH_X86_64, 300}};
  // ld arch, jeq, ld nr, jset x32, jgt, ja, ret: the last jump lands right after the stub.
  auto stub = enosys_stub(x86_64);
  ASSERT_EQ(stub.size(), 7U);
  EXPECT_EQ(stub[4].k, 300U);
  EXPECT_EQ(stub[5].code, BPF_JMP | BPF_JA);
  EXPECT_EQ(stub[5].k, 1U);
  EXPECT_EQ(stub[6].k, SECCOMP_RET_ERRNO | ENOSYS);
  const ArchLimit two[] = {{AUDIT_ARCH_X86_64, 300}, {AUDIT_ARCH_I386, 400}};
  auto both = enosys_stub(two);
  ASSERT_EQ(both.size(), 11U);
  EXPECT_EQ(both[1].jf, 3);  // a non-x86_64 call skips to the i386 block at 5
  EXPECT_EQ(both[8].k, 400U);
}

TEST(SeccompTest, KillActionsKillWithSigsys) {
  for (const char* action :
       {"SCMP_ACT_KILL", "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD", "SCMP_ACT_TRAP"}) {
    auto prog = compile_seccomp(allow_by_default({rule({"getppid"}, action)}));
    ASSERT_THAT(prog, IsOk()) << action;
    int status = run_filtered(*prog, [](int) {
      (void)raw(SYS_getppid);
      return 0;
    });
    ASSERT_TRUE(WIFSIGNALED(status)) << action << " status " << status;
    EXPECT_EQ(WTERMSIG(status), SIGSYS) << action;
  }
}

TEST(SeccompTest, ArgumentComparisons) {
  // dup(fd) fails with 77 only for fd 0; MASKED_EQ on dup2's second argument: (fd & 0xf0) == 0x50.
  auto prog = compile_seccomp(allow_by_default({
      rule({"dup"}, "SCMP_ACT_ERRNO", 77, {{0, 0, 0, "SCMP_CMP_EQ"}}),
      rule({"dup2"}, "SCMP_ACT_ERRNO", 78, {{1, 0xf0, 0x50, "SCMP_CMP_MASKED_EQ"}}),
  }));
  ASSERT_THAT(prog, IsOk());
  int status = run_filtered(*prog, [](int) {
    if (raw(SYS_dup, 0) != -77) return 1;
    if (raw(SYS_dup, 1) < 0) return 2;
    if (::syscall(SYS_dup2, 1, 0x53) != -1 || errno != 78) return 3;
    if (::syscall(SYS_dup2, 1, 0x63) != 0x63) return 4;
    return 0;
  });
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
}

TEST(SeccompTest, RepeatedArgumentIndexBecomesSeparateRules) {
  // runc: two conditions on argument 0 match either value, not both at once.
  auto prog = compile_seccomp(allow_by_default(
      {rule({"dup"}, "SCMP_ACT_ERRNO", 77, {{0, 0, 0, "SCMP_CMP_EQ"}, {0, 1, 0, "SCMP_CMP_EQ"}})}));
  ASSERT_THAT(prog, IsOk());
  int status = run_filtered(*prog, [](int) {
    if (raw(SYS_dup, 0) != -77) return 1;
    if (raw(SYS_dup, 1) != -77) return 2;
    if (raw(SYS_dup, 2) < 0) return 3;
    return 0;
  });
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
}

TEST(SeccompTest, UnknownAndForeignSyscallNamesAreIgnored) {
  auto plain = compile_seccomp(allow_by_default({rule({"getppid"}, "SCMP_ACT_ERRNO")}));
  auto with_unknown = compile_seccomp(
      allow_by_default({rule({"getppid", "no_such_syscall_hull", "socketcall", "ipc",
                              "arm_fadvise64_64", "s390_pci_mmio_read", "sync_file_range2"},
                             "SCMP_ACT_ERRNO")}));
  ASSERT_THAT(plain, IsOk());
  ASSERT_THAT(with_unknown, IsOk());
}

TEST(SeccompTest, RuleWithTheDefaultActionIsSkipped) {
  auto prog = compile_seccomp(allow_by_default({rule({"getppid"}, "SCMP_ACT_ALLOW")}));
  ASSERT_THAT(prog, IsOk());
  auto empty = compile_seccomp(allow_by_default({}));
  ASSERT_THAT(empty, IsOk());
  EXPECT_EQ(prog->filter.size(), empty->filter.size());
}

TEST(SeccompTest, ArchitecturesAddCode) {
  auto native = compile_seccomp(allow_by_default({rule({"getppid"}, "SCMP_ACT_ERRNO")}));
  Seccomp cfg = allow_by_default({rule({"getppid"}, "SCMP_ACT_ERRNO")});
  cfg.architectures = {"SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"};
  auto multi = compile_seccomp(cfg);
  ASSERT_THAT(native, IsOk());
  ASSERT_THAT(multi, IsOk());
  EXPECT_GT(multi->filter.size(), native->filter.size());
}

TEST(SeccompTest, FlagsReachTheSyscall) {
  Seccomp cfg = allow_by_default({rule({"getppid"}, "SCMP_ACT_ERRNO", 5)});
  cfg.flags = {"SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW",
               "SECCOMP_FILTER_FLAG_TSYNC"};
  auto prog = compile_seccomp(cfg);
  ASSERT_THAT(prog, IsOk());
  EXPECT_EQ(prog->flags,
            SECCOMP_FILTER_FLAG_LOG | SECCOMP_FILTER_FLAG_SPEC_ALLOW | SECCOMP_FILTER_FLAG_TSYNC);
  int status = run_filtered(*prog, [](int) { return raw(SYS_getppid) == -5 ? 0 : 1; });
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
}

TEST(SeccompTest, NotifyHandsTheListenerToTheAgent) {
  char dir_template[] = "/tmp/hull-seccomp-XXXXXX";
  ASSERT_NE(::mkdtemp(dir_template), nullptr);
  const std::string sock_path = std::string(dir_template) + "/agent.sock";
  auto listener = sys::unix_listen(sock_path, SOCK_STREAM);
  ASSERT_THAT(listener, IsOk());

  Seccomp cfg = allow_by_default({rule({"getppid"}, "SCMP_ACT_NOTIFY")});
  cfg.listener_path = sock_path;
  cfg.listener_metadata = "meta";
  auto prog = compile_seccomp(cfg);
  ASSERT_THAT(prog, IsOk());
  ASSERT_TRUE(prog->has_notify());

  pid_t pid = ::fork();
  if (pid == 0) {
    if (!sys::set_no_new_privs().has_value()) ::_exit(100);
    auto fd = load_seccomp(*prog);
    if (!fd.has_value() || !fd->is_valid()) ::_exit(101);
    std::string msg = container_process_state_json(::getpid(), "meta", R"({"id":"c1"})");
    if (!send_seccomp_listener(sock_path, fd->get(), msg).has_value()) ::_exit(102);
    fd->reset();
    // Blocks until the agent answers for the kernel.
    ::_exit(raw(SYS_getppid) == 4242 ? 0 : 103);
  }
  auto conn = sys::accept(*listener, "agent");
  ASSERT_THAT(conn, IsOk());
  auto got = sys::recv_with_fds(*conn, 4096, "agent");
  ASSERT_THAT(got, IsOk());
  EXPECT_THAT(got->data, HasSubstr(R"("fds":["seccompFd"])"));
  EXPECT_THAT(got->data, HasSubstr(R"("metadata":"meta")"));
  EXPECT_THAT(got->data, HasSubstr(R"("state":{"id":"c1"})"));
  ASSERT_EQ(got->fds.size(), 1U);

  struct seccomp_notif req {};
  ASSERT_EQ(::ioctl(got->fds[0].get(), SECCOMP_IOCTL_NOTIF_RECV, &req), 0) << errno;
  EXPECT_EQ(req.data.nr, SYS_getppid);
  struct seccomp_notif_resp resp {};
  resp.id = req.id;
  resp.val = 4242;
  ASSERT_EQ(::ioctl(got->fds[0].get(), SECCOMP_IOCTL_NOTIF_SEND, &resp), 0) << errno;

  int status = 0;
  ::waitpid(pid, &status, 0);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
  ::unlink(sock_path.c_str());
  ::rmdir(dir_template);
}

TEST(SeccompTest, ContainerProcessStateShape) {
  EXPECT_EQ(container_process_state_json(12, "", R"({"id":"x"})"),
            R"({"ociVersion":"1.2.0","fds":["seccompFd"],"pid":12,"state":{"id":"x"}})");
}

TEST(SeccompTest, SendToMissingListenerNamesThePath) {
  auto r = send_seccomp_listener("/nonexistent/hull/agent.sock", 0, "{}");
  EXPECT_THAT(r, ErrorMessageHas("/nonexistent/hull/agent.sock"));
}

struct BadCase {
  Seccomp cfg;
  std::string message;
};

TEST(SeccompTest, InvalidConfigsNameTheJsonPath) {
  std::vector<BadCase> cases;
  {
    Seccomp c = allow_by_default({rule({"read"}, "SCMP_ACT_ERRNO"), rule({"a"}, "SCMP_ACT_ERRNO"),
                                  rule({"b"}, "SCMP_ACT_ERRNO"), rule({"c"}, "SCMP_ACT_FOO")});
    cases.push_back({c, R"(.linux.seccomp.syscalls[3].action: unknown action "SCMP_ACT_FOO")"});
  }
  {
    Seccomp c = allow_by_default({});
    c.default_action = "SCMP_ACT_NOPE";
    cases.push_back({c, R"(.linux.seccomp.defaultAction: unknown action "SCMP_ACT_NOPE")"});
  }
  cases.push_back(
      {allow_by_default({rule({"dup"}, "SCMP_ACT_ERRNO", {}, {{0, 1, 0, "SCMP_CMP_XX"}})}),
       R"(.linux.seccomp.syscalls[0].args[0].op: unknown operator "SCMP_CMP_XX")"});
  cases.push_back(
      {allow_by_default({rule({"dup"}, "SCMP_ACT_ERRNO", {}, {{6, 1, 0, "SCMP_CMP_EQ"}})}),
       ".linux.seccomp.syscalls[0].args[0].index: argument index 6 out of range"});
  cases.push_back({allow_by_default({rule({"dup"}, "SCMP_ACT_ERRNO", 70000)}),
                   ".linux.seccomp.syscalls[0].errnoRet: errno 70000 out of range"});
  cases.push_back({allow_by_default({rule({"dup", ""}, "SCMP_ACT_ERRNO")}),
                   ".linux.seccomp.syscalls[0].names[1]: empty syscall name"});
  {
    Seccomp c = allow_by_default({});
    c.architectures = {"SCMP_ARCH_X86_64", "SCMP_ARCH_VAX"};
    cases.push_back(
        {c, R"(.linux.seccomp.architectures[1]: unknown architecture "SCMP_ARCH_VAX")"});
  }
  {
    Seccomp c = allow_by_default({});
    c.flags = {"SECCOMP_FILTER_FLAG_BOGUS"};
    cases.push_back({c, R"(.linux.seccomp.flags[0]: unknown flag "SECCOMP_FILTER_FLAG_BOGUS")"});
  }
  {
    Seccomp c = allow_by_default({});
    c.default_action = "SCMP_ACT_NOTIFY";
    cases.push_back({c, ".linux.seccomp.defaultAction: SCMP_ACT_NOTIFY cannot be used"});
  }
  {
    Seccomp c = allow_by_default({rule({"write"}, "SCMP_ACT_NOTIFY")});
    c.listener_path = "/run/agent.sock";
    cases.push_back({c, "SCMP_ACT_NOTIFY cannot be used for the write syscall"});
  }
  cases.push_back({allow_by_default({rule({"getppid"}, "SCMP_ACT_NOTIFY")}),
                   ".linux.seccomp.listenerPath: required when SCMP_ACT_NOTIFY is used"});
  for (const BadCase& c : cases) {
    auto r = compile_seccomp(c.cfg);
    EXPECT_THAT(r, ErrorMessageHas(c.message));
  }
}

}  // namespace
}  // namespace hull::container::security

// CVE-2024-21626: no host fd may reach the container (only stdio and --preserve-fds ones), and
// the process's cwd must resolve inside the container root, never through a /proc/self/fd/N magic
// link to a directory fd of the runtime or of its caller.
//
// Each test hands hull a non-CLOEXEC directory fd on a host dir holding a marker file (as a
// leaky caller would) and looks for that fd and that marker inside the container.
// Checked to fail without the defences: in a build with both sys::cloexec_from(...) calls removed
// from container/init_process.cc the leaked fds 5..9 show up in every fd list; without the
// first (before the seccomp filter), in the one of a container without /proc; with
// container/rootfs_path.cc walking paths from the rootfs fd without RESOLVE_IN_ROOT |
// RESOLVE_NO_MAGICLINKS, cwd /proc/self/fd/N lands in the host dir and `ls` lists the marker
// (and the host's /tmp through ..).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <optional>

#include "tests/security/sec_util.h"

namespace hull::testing::security {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kMarker = "HOST-MARKER-21626";

class FdLeakTest : public SecurityTest {
 protected:
  void SetUp() override { ASSERT_TRUE(write_text(m_host.path() + "/" + kMarker, "secret")); }
  // hull with fds 5..9 open (not CLOEXEC) on the host dir, as a leaky caller would start it;
  // `more` adds shell redirections (fds to preserve).
  RunResult leaky(const std::vector<std::string>& args,
                  std::chrono::milliseconds timeout = std::chrono::seconds(30),
                  const std::string& more = "") {
    std::vector<std::string> argv = {
        "/bin/sh",
        "-c",
        "d=$1; shift; exec 5<\"$d\" 6<\"$d\" 7<\"$d\" 8<\"$d\" 9<\"$d\" " + more + "; exec \"$@\"",
        "sh",
        m_host.path(),
        hull_binary(),
        "--root",
        runner().root()};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_command(argv, timeout);
  }
  TempDir m_host;
};

// The fds of the container's process, one number per line, from its own shell.
// The shell's open fds as `ls -l` shows them ("; true" keeps the shell from exec'ing ls).
constexpr const char* kListFds = "ls -l /proc/$$/fd; true";

// "fd N" for each fd in `ls -l` output, minus a descriptor on a /proc/<pid>/fd dir (ls's own,
// should the shell run it in-process).
std::vector<std::string> fds_of(const std::string& out) {
  std::vector<std::string> fds;
  for (const auto& line : lines_with(out, " -> ")) {
    size_t arrow = line.find(" -> ");
    std::string target = line.substr(arrow + 4);
    if (target.rfind("/proc/", 0) == 0 && target.size() > 3 &&
        target.compare(target.size() - 3, 3, "/fd") == 0)
      continue;
    size_t start = line.rfind(' ', arrow - 1);
    fds.push_back("fd " + line.substr(start + 1, arrow - start - 1));
  }
  return fds;
}

TEST_F(FdLeakTest, RunSeesOnlyStdio) {
  Bundle b({"/bin/sh", "-c", kListFds});
  RunResult r = leaky({"run", "--bundle", b.dir(), track("fd-run")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(fds_of(r.out), (std::vector<std::string>{"fd 0", "fd 1", "fd 2"})) << r.out;
}

TEST_F(FdLeakTest, PreservedFdsPassOthersDoNot) {
  Bundle b({"/bin/sh", "-c", kListFds});
  // Fds 3 and 4 are the preserved ones; 5..9 (the leak) must still be closed.
  std::vector<std::string> argv = {
      "/bin/sh",
      "-c",
      "exec 3</dev/null 4</dev/null 5<\"$1\" 6<\"$1\"; shift; exec \"$@\"",
      "sh",
      m_host.path(),
      hull_binary(),
      "--root",
      runner().root(),
      "run",
      "--preserve-fds",
      "2",
      "--bundle",
      b.dir(),
      track("fd-preserve")};
  RunResult r = run_command(argv);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(fds_of(r.out), (std::vector<std::string>{"fd 0", "fd 1", "fd 2", "fd 3", "fd 4"}))
      << r.out;
}

TEST_F(FdLeakTest, ExecSeesOnlyStdio) {
  Bundle b({"/bin/sleep", "30"});
  std::string id = track("fd-exec");
  ASSERT_EQ(hull({"run", "--detach", "--bundle", b.dir(), id}).exit_code, 0);
  RunResult r = leaky({"exec", id, "/bin/sh", "-c", kListFds});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(fds_of(r.out), (std::vector<std::string>{"fd 0", "fd 1", "fd 2"})) << r.out;
}

// process.cwd = /proc/self/fd/N for the leaked fds and for hull's own (3, 4: state dir, sockets).
TEST_F(FdLeakTest, ConfigCwdThroughProcFdStaysInside) {
  for (int n = 3; n <= 12; ++n) {
    SCOPED_TRACE("fd " + std::to_string(n));
    Bundle b({"/bin/sh", "-c", "pwd; ls -a; ls -a ..; ls -a ../.."});
    b.edit("c['process']['cwd'] = '/proc/self/fd/" + std::to_string(n) + "'");
    std::string id = track("fd-cwd-" + std::to_string(n));
    RunResult r = leaky({"run", "--bundle", b.dir(), id});
    EXPECT_THAT(r.out, Not(HasSubstr(kMarker)));
    EXPECT_THAT(r.out, Not(HasSubstr("state.json")));
    if (r.exit_code != 0) {
      EXPECT_THAT(r.err, HasSubstr("process.cwd")) << r.err;
    }
  }
}

TEST_F(FdLeakTest, ExecCwdThroughProcFdStaysInside) {
  Bundle b({"/bin/sleep", "30"});
  std::string id = track("fd-exec-cwd");
  ASSERT_EQ(hull({"run", "--detach", "--bundle", b.dir(), id}).exit_code, 0);
  for (int n = 3; n <= 12; ++n) {
    SCOPED_TRACE("fd " + std::to_string(n));
    RunResult r = leaky({"exec", "--cwd", "/proc/self/fd/" + std::to_string(n), id, "/bin/sh", "-c",
                         "pwd; ls -a; ls -a ..; ls -a ../.."});
    EXPECT_THAT(r.out, Not(HasSubstr(kMarker)));
    EXPECT_THAT(r.out, Not(HasSubstr("state.json")));
    if (r.exit_code != 0) {
      EXPECT_THAT(r.err, HasSubstr("cwd")) << r.err;
    }
  }
}

// A deny-by-default seccomp profile as older engines ship it: it allows what a shell and the
// runtime need but predates close_range, so close_range gets the default errno (EPERM, or
// `errno_ret`). `nnp` sets process.noNewPrivileges (the filter then loads later in init).
std::string profile_without_close_range(std::optional<int> errno_ret, bool nnp) {
  const std::string allowed =
      "accept accept4 access arch_prctl bind brk capget capset chdir chmod chown clock_getres "
      "clock_gettime clock_nanosleep clone clone3 close connect dup dup2 dup3 epoll_create1 "
      "epoll_ctl epoll_pwait epoll_pwait2 epoll_wait eventfd2 execve execveat exit exit_group "
      "faccessat faccessat2 fadvise64 fchdir fchmod fchmodat fchown fchownat fcntl fdatasync flock "
      "fstat fstatfs fsync ftruncate futex getcwd getdents64 getegid geteuid getgid getgroups "
      "getpeername getpgid getpgrp getpid getppid getpriority getrandom getresgid getresuid "
      "getrlimit getrusage getsid getsockname getsockopt gettid gettimeofday getuid ioctl kill "
      "lchown lseek lstat madvise mkdir mkdirat mmap mprotect mremap munmap nanosleep newfstatat "
      "open openat openat2 pause pipe pipe2 poll ppoll prctl pread64 prlimit64 pselect6 pwrite64 "
      "read readlink readlinkat readv recvfrom recvmsg rename renameat renameat2 rmdir "
      "rt_sigaction rt_sigprocmask rt_sigreturn rt_sigsuspend sched_getaffinity sched_yield "
      "select sendmsg sendto set_robust_list set_tid_address setgid setgroups setitimer setpgid "
      "setresgid setresuid setsid setsockopt setuid sigaltstack socket socketpair stat statfs "
      "statx symlink symlinkat sysinfo tgkill umask uname unlink unlinkat utimensat vfork wait4 "
      "waitid write writev";
  return "c['linux']['seccomp'] = {'defaultAction': 'SCMP_ACT_ERRNO', " +
         (errno_ret ? "'defaultErrnoRet': " + std::to_string(*errno_ret) + ", " : std::string()) +
         "'syscalls': [{'names': '" + allowed + "'.split(), 'action': 'SCMP_ACT_ALLOW'}]}\n" +
         "c['process']['noNewPrivileges'] = " + (nnp ? "True" : "False");
}

// The profile refuses close_range, which the last step before exec used: every container failed
// with "close_range from fd 3: Operation not permitted (EPERM)" (ENXIO with defaultErrnoRet 6).
// runc starts them; the fds must still be marked CLOEXEC, before the filter is in force.
TEST_F(FdLeakTest, ProfileWithoutCloseRangeStartsAndLeaksNothing) {
  for (std::optional<int> errno_ret : {std::optional<int>(), std::optional<int>(ENXIO)}) {
    for (bool nnp : {false, true}) {
      SCOPED_TRACE("defaultErrnoRet " + std::to_string(errno_ret.value_or(0)) +
                   ", noNewPrivileges " + std::to_string(nnp));
      Bundle b({"/bin/sh", "-c", kListFds});
      b.edit(profile_without_close_range(errno_ret, nnp));
      RunResult r = leaky({"run", "--bundle", b.dir(), track("fd-nocr")});
      ASSERT_EQ(r.exit_code, 0) << r.err;
      EXPECT_EQ(fds_of(r.out), (std::vector<std::string>{"fd 0", "fd 1", "fd 2"})) << r.out;

      // `exec` applies the same profile to its process.
      Bundle sleeper({"/bin/sleep", "30"});
      sleeper.edit(profile_without_close_range(errno_ret, nnp));
      std::string id = track("fd-nocr-exec");
      ASSERT_EQ(hull({"run", "--detach", "--bundle", sleeper.dir(), id}).exit_code, 0);
      r = leaky({"exec", id, "/bin/sh", "-c", kListFds});
      ASSERT_EQ(r.exit_code, 0) << r.err;
      EXPECT_EQ(fds_of(r.out), (std::vector<std::string>{"fd 0", "fd 1", "fd 2"})) << r.out;
      ASSERT_EQ(hull({"delete", "--force", id}).exit_code, 0);  // the id is used again
    }
  }
}

// Without /proc in the container the fds cannot be marked one by one under the filter either:
// they must have been marked before it was loaded. The shell probes fds 3..9 by duplicating them.
TEST_F(FdLeakTest, ProfileWithoutCloseRangeAndNoProcLeaksNothing) {
  Bundle b(
      {"/bin/sh", "-c",
       "for fd in 3 4 5 6 7 8 9; do (: <&$fd) 2>/dev/null && echo \"fd $fd\"; done; echo end"});
  b.edit(profile_without_close_range(std::nullopt, true) + "\n" +
         "c['mounts'] = [m for m in c['mounts'] if m['destination'] != '/proc']");
  RunResult r = leaky({"run", "--bundle", b.dir(), track("fd-nocr-noproc")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "end\n");
}

// Hooks of every kind get stdin, stdout and stderr only: not the fds hull's caller left open
// (5..9 here), nor the container's --preserve-fds ones. Each hook lists its fds into a file in a
// host dir mounted at the same path in the container (startContainer runs there).
class HookFdsTest : public FdLeakTest {
 protected:
  static constexpr const char* kHooks[] = {"prestart",       "createRuntime", "createContainer",
                                           "startContainer", "poststart",     "poststop"};
  // A bundle whose hooks each write `ls -l /proc/self/fd` to <m_out>/<hook>.
  void add_hooks(const Bundle& b) const {
    std::string hooks = "c['hooks'] = {";
    for (const char* name : kHooks) {
      hooks += std::string("'") + name + "': [{'path': '/bin/sh', 'args': ['sh', '-c', 'ls -l " +
               "/proc/self/fd > " + m_out.path() + "/$0', '" + name + "']}], ";
    }
    b.edit(edits::bind(m_out.path(), m_out.path()) + hooks + "}");
  }
  void expect_only_stdio() const {
    for (const char* name : kHooks) {
      std::string out = read_text(m_out.path() + "/" + name);
      EXPECT_EQ(fds_of(out), (std::vector<std::string>{"fd 0", "fd 1", "fd 2"}))
          << name << " hook:\n"
          << out;
    }
  }
  TempDir m_out;
};

TEST_F(HookFdsTest, HooksSeeOnlyStdio) {
  Bundle b({"/bin/true"});
  add_hooks(b);
  RunResult r = leaky({"run", "--bundle", b.dir(), track("fd-hooks")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  expect_only_stdio();
}

// The same with fd 3 preserved for the container, under a profile that refuses close_range:
// startContainer hooks run under the filter, so init's hook child must mark fds another way.
TEST_F(HookFdsTest, HooksSeeOnlyStdioUnderAProfileWithoutCloseRange) {
  Bundle b({"/bin/sh", "-c", kListFds});
  add_hooks(b);
  b.edit(profile_without_close_range(std::nullopt, true));
  RunResult r = leaky({"run", "--preserve-fds", "1", "--bundle", b.dir(), track("fd-hooks-nocr")},
                      std::chrono::seconds(30), "3</dev/null");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(fds_of(r.out), (std::vector<std::string>{"fd 0", "fd 1", "fd 2", "fd 3"})) << r.out;
  expect_only_stdio();
}

}  // namespace
}  // namespace hull::testing::security

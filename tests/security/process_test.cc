// Process settings end to end: what the config asks for is what the container's process has,
// checked from inside, and settings the host cannot honour are clear errors.
// Each test compares against a value that differs from hull's default, so dropping the setting
// fails it (not checked against a build without each setting).
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "tests/security/sec_util.h"

namespace hull::testing::security {
namespace {

using ::testing::HasSubstr;

class ProcessTest : public SecurityTest {
 protected:
  // Runs `script` in a container edited by `edit`; returns stdout, failing on a non-zero exit.
  std::string run_ok(const std::string& base, const std::string& script, const std::string& edit) {
    Bundle b({"/bin/sh", "-c", script});
    if (!edit.empty()) b.edit(edit);
    RunResult r = hull({"run", "--bundle", b.dir(), track(base)});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.out;
  }
  RunResult run_bad(const std::string& base, const std::string& edit) {
    Bundle b({"/bin/true"});
    b.edit(edit);
    std::string id = track(base);
    RunResult r = hull({"run", "--bundle", b.dir(), id});
    EXPECT_NE(r.exit_code, 0);
    EXPECT_FALSE(has_state_dir(id));
    return r;
  }
};

TEST_F(ProcessTest, CapabilitiesMatchTheConfig) {
  // CAP_CHOWN (0) and CAP_NET_RAW (13): 0x2001.
  std::string out = run_ok(
      "caps", "grep -E '^Cap(Bnd|Eff|Prm|Inh|Amb)' /proc/self/status",
      "caps = ['CAP_CHOWN', 'CAP_NET_RAW']\n"
      "c['process']['capabilities'] = {'bounding': caps, 'effective': caps, 'permitted': caps}");
  EXPECT_THAT(out, HasSubstr("CapBnd:\t0000000000002001"));
  EXPECT_THAT(out, HasSubstr("CapEff:\t0000000000002001"));
  EXPECT_THAT(out, HasSubstr("CapPrm:\t0000000000002001"));
  EXPECT_THAT(out, HasSubstr("CapInh:\t0000000000000000"));
  EXPECT_THAT(out, HasSubstr("CapAmb:\t0000000000000000"));
}

TEST_F(ProcessTest, UnknownCapabilityIsAClearError) {
  RunResult r = run_bad("caps-bad", "c['process']['capabilities']['bounding'].append('CAP_BOGUS')");
  EXPECT_THAT(r.err, HasSubstr("CAP_BOGUS"));
}

TEST_F(ProcessTest, NoNewPrivileges) {
  EXPECT_THAT(run_ok("nnp-on", "grep NoNewPrivs /proc/self/status",
                     "c['process']['noNewPrivileges'] = True"),
              HasSubstr("NoNewPrivs:\t1"));
  EXPECT_THAT(run_ok("nnp-off", "grep NoNewPrivs /proc/self/status",
                     "c['process']['noNewPrivileges'] = False"),
              HasSubstr("NoNewPrivs:\t0"));
}

TEST_F(ProcessTest, RlimitsSeenInside) {
  std::string out = run_ok("rlimits", "ulimit -n; ulimit -Hn; ulimit -s",
                           "c['process']['rlimits'] = ["
                           "{'type': 'RLIMIT_NOFILE', 'soft': 1234, 'hard': 2345},"
                           "{'type': 'RLIMIT_STACK', 'soft': 4096 * 1024, 'hard': 8192 * 1024}]");
  EXPECT_EQ(out, "1234\n2345\n4096\n");
}

TEST_F(ProcessTest, OomScoreAdj) {
  EXPECT_EQ(run_ok("oom", "cat /proc/self/oom_score_adj", "c['process']['oomScoreAdj'] = 321"),
            "321\n");
}

TEST_F(ProcessTest, NamespacedSysctlIsSetOthersRefused) {
  std::string host = read_text("/proc/sys/net/ipv4/ip_forward");
  std::string want = host == "1\n" ? "0" : "1";
  EXPECT_EQ(run_ok("sysctl", "cat /proc/sys/net/ipv4/ip_forward",
                   "c['linux']['sysctl'] = {'net.ipv4.ip_forward': '" + want + "'}"),
            want + "\n");
  EXPECT_EQ(read_text("/proc/sys/net/ipv4/ip_forward"), host);  // the host's is its own
  RunResult r = run_bad("sysctl-bad", "c['linux']['sysctl'] = {'kernel.panic': '5'}");
  EXPECT_THAT(r.err, HasSubstr("kernel.panic"));
  // net.* without a private network namespace is the host's.
  r = run_bad("sysctl-hostnet", edits::drop_namespace("network") +
                                    "c['linux']['sysctl'] = {'net.ipv4.ip_forward': '1'}");
  EXPECT_THAT(r.err, HasSubstr("net.ipv4.ip_forward"));
  EXPECT_EQ(read_text("/proc/sys/net/ipv4/ip_forward"), host);
}

TEST_F(ProcessTest, SeccompBlockedSyscallFailsWithConfiguredErrno) {
  // errnoRet 95 = EOPNOTSUPP, whose message busybox prints.
  std::string out =
      run_ok("seccomp", "mkdir /tmp/x 2>&1; echo rc=$?",
             "c['linux']['seccomp'] = {'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': ["
             "{'names': ['mkdir', 'mkdirat'], 'action': 'SCMP_ACT_ERRNO', 'errnoRet': 95}]}");
  EXPECT_THAT(out, HasSubstr("not supported"));
  EXPECT_THAT(out, HasSubstr("rc=1"));
}

// startContainer hooks run in init once the filter is in force, with noNewPrivileges as without
// (runc loads it before them): a hook's denied syscall fails. With noNewPrivileges hull used to
// load the filter after the hooks, and the hook's mkdir succeeded.
TEST_F(ProcessTest, SeccompIsInForceForStartContainerHooks) {
  TempDir out;  // mounted at the same path (writable): the hook runs in the container's mounts
  for (bool nnp : {true, false}) {
    SCOPED_TRACE(nnp ? "noNewPrivileges" : "without noNewPrivileges");
    std::string log = out.path() + (nnp ? "/nnp" : "/plain");
    run_ok(nnp ? "seccomp-hook-nnp" : "seccomp-hook", "true",
           "c['linux']['seccomp'] = {'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': ["
           "{'names': ['mkdir', 'mkdirat'], 'action': 'SCMP_ACT_ERRNO', 'errnoRet': 95}]}\n"
           "c['process']['noNewPrivileges'] = " +
               std::string(nnp ? "True" : "False") + "\n" + edits::bind(out.path(), out.path()) +
               "c['hooks'] = {'startContainer': [{'path': '/bin/sh', 'args': ['sh', '-c', "
               "'mkdir " +
               log + ".d > " + log + " 2>&1; echo rc=$? >> " + log + "']}]}");
    std::string text = read_text(log);
    EXPECT_THAT(text, HasSubstr("not supported"));
    EXPECT_THAT(text, HasSubstr("rc=1"));
    EXPECT_FALSE(std::filesystem::exists(log + ".d"));
  }
}

// The process's stdio belong to its user (runc's fixStdioPermissions): here the pipe hull's
// caller gave as stdout; /dev/null (stdin) stays root's. The terminal case is in console_test.
TEST_F(ProcessTest, StdioBelongsToTheProcessUser) {
  Bundle b({"/bin/sh", "-c", "stat -L -c '%u' /proc/self/fd/0 /proc/self/fd/1"});
  b.edit("c['process']['user'] = {'uid': 1000, 'gid': 1000}");
  std::string id = track("stdio-owner");
  RunResult r = run_command({"/bin/sh", "-c", "exec </dev/null; exec \"$@\"", "sh", hull_binary(),
                             "--root", runner().root(), "run", "--bundle", b.dir(), id});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "0\n1000\n");
}

TEST_F(ProcessTest, ApparmorProfileWithoutApparmorIsAClearError) {
  if (read_text("/sys/module/apparmor/parameters/enabled").rfind("Y", 0) == 0)
    GTEST_SKIP() << "AppArmor is enabled on this host";
  RunResult r = run_bad("apparmor", "c['process']['apparmorProfile'] = 'sec2-profile'");
  EXPECT_THAT(r.err, HasSubstr("AppArmor is not enabled"));
  EXPECT_THAT(r.err, HasSubstr("sec2-profile"));
}

TEST_F(ProcessTest, SelinuxLabelWithoutSelinuxIsAClearError) {
  if (::access("/sys/fs/selinux/enforce", F_OK) == 0)
    GTEST_SKIP() << "SELinux is enabled on this host";
  RunResult r = run_bad("selinux", "c['process']['selinuxLabel'] = 'system_u:system_r:sec2_t:s0'");
  EXPECT_THAT(r.err,
              HasSubstr(".process.selinuxLabel: \\\"system_u:system_r:sec2_t:s0\\\" requested, "
                        "but SELinux is not enabled on this host"));
}

TEST_F(ProcessTest, PersonalityLinux32) {
  EXPECT_EQ(run_ok("personality", "uname -m", "c['linux']['personality'] = {'domain': 'LINUX32'}"),
            "i686\n");
}

}  // namespace
}  // namespace hull::testing::security

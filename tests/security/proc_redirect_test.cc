// /proc write redirection (CVE-2025-52881): hull's writes to /proc inside the container
// (linux.sysctl, oom_score_adj for exec, LSM attrs) go through fds proven to be procfs (fstatfs
// PROC_SUPER_MAGIC), so a mount over a /proc target cannot turn them into writes to a host file.
// Mounts whose destination lies in /proc are also refused outright (as runc does), so the
// redirecting mounts here reach /proc through a symlink in the rootfs.
//
// Checked to fail without the defence: in a build with the PROC_SUPER_MAGIC checks removed from
// container/init_process.cc (write_sysctls, write_proc_self) the host file of
// SysctlOverBindMountedHostFile reads "1"; ExecOomScoreAdjOverFakeProc wrote "500" to the fake
// file before init.cc's oom_score_adj write went through write_proc_self (fixed with this test);
// without prepare.cc's /proc destination check DirectMountOverProcSysIsRefused runs.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tests/security/sec_util.h"

namespace hull::testing::security {
namespace {

using ::testing::AnyOf;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

class ProcRedirectTest : public SecurityTest {
 protected:
  void SetUp() override {
    m_file = m_host.path() + "/ip_forward";
    ASSERT_TRUE(write_text(m_file, "0\n"));
    m_before = HostSnapshot::take();
  }
  void expect_host_untouched(const std::string& id) {
    EXPECT_EQ(read_text(m_file), "0\n");
    EXPECT_FALSE(has_state_dir(id));
    expect_no_leaks(m_before, {m_host.path()});
  }
  TempDir m_host;
  std::string m_file;
  HostSnapshot m_before;
};

TEST_F(ProcRedirectTest, SysctlOverBindMountedHostFile) {
  Bundle b({"/bin/cat", "/proc/sys/net/ipv4/ip_forward"});
  ASSERT_EQ(::symlink("/proc/sys/net/ipv4", (b.rootfs() + "/evil").c_str()), 0);
  b.edit(edits::bind(m_file, "/evil/ip_forward", "bind,rw") +
         "c['linux']['sysctl'] = {'net.ipv4.ip_forward': '1'}");
  std::string id = track("proc-sysctl");
  RunResult r = hull({"run", "--bundle", b.dir(), id});
  EXPECT_NE(r.exit_code, 0) << r.out;
  EXPECT_THAT(r.err, HasSubstr("not on procfs"));
  expect_host_untouched(id);
}

TEST_F(ProcRedirectTest, DirectMountOverProcSysIsRefused) {
  Bundle b({"/bin/true"});
  b.edit(edits::bind(m_file, "/proc/sys/net/ipv4/ip_forward", "bind,rw") +
         "c['linux']['sysctl'] = {'net.ipv4.ip_forward': '1'}");
  std::string id = track("proc-direct");
  RunResult r = hull({"run", "--bundle", b.dir(), id});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_THAT(r.err, HasSubstr("/proc"));
  expect_host_untouched(id);
}

TEST_F(ProcRedirectTest, TmpfsOverProcSysIsRefused) {
  Bundle b({"/bin/true"});
  ASSERT_EQ(::symlink("/proc", (b.rootfs() + "/evil").c_str()), 0);
  b.edit(
      "c['mounts'].append({'destination': '/evil/sys', 'type': 'tmpfs', 'source': 'tmpfs'})\n"
      "c['linux']['sysctl'] = {'net.ipv4.ip_forward': '1'}");
  std::string id = track("proc-tmpfs");
  RunResult r = hull({"run", "--bundle", b.dir(), id});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_THAT(r.err, AnyOf(HasSubstr("not on procfs"), HasSubstr("ip_forward")));
  expect_host_untouched(id);
}

// `hull exec` writes the process's oom_score_adj inside the container: with a host dir mounted
// over the container's /proc, /proc/self/oom_score_adj is that dir's file.
TEST_F(ProcRedirectTest, ExecOomScoreAdjOverFakeProc) {
  TempDir fake;
  ASSERT_EQ(::mkdir((fake.path() + "/self").c_str(), 0755), 0);
  std::string oom = fake.path() + "/self/oom_score_adj";
  ASSERT_TRUE(write_text(oom, "0\n"));
  Bundle b({"/bin/sleep", "30"});
  ASSERT_EQ(::symlink("/proc", (b.rootfs() + "/evil").c_str()), 0);
  b.edit(edits::bind(fake.path(), "/evil") + "c['process']['oomScoreAdj'] = 500");
  std::string id = track("proc-oom");
  ASSERT_EQ(hull({"run", "--detach", "--bundle", b.dir(), id}).exit_code, 0);
  RunResult r = hull({"exec", id, "/bin/true"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_THAT(r.err, HasSubstr("not on procfs"));
  EXPECT_EQ(read_text(oom), "0\n");
}

}  // namespace
}  // namespace hull::testing::security

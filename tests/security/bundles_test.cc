// A corpus of malicious and broken bundles, generated per test from the busybox bundle: each is
// refused with a clear one-line error naming what is wrong, and leaves the host as it was (no
// state dir, mount or cgroup). Huge but valid configs are handled.
//
// Checked to fail without the defences: in a build with the symlinked-rootfs check removed from
// container/container_create.cc, RootfsSymlinkedOutside starts containers on the host's / and
// /etc; with check_proc_mounts removed from container/prepare.cc, MountOverProc runs. The 10 MB
// annotations case failed with EMSGSIZE before create/start sent the state to init only for hooks.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include "tests/security/sec_util.h"

namespace hull::testing::security {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

class BundlesTest : public SecurityTest {
 protected:
  void SetUp() override { m_before = HostSnapshot::take(); }
  // Runs the bundle, expects a refusal whose message has `needle`, and a clean host.
  void expect_refused(const Bundle& b, const std::string& base, const std::string& needle) {
    SecurityTest::expect_refused(b, base, needle, m_before);
  }
  HostSnapshot m_before;
};

TEST_F(BundlesTest, RootfsSymlinkedOutside) {
  for (const std::string target : {"/", "/etc", "../../../../../../.."}) {
    SCOPED_TRACE(target);
    Bundle b({"/bin/true"});
    ASSERT_EQ(run_command({"/bin/rm", "-rf", b.rootfs()}).exit_code, 0);
    ASSERT_EQ(::symlink(target.c_str(), b.rootfs().c_str()), 0);
    expect_refused(b, "bad-rootfs-" + std::to_string(target.size()), "symlink");
  }
}

TEST_F(BundlesTest, RootfsMissing) {
  Bundle b({"/bin/true"});
  b.edit("c['root']['path'] = 'nope'");
  expect_refused(b, "bad-rootfs-missing", "nope");
}

TEST_F(BundlesTest, MountOverProc) {
  for (const std::string dest :
       {"/proc", "/proc/", "/proc/sys", "//proc/./sys/kernel", "/proc/self/attr/exec"}) {
    SCOPED_TRACE(dest);
    Bundle b({"/bin/true"});
    b.edit("c['mounts'].append({'destination': '" + dest +
           "', 'type': 'tmpfs', 'source': 'tmpfs'})");
    expect_refused(b, "bad-proc-" + std::to_string(dest.size()), "/proc");
  }
}

TEST_F(BundlesTest, AbsurdRlimits) {
  const std::pair<std::string, std::string> cases[] = {
      {"{'type': 'RLIMIT_NOFILE', 'soft': 2048, 'hard': 1024}", "RLIMIT_NOFILE"},
      {"{'type': 'RLIMIT_BOGUS', 'soft': 1, 'hard': 1}", "RLIMIT_BOGUS"},
      {"{'type': 'RLIMIT_NOFILE', 'soft': 1 << 40, 'hard': 1 << 40}", "RLIMIT_NOFILE"},
  };
  int i = 0;
  for (const auto& [rlimit, needle] : cases) {
    SCOPED_TRACE(rlimit);
    Bundle b({"/bin/true"});
    b.edit("c['process']['rlimits'] = [" + rlimit + "]");
    expect_refused(b, "bad-rlimit-" + std::to_string(i++), needle);
  }
}

TEST_F(BundlesTest, BadSeccomp) {
  const std::pair<std::string, std::string> cases[] = {
      {"{'defaultAction': 'SCMP_ACT_BOGUS'}", "SCMP_ACT_BOGUS"},
      {"{'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'names': ['mkdir'], "
       "'action': 'SCMP_ACT_NOPE'}]}",
       "SCMP_ACT_NOPE"},
      {"{'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'names': ['mkdir'], "
       "'action': 'SCMP_ACT_ERRNO', 'args': [{'index': 9, 'value': 1, 'op': 'SCMP_CMP_EQ'}]}]}",
       "index"},
      {"{'defaultAction': 'SCMP_ACT_ALLOW', 'architectures': ['SCMP_ARCH_BOGUS']}",
       "SCMP_ARCH_BOGUS"},
  };
  int i = 0;
  for (const auto& [seccomp, needle] : cases) {
    SCOPED_TRACE(seccomp);
    Bundle b({"/bin/true"});
    b.edit("c['linux']['seccomp'] = " + seccomp);
    expect_refused(b, "bad-seccomp-" + std::to_string(i++), needle);
  }
}

TEST_F(BundlesTest, NotJsonAndWrongTypes) {
  Bundle b({"/bin/true"});
  b.set_config("{\"ociVersion\": \"1.0.2\", \"process\": ");
  expect_refused(b, "bad-json", "config.json");
  Bundle c({"/bin/true"});
  c.edit("c['process']['args'] = 'sh'");
  expect_refused(c, "bad-args", "args");
}

// Mappings without a user namespace would be ignored: the container would run as real root
// while its author asked for mapped ids. runc's validator wording.
TEST_F(BundlesTest, MappingsWithoutUserNamespace) {
  Bundle b({"/bin/true"});
  b.edit(
      "c['linux']['uidMappings'] = [{'containerID': 0, 'hostID': 100000, 'size': 65536}]\n"
      "c['linux']['gidMappings'] = [{'containerID': 0, 'hostID': 100000, 'size': 65536}]");
  expect_refused(b, "maps-no-userns",
                 ".linux.uidMappings: user namespace mappings specified, but user namespace "
                 "isn't enabled in the config");
}

// A repeated key: Go-based engines read the last value, hull read the first, so the two would
// disagree on what runs. Refused with the JSON path.
TEST_F(BundlesTest, DuplicateKeys) {
  Bundle b({"/bin/true"});
  std::string text = b.config();
  ASSERT_EQ(text.substr(0, 1), "{");
  b.set_config("{\"ociVersion\": \"1.0.0\", " + text.substr(1));
  // The log line quotes the message, so the key's own quotes come escaped.
  expect_refused(b, "dup-keys", "config.json: top level: duplicate key \\\"ociVersion\\\"");
}

TEST_F(BundlesTest, HundredThousandEnvVarsAreHandled) {
  // busybox sh is quadratic in its environment: print it with env(1) and count here.
  Bundle b({"/bin/env"});
  b.edit("c['process']['env'] += ['SEC2_%d=x' % i for i in range(100000)]");
  RunResult r = hull({"run", "--bundle", b.dir(), track("big-env")}, std::chrono::seconds(60));
  ASSERT_EQ(r.exit_code, 0) << r.err.substr(0, 2000);
  EXPECT_EQ(lines_with(r.out, "SEC2_").size(), 100000U);
}

TEST_F(BundlesTest, TenMegabyteConfigIsHandledOrRefusedClearly) {
  // 10 MB of environment: more than execve accepts (ARG_MAX), so the error must say so.
  Bundle b({"/bin/true"});
  b.edit("c['process']['env'] += ['SEC2_%d=%s' % (i, 'y' * 100) for i in range(100000)]");
  RunResult r = hull({"run", "--bundle", b.dir(), track("huge-env")}, std::chrono::seconds(60));
  if (r.exit_code != 0) {
    EXPECT_THAT(r.err, AllOf(HasSubstr("exec"), HasSubstr("too long")));
    EXPECT_EQ(lines_with(r.err, "level=error").size(), 1U);
  }
  // 10 MB of annotations: stored in state.json and passed to hooks; must work.
  Bundle c({"/bin/true"});
  c.edit("c['annotations'] = {'sec2.%d' % i: 'z' * 100 for i in range(100000)}");
  r = hull({"run", "--bundle", c.dir(), track("huge-annotations")}, std::chrono::seconds(60));
  EXPECT_EQ(r.exit_code, 0) << r.err.substr(0, 2000);
  expect_no_leaks(m_before, {b.dir(), c.dir()});
}

}  // namespace
}  // namespace hull::testing::security

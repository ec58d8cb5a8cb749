// Cgroup limits on real containers: seen from inside (cgroup namespace) and enforced.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "tests/harness/harness.h"

namespace hull::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// `hull run` of `b` in the foreground as unique_id(name); nothing is left behind.
RunResult run_once(const Bundle& b, const std::string& name) {
  Hull hull;
  std::string id = unique_id(name);
  RunResult r = hull({"run", "--bundle", b.dir(), id}, std::chrono::seconds(30));
  (void)hull({"delete", "--force", id});
  return r;
}

TEST(LimitsTest, MemoryLimitIsSeenInsideAndAnOomKillIsReportedByEvents) {
  Bundle b({"sleep", "1000"});
  b.edit("c['linux']['resources']['memory'] = {'limit': 33554432}");
  Hull hull;
  Running c(hull, b, unique_id("cg-oom"));
  ASSERT_TRUE(c.ok()) << c.run().err;
  RunResult limit = hull({"exec", c.id(), "cat", "/sys/fs/cgroup/memory/memory.limit_in_bytes"});
  EXPECT_EQ(limit.out, "33554432\n") << limit.err;

  TempDir tmp;
  std::string out = tmp.path() + "/events";
  Background events({hull_binary(), "--root", hull.root(), "events", "--interval", "100ms", c.id()},
                    out);
  // The first stats line proves the OOM notifier is registered (it is set up before the loop).
  ASSERT_TRUE(wait_for([&] {
    return read_text(out).find(R"("type":"stats")") != std::string::npos;
  })) << read_text(out);
  EXPECT_THAT(read_text(out), Not(HasSubstr(R"("type":"oom")")));
  // tail keeps a line in memory, and /dev/zero has no newline: it grows past the limit.
  RunResult hog = hull({"exec", c.id(), "sh", "-c", "head -c 200m /dev/zero | tail"});
  EXPECT_NE(hog.exit_code, 0) << hog.out << hog.err;
  std::string oom_line = R"({"type":"oom","id":")" + c.id() + "\"}\n";
  EXPECT_TRUE(wait_for([&] { return read_text(out).find(oom_line) != std::string::npos; }))
      << read_text(out);
  // The stream ends by itself when init exits. The kernel picks the OOM victim: under load it
  // can be init itself (seen once in CI), and then the container is already stopped.
  RunResult kill = hull({"kill", c.id(), "KILL"});
  if (kill.exit_code != 0) {
    EXPECT_THAT(kill.err, HasSubstr("container not running"));
  }
  RunResult ev = events.join();
  EXPECT_FALSE(ev.timed_out);
  EXPECT_EQ(ev.exit_code, 0) << ev.err;
  // Every line is one event object of this container.
  std::string text = read_text(out);
  for (size_t pos = 0; pos < text.size();) {
    size_t end = text.find('\n', pos);
    ASSERT_NE(end, std::string::npos) << "unterminated line: " << text.substr(pos);
    std::string line = text.substr(pos, end - pos);
    EXPECT_THAT(line, ::testing::StartsWith(R"({"type":")"));
    EXPECT_THAT(line, HasSubstr(R"("id":")" + c.id() + "\""));
    pos = end + 1;
  }
}

TEST(LimitsTest, PidsLimitMakesForksPastItFail) {
  Bundle b({"sh", "-c",
            "cat /sys/fs/cgroup/pids/pids.max; i=0; "
            "while [ $i -lt 8 ]; do i=$((i+1)); sleep 30 & echo started $i; done"});
  b.edit("c['linux']['resources']['pids'] = {'limit': 4}");
  RunResult r = run_once(b, "cg-pids");
  EXPECT_THAT(r.out, ::testing::StartsWith("4\n"));
  EXPECT_THAT(r.out + r.err, HasSubstr("can't fork"));
  // init and three sleeps fill the four pids; the fourth sleep cannot start.
  EXPECT_THAT(r.out, HasSubstr("started 3\n"));
  EXPECT_THAT(r.out, Not(HasSubstr("started 4")));
}

TEST(LimitsTest, CpuQuotaThrottlesABusyLoop) {
  Bundle b({"sh", "-c",
            "cat /sys/fs/cgroup/cpu/cpu.cfs_quota_us; while :; do :; done & sleep 1; kill $!; "
            "cat /sys/fs/cgroup/cpu/cpu.stat"});
  b.edit("c['linux']['resources']['cpu'] = {'quota': 10000, 'period': 100000}");
  RunResult r = run_once(b, "cg-quota");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, ::testing::StartsWith("10000\n"));
  size_t at = r.out.find("nr_throttled ");
  ASSERT_NE(at, std::string::npos) << r.out;
  long throttled = std::stol(r.out.substr(at + 13));
  EXPECT_GT(throttled, 0) << r.out;
}

TEST(LimitsTest, CpusetRestrictsTheCpus) {
  if (sysconf(_SC_NPROCESSORS_ONLN) < 2) GTEST_SKIP() << "needs two cpus";
  Bundle b({"sh", "-c",
            "cat /sys/fs/cgroup/cpuset/cpuset.cpus; grep Cpus_allowed_list /proc/self/status"});
  b.edit("c['linux']['resources']['cpu'] = {'cpus': '1'}");
  RunResult r = run_once(b, "cg-cpuset");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "1\nCpus_allowed_list:\t1\n");
}

// A char device node the default rules do not mention (1:11, /dev/kmsg), made on the host in the
// rootfs (the container has no CAP_MKNOD). Writing it needs no capability.
RunResult write_kmsg(const std::string& rules) {
  Bundle b({"sh", "-c", "echo hull-cgroups-test > /kmsgdev && echo wrote"});
  b.edit("c['linux']['resources']['devices'] += " + rules);
  EXPECT_EQ(mknod((b.rootfs() + "/kmsgdev").c_str(), S_IFCHR | 0666, makedev(1, 11)), 0);
  return run_once(b, "cg-dev");
}

TEST(LimitsTest, DeviceRulesAllowAndDenyInOrder) {
  RunResult allowed =
      write_kmsg("[{'allow': True, 'type': 'c', 'major': 1, 'minor': 11, 'access': 'w'}]");
  EXPECT_EQ(allowed.exit_code, 0) << allowed.err;
  EXPECT_EQ(allowed.out, "wrote\n");
  RunResult denied = write_kmsg(
      "[{'allow': True, 'type': 'c', 'major': 1, 'minor': 11, 'access': 'w'},"
      " {'allow': False, 'type': 'c', 'major': 1, 'minor': 11, 'access': 'rwm'}]");
  EXPECT_NE(denied.exit_code, 0);
  EXPECT_THAT(denied.err, HasSubstr("Operation not permitted"));
  EXPECT_THAT(denied.out, Not(HasSubstr("wrote")));
  // Not in any rule: the default deny applies.
  RunResult unlisted = write_kmsg("[]");
  EXPECT_THAT(unlisted.err, HasSubstr("Operation not permitted"));
}

}  // namespace
}  // namespace hull::testing

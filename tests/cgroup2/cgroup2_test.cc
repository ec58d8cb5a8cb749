// The cgroupfs driver on a pure cgroup v2 host with every controller (memory, cpu, io, pids,
// hugetlb, ...), for real: the guest of tools/vm. Each limit is checked in the cgroup's files and,
// where it can be, by what the container can no longer do; update changes each one.
#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <string>
#include <thread>

#include "base/testing/matchers.h"
#include "container/container.h"
#include "tests/harness/harness.h"

namespace hull::testing {
namespace {

using base::testing::IsOk;
using container::Container;
using ::testing::HasSubstr;
using ::testing::Not;
using namespace std::chrono_literals;

// The value of `key` in a flat-keyed file ("oom_kill 1").
long keyed(const std::string& text, const std::string& key) {
  size_t at = text.find(key + " ");
  while (at != std::string::npos && at != 0 && text[at - 1] != '\n')
    at = text.find(key + " ", at + 1);
  return at == std::string::npos ? -1
                                 : std::strtol(text.c_str() + at + key.size() + 1, nullptr, 10);
}

// "254:0": the guest's disk, for io limits.
std::string disk_devno() { return trimmed(read_text("/sys/block/vda/dev")); }

class Cgroup2Test : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!is_pure_cgroup2()) GTEST_SKIP() << "not a pure cgroup v2 host";
  }
  // The container's cgroup directory (cgroupfs driver: /sys/fs/cgroup/hull/<id>).
  static std::string dir(const Running& c) { return c.cgroup_paths()[""]; }

  Hull m_hull;
};

TEST_F(Cgroup2Test, OomKillIsCountedInMemoryEventsAndReportedByEvents) {
  Bundle b({"sleep", "1000"});
  b.edit("c['linux']['resources'] = {'memory': {'limit': 33554432, 'swap': 33554432}}");
  Running c(m_hull, b, unique_id("v2-oom"));
  ASSERT_TRUE(c.ok()) << c.run().err;
  EXPECT_EQ(trimmed(read_text(dir(c) + "/memory.max")), "33554432");
  TempDir out;
  std::string events = out.path() + "/events";
  Background stream({hull_binary(), "--root", m_hull.root(), "events", c.id()}, events, 120s);
  std::this_thread::sleep_for(1s);  // the stream has its memory.events watch
  RunResult hog = m_hull({"exec", c.id(), "tail", "/dev/zero"}, 120s);
  EXPECT_EQ(hog.exit_code, 137) << hog.err;
  std::string me = read_text(dir(c) + "/memory.events");
  EXPECT_GE(keyed(me, "oom_kill"), 1) << me;
  EXPECT_GE(keyed(me, "max"), 1) << me;
  EXPECT_TRUE(wait_for(
      [&] { return read_text(events).find("\"type\":\"oom\"") != std::string::npos; }, 30s))
      << read_text(events);
  // Only the hog died: init runs on.
  EXPECT_EQ(c.status(), "running");
  // events --stats: the limit and, as failcnt, memory.events' "max" count.
  RunResult stats = m_hull({"events", "--stats", c.id()});
  size_t usage = stats.out.find("\"usage\":{\"limit\":33554432");
  ASSERT_NE(usage, std::string::npos) << stats.out;
  size_t failcnt = stats.out.find("\"failcnt\":", usage);
  ASSERT_NE(failcnt, std::string::npos) << stats.out;
  EXPECT_GE(std::atol(stats.out.c_str() + failcnt + 10), 1) << stats.out;
  (void)m_hull({"delete", "--force", c.id()});
  EXPECT_EQ(stream.join().exit_code, 0);
}

// PSI: memory.pressure triggers (runc has no pressure notification on v2). A task held at
// memory.high without swap stalls on reclaim.
TEST_F(Cgroup2Test, MemoryPressureNotifierFiresFromPsi) {
  Bundle b({"sleep", "1000"});
  b.edit(
      "c['linux']['resources'] = {'memory': {'limit': 134217728}, "
      "'unified': {'memory.high': '16777216'}}");
  Running c(m_hull, b, unique_id("v2-psi"));
  ASSERT_TRUE(c.ok()) << c.run().err;
  EXPECT_EQ(trimmed(read_text(dir(c) + "/memory.high")), "16777216");
  auto notifier = [&]() -> base::Result<container::cgroups::EventNotifier> {
    auto loaded = Container::load(m_hull.root(), c.id());
    if (!loaded.has_value()) return base::fail(std::move(loaded).error());
    return loaded->notify_memory_pressure(container::cgroups::PressureLevel::Low);
  }();
  ASSERT_THAT(notifier, IsOk());
  struct pollfd pfd = {notifier->fd().get(), notifier->poll_events(), 0};
  EXPECT_EQ(::poll(&pfd, 1, 0), 0) << "pressure before any allocation";
  ASSERT_EQ(m_hull({"exec", "-d", c.id(), "tail", "/dev/zero"}).exit_code, 0);
  EXPECT_EQ(::poll(&pfd, 1, 60000), 1) << read_text(dir(c) + "/memory.pressure");
  EXPECT_GT(keyed(read_text(dir(c) + "/memory.events"), "high"), 0);
}

TEST_F(Cgroup2Test, CpuWeightAndQuotaThrottle) {
  Bundle b({"sh", "-c", "while :; do :; done"});
  b.edit("c['linux']['resources'] = {'cpu': {'shares': 512, 'quota': 10000, 'period': 100000}}");
  Running c(m_hull, b, unique_id("v2-cpu"));
  ASSERT_TRUE(c.ok()) << c.run().err;
  EXPECT_EQ(trimmed(read_text(dir(c) + "/cpu.weight")), "20");
  EXPECT_EQ(trimmed(read_text(dir(c) + "/cpu.max")), "10000 100000");
  // Inside, through the container's cgroup namespace, the same files.
  EXPECT_EQ(trimmed(m_hull({"exec", c.id(), "cat", "/sys/fs/cgroup/cpu.max"}).out), "10000 100000");
  EXPECT_TRUE(
      wait_for([&] { return keyed(read_text(dir(c) + "/cpu.stat"), "nr_throttled") > 2; }, 30s))
      << read_text(dir(c) + "/cpu.stat");
  RunResult stats = m_hull({"events", "--stats", c.id()});
  EXPECT_THAT(stats.out, HasSubstr("\"throttledPeriods\":"));
}

TEST_F(Cgroup2Test, IoWeightAndReadThrottle) {
  std::string devno = disk_devno();
  ASSERT_FALSE(devno.empty());
  std::string major = devno.substr(0, devno.find(':')), minor = devno.substr(devno.find(':') + 1);
  Bundle b({"sleep", "1000"});
  b.edit("c['linux']['devices'] = [{'path': '/dev/vda', 'type': 'b', 'major': " + major +
         ", 'minor': " + minor + ", 'fileMode': 0o600, 'uid': 0, 'gid': 0}]");
  b.edit(
      "c['linux']['resources'] = {'devices': [{'allow': False, 'access': 'rwm'}, "
      "{'allow': True, 'type': 'b', 'major': " +
      major + ", 'minor': " + minor +
      ", 'access': 'r'}], 'blockIO': {'weight': 500, 'throttleReadBpsDevice': "
      "[{'major': " +
      major + ", 'minor': " + minor + ", 'rate': 1048576}]}}");
  Running c(m_hull, b, unique_id("v2-io"));
  ASSERT_TRUE(c.ok()) << c.run().err;
  std::string weight = read_text(dir(c) + "/io.weight");
  if (exists(dir(c) + "/io.bfq.weight")) weight = read_text(dir(c) + "/io.bfq.weight");
  EXPECT_THAT(weight, ::testing::AnyOf(HasSubstr("default 4950"), HasSubstr("default 500")));
  EXPECT_THAT(read_text(dir(c) + "/io.max"), HasSubstr(devno + " rbps=1048576 wbps=max"));
  // 2 MiB read past the page cache at 1 MiB/s takes about 2 s.
  auto start = std::chrono::steady_clock::now();
  RunResult dd = m_hull({"exec", c.id(), "dd", "if=/dev/vda", "of=/dev/null", "bs=256k", "count=8",
                         "skip=2000", "iflag=direct"},
                        60s);
  auto took = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(dd.exit_code, 0) << dd.err;
  EXPECT_GE(took, 1200ms);
  EXPECT_THAT(read_text(dir(c) + "/io.stat"), HasSubstr(devno + " rbytes="));
}

TEST_F(Cgroup2Test, PidsLimitStopsForks) {
  Bundle b({"sleep", "1000"});
  b.edit("c['linux']['resources'] = {'pids': {'limit': 8}}");
  Running c(m_hull, b, unique_id("v2-pids"));
  ASSERT_TRUE(c.ok()) << c.run().err;
  EXPECT_EQ(trimmed(read_text(dir(c) + "/pids.max")), "8");
  RunResult fork =
      m_hull({"exec", c.id(), "sh", "-c", "for i in 1 2 3 4 5 6 7 8 9 10; do sleep 100 & done"});
  EXPECT_THAT(fork.err + fork.out, HasSubstr("can't fork"));
  EXPECT_LE(keyed(read_text(dir(c) + "/pids.events"), "max"), 100);
  EXPECT_GE(keyed(read_text(dir(c) + "/pids.events"), "max"), 1);
  RunResult stats = m_hull({"events", "--stats", c.id()});
  EXPECT_THAT(stats.out, HasSubstr(",\"limit\":8}"));
}

TEST_F(Cgroup2Test, HugetlbLimitIsWritten) {
  if (read_text("/sys/fs/cgroup/cgroup.controllers").find("hugetlb") == std::string::npos ||
      !exists("/sys/kernel/mm/hugepages/hugepages-2048kB"))
    GTEST_SKIP() << "no hugetlb controller or no 2 MiB huge pages";
  Bundle b({"sleep", "1000"});
  b.edit("c['linux']['resources'] = {'hugepageLimits': [{'pageSize': '2MB', 'limit': 4194304}]}");
  Running c(m_hull, b, unique_id("v2-huge"));
  ASSERT_TRUE(c.ok()) << c.run().err;
  EXPECT_EQ(trimmed(read_text(dir(c) + "/hugetlb.2MB.max")), "4194304");
  EXPECT_EQ(trimmed(read_text(dir(c) + "/hugetlb.2MB.rsvd.max")), "4194304");
  RunResult stats = m_hull({"events", "--stats", c.id()});
  EXPECT_THAT(stats.out, HasSubstr("\"2MB\""));
  // An unknown size names the field.
  Bundle bad({"true"});
  bad.edit("c['linux']['resources'] = {'hugepageLimits': [{'pageSize': '3MB', 'limit': 1}]}");
  RunResult r = m_hull({"run", "--bundle", bad.dir(), unique_id("v2-huge-bad")});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("hugepageLimits[0].pageSize"));
}

// The eBPF device filter, checked by opening device nodes: the container may mknod any node
// (CAP_MKNOD and the default "m" rules) but opens only what the rules allow.
TEST_F(Cgroup2Test, DeviceFilterAllowsAndDeniesOpens) {
  std::string devno = disk_devno();
  std::string major = devno.substr(0, devno.find(':')), minor = devno.substr(devno.find(':') + 1);
  Bundle b({"sleep", "1000"});
  b.edit(edits::add_capability("CAP_MKNOD"));
  // Everything denied, then the guest's disk readable only (the defaults follow: null, zero...).
  b.edit(
      "c['linux']['resources'] = {'devices': [{'allow': False, 'access': 'rwm'}, "
      "{'allow': True, 'type': 'b', 'major': " +
      major + ", 'minor': " + minor + ", 'access': 'r'}]}");
  Running c(m_hull, b, unique_id("v2-dev"));
  ASSERT_TRUE(c.ok()) << c.run().err;
  auto sh = [&](const std::string& script) { return m_hull({"exec", c.id(), "sh", "-c", script}); };
  RunResult made =
      sh("mknod /dev/hull-disk b " + major + " " + minor + " && mknod /dev/hull-tty1 c 4 1");
  ASSERT_EQ(made.exit_code, 0) << made.err;
  RunResult read = sh("head -c 512 /dev/hull-disk | wc -c");
  EXPECT_EQ(read.exit_code, 0) << read.err;
  EXPECT_EQ(trimmed(read.out), "512");
  // Opening for writing is refused (nothing would be written: the block device is opened only).
  RunResult write = sh(": >/dev/hull-disk");
  EXPECT_NE(write.exit_code, 0);
  EXPECT_THAT(write.err, HasSubstr("Operation not permitted"));
  // A node no rule allows cannot be opened at all.
  RunResult tty = sh("head -c 0 /dev/hull-tty1");
  EXPECT_NE(tty.exit_code, 0);
  EXPECT_THAT(tty.err, HasSubstr("Operation not permitted"));
  // The default devices stay open.
  EXPECT_EQ(sh("echo x >/dev/null && head -c 4 /dev/zero >/dev/null").exit_code, 0);
}

TEST_F(Cgroup2Test, FreezerStopsAndResumesTheContainer) {
  TempDir data;
  Bundle b({"sh", "-c",
            "i=0; while :; do i=$((i+1)); echo $i >/data/c.tmp; mv /data/c.tmp /data/c; sleep 0.1; "
            "done"});
  b.edit(edits::bind(data.path(), "/data"));
  Running c(m_hull, b, unique_id("v2-freeze"));
  ASSERT_TRUE(c.ok()) << c.run().err;
  std::string counter = data.path() + "/c";
  ASSERT_TRUE(wait_for([&] { return std::atol(read_text(counter).c_str()) > 2; }, 30s));
  ASSERT_EQ(m_hull({"pause", c.id()}).exit_code, 0);
  EXPECT_EQ(c.status(), "paused");
  EXPECT_EQ(trimmed(read_text(dir(c) + "/cgroup.freeze")), "1");
  EXPECT_EQ(keyed(read_text(dir(c) + "/cgroup.events"), "frozen"), 1);
  long frozen_at = std::atol(read_text(counter).c_str());
  std::this_thread::sleep_for(1s);
  EXPECT_EQ(std::atol(read_text(counter).c_str()), frozen_at);
  ASSERT_EQ(m_hull({"resume", c.id()}).exit_code, 0);
  EXPECT_EQ(c.status(), "running");
  EXPECT_EQ(keyed(read_text(dir(c) + "/cgroup.events"), "frozen"), 0);
  EXPECT_TRUE(wait_for([&] { return std::atol(read_text(counter).c_str()) > frozen_at; }, 30s));
}

// Without a pid namespace, init's death does not end its processes: delete must kill them all.
// Here a fork bomb held at pids.max keeps forking into every slot a killed task frees: a
// list-then-kill never catches up (the cgroup stays busy and delete fails), cgroup.kill kills
// the whole cgroup in the kernel, tasks forked meanwhile included.
TEST_F(Cgroup2Test, DeleteKillsAForkBombAtOnce) {
  Bundle b({"sh", "-c", "f() { f | f & }; f"});
  b.edit(edits::drop_namespace("pid"));
  b.edit("c['linux']['resources'] = {'pids': {'limit': 200}}");
  std::string cid = unique_id("v2-kill");
  ASSERT_EQ(m_hull({"run", "-d", "--bundle", b.dir(), cid}).exit_code, 0);
  std::string cg = "/sys/fs/cgroup/hull/" + cid;
  ASSERT_TRUE(
      wait_for([&] { return std::atol(read_text(cg + "/pids.current").c_str()) > 150; }, 60s));
  RunResult del = m_hull({"delete", "--force", cid}, 60s);
  EXPECT_EQ(del.exit_code, 0) << del.err;
  EXPECT_FALSE(exists(cg));
  if (exists(cg)) {  // leave nothing behind even when failing
    std::ofstream(cg + "/cgroup.kill") << "1";
    wait_for([&] { return ::rmdir(cg.c_str()) == 0; }, 30s);
  }
}

TEST_F(Cgroup2Test, CgroupNamespaceMakesTheContainersCgroupItsRoot) {
  Bundle b({"sleep", "1000"});
  b.edit("c['linux']['resources'] = {'pids': {'limit': 50}}");
  Running c(m_hull, b, unique_id("v2-cgns"));
  ASSERT_TRUE(c.ok()) << c.run().err;
  EXPECT_EQ(trimmed(m_hull({"exec", c.id(), "cat", "/proc/self/cgroup"}).out), "0::/");
  // The mounted cgroup2 is the container's own cgroup: its limit, its processes.
  EXPECT_EQ(trimmed(m_hull({"exec", c.id(), "cat", "/sys/fs/cgroup/pids.max"}).out), "50");
  EXPECT_THAT(m_hull({"exec", c.id(), "cat", "/sys/fs/cgroup/cgroup.procs"}).out, HasSubstr("1\n"));
  // Without the namespace the host's path shows.
  Bundle host({"sleep", "1000"});
  host.edit(edits::drop_namespace("cgroup"));
  Running h(m_hull, host, unique_id("v2-nocgns"));
  ASSERT_TRUE(h.ok()) << h.run().err;
  EXPECT_EQ(trimmed(m_hull({"exec", h.id(), "cat", "/proc/self/cgroup"}).out),
            "0::/hull/" + h.id());
}

TEST_F(Cgroup2Test, UnifiedKeysAreWrittenAndBadOnesNamed) {
  Bundle b({"sleep", "1000"});
  b.edit(
      "c['linux']['resources'] = {'unified': {'memory.high': '52428800', 'pids.max': '77', "
      "'cpu.weight.nice': '5', 'memory.oom.group': '1'}}");
  Running c(m_hull, b, unique_id("v2-unified"));
  ASSERT_TRUE(c.ok()) << c.run().err;
  EXPECT_EQ(trimmed(read_text(dir(c) + "/memory.high")), "52428800");
  EXPECT_EQ(trimmed(read_text(dir(c) + "/pids.max")), "77");
  EXPECT_EQ(trimmed(read_text(dir(c) + "/cpu.weight.nice")), "5");
  EXPECT_EQ(trimmed(read_text(dir(c) + "/memory.oom.group")), "1");
  Bundle bad({"true"});
  bad.edit("c['linux']['resources'] = {'unified': {'memory.nosuch': '1'}}");
  std::string bid = unique_id("v2-unified-bad");
  RunResult r = m_hull({"run", "--bundle", bad.dir(), bid});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("unified[\\\"memory.nosuch\\\"]"));
  EXPECT_FALSE(exists("/sys/fs/cgroup/hull/" + bid));
}

TEST_F(Cgroup2Test, UpdateChangesEveryController) {
  std::string devno = disk_devno();
  std::string major = devno.substr(0, devno.find(':')), minor = devno.substr(devno.find(':') + 1);
  Bundle b({"sleep", "1000"});
  b.edit("c['linux']['resources'] = {'memory': {'limit': 67108864}, 'pids': {'limit': 40}}");
  Running c(m_hull, b, unique_id("v2-update"));
  ASSERT_TRUE(c.ok()) << c.run().err;
  TempDir tmp;
  std::string res = tmp.path() + "/resources.json";
  std::ofstream(res)
      << "{\"memory\": {\"limit\": 104857600, \"reservation\": 52428800, "
         "\"swap\": 209715200},"
         " \"cpu\": {\"shares\": 1024, \"quota\": 30000, \"period\": 100000, "
         "\"cpus\": \"0\", \"mems\": \"0\"},"
         " \"pids\": {\"limit\": 64},"
         " \"blockIO\": {\"weight\": 200, \"throttleWriteBpsDevice\": [{\"major\": " +
             major + ", \"minor\": " + minor +
             ", \"rate\": 2097152}]},"
             " \"hugepageLimits\": [{\"pageSize\": \"2MB\", \"limit\": 8388608}],"
             " \"unified\": {\"memory.high\": \"94371840\"}}";
  RunResult up = m_hull({"update", "--resources", res, c.id()});
  ASSERT_EQ(up.exit_code, 0) << up.err;
  std::string d = dir(c);
  EXPECT_EQ(trimmed(read_text(d + "/memory.max")), "104857600");
  EXPECT_EQ(trimmed(read_text(d + "/memory.low")), "52428800");
  EXPECT_EQ(trimmed(read_text(d + "/memory.swap.max")), "104857600");
  EXPECT_EQ(trimmed(read_text(d + "/memory.high")), "94371840");
  EXPECT_EQ(trimmed(read_text(d + "/cpu.weight")), "39");
  EXPECT_EQ(trimmed(read_text(d + "/cpu.max")), "30000 100000");
  EXPECT_EQ(trimmed(read_text(d + "/cpuset.cpus")), "0");
  EXPECT_EQ(trimmed(read_text(d + "/cpuset.mems")), "0");
  EXPECT_EQ(trimmed(read_text(d + "/pids.max")), "64");
  std::string weight =
      exists(d + "/io.bfq.weight") ? read_text(d + "/io.bfq.weight") : read_text(d + "/io.weight");
  EXPECT_THAT(weight, ::testing::AnyOf(HasSubstr("default 1920"), HasSubstr("default 200")));
  EXPECT_THAT(read_text(d + "/io.max"), HasSubstr(devno + " rbps=max wbps=2097152"));
  EXPECT_EQ(trimmed(read_text(d + "/hugetlb.2MB.max")), "8388608");
  // The flags form too, and a later load sees the new values.
  ASSERT_EQ(m_hull({"update", "--memory", "83886080", "--pids-limit", "30", c.id()}).exit_code, 0);
  EXPECT_EQ(trimmed(read_text(d + "/memory.max")), "83886080");
  EXPECT_EQ(trimmed(read_text(d + "/pids.max")), "30");
  EXPECT_THAT(m_hull({"events", "--stats", c.id()}).out, HasSubstr("\"limit\":83886080"));
}

}  // namespace
}  // namespace hull::testing

// The systemd cgroup driver (--systemd-cgroup) on a host where systemd is PID 1 and cgroups are
// v2 only: the guest of tools/vm. Each container is a transient scope; its limits are unit
// properties (checked with systemctl) and cgroup files; pause, stats, update and delete go
// through it; Debian's runc with --systemd-cgroup in the same guest is the reference.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <thread>

#include "tests/cgroups/util.h"
#include "tests/harness/harness.h"

namespace hull::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using namespace std::chrono_literals;

bool exists(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0;
}

std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

// `systemctl show --value -p PROPERTY UNIT`.
std::string unit_property(const std::string& unit, const std::string& property) {
  RunResult r = run_command({"/usr/bin/systemctl", "show", "--value", "-p", property, unit}, 30s);
  return trimmed(r.out);
}

// The scope's directory in the guest's cgroup2 hierarchy.
std::string scope_dir(const std::string& slice_path, const std::string& unit) {
  return "/sys/fs/cgroup" + slice_path + "/" + unit;
}

long state_pid(const std::string& json) {
  size_t at = json.find("\"pid\":");
  return at == std::string::npos ? 0 : std::strtol(json.c_str() + at + 6, nullptr, 10);
}

class SystemdTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!exists("/run/systemd/system")) GTEST_SKIP() << "systemd is not PID 1 here";
  }
  void TearDown() override {
    for (const auto& cid : m_ids) (void)hull({"delete", "--force", cid});
  }

  // hull --systemd-cgroup ARGS.
  RunResult hull(std::vector<std::string> args, std::chrono::milliseconds timeout = 60s) {
    args.insert(args.begin(), "--systemd-cgroup");
    return m_hull(args, timeout);
  }
  std::string id(const std::string& name) {
    m_ids.push_back(unique_id(name));
    return m_ids.back();
  }
  // A detached container; its init pid.
  long run(const Bundle& b, const std::string& cid) {
    RunResult r = hull({"run", "-d", "--bundle", b.dir(), cid});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return state_pid(hull({"state", cid}).out);
  }

  Hull m_hull;
  std::vector<std::string> m_ids;
};

// Memory, pids and cpu limits on a sleeping container's bundle.
void limit(const Bundle& b) {
  b.edit(
      "c['linux']['resources'] = {'memory': {'limit': 67108864}, 'pids': {'limit': 32}, "
      "'cpu': {'shares': 2048, 'quota': 50000, 'period': 100000}}");
}

TEST_F(SystemdTest, RunMakesADelegatedScopeWithTheLimitsAsProperties) {
  Bundle b({"/bin/sleep", "1000"});
  limit(b);
  std::string cid = id("sd-run");
  long pid = run(b, cid);
  ASSERT_GT(pid, 0);
  std::string unit = "hull-" + cid + ".scope";
  EXPECT_EQ(unit_property(unit, "ActiveState"), "active");
  EXPECT_EQ(unit_property(unit, "Slice"), "system.slice");
  EXPECT_EQ(unit_property(unit, "Delegate"), "yes");
  EXPECT_EQ(unit_property(unit, "MemoryMax"), "67108864");
  EXPECT_EQ(unit_property(unit, "TasksMax"), "32");
  EXPECT_EQ(unit_property(unit, "CPUWeight"), "79");
  EXPECT_EQ(unit_property(unit, "CPUQuotaPerSecUSec"), "500ms");
  std::string dir = scope_dir("/system.slice", unit);
  EXPECT_EQ(trimmed(read_text("/proc/" + std::to_string(pid) + "/cgroup")),
            "0::/system.slice/" + unit);
  EXPECT_EQ(trimmed(read_text(dir + "/memory.max")), "67108864");
  EXPECT_EQ(trimmed(read_text(dir + "/pids.max")), "32");
  EXPECT_EQ(trimmed(read_text(dir + "/cpu.max")), "50000 100000");
  EXPECT_EQ(trimmed(read_text(dir + "/cpu.weight")), "79");
  // state.json names the scope, so later commands use this driver.
  std::string state = read_text(m_hull.root() + "/" + cid + "/state.json");
  EXPECT_THAT(state, HasSubstr("\"systemd_unit\":\"" + unit + "\""));
  // hull ps lists init from the scope's cgroup.procs.
  EXPECT_THAT(hull({"ps", cid}).out, HasSubstr(std::to_string(pid)));
}

TEST_F(SystemdTest, ExecJoinsTheScope) {
  Bundle b({"/bin/sleep", "1000"});
  std::string cid = id("sd-exec");
  ASSERT_GT(run(b, cid), 0);
  // In the container's cgroup namespace, whose root is the scope: "/" is the scope itself.
  RunResult r = hull({"exec", cid, "cat", "/proc/self/cgroup"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(trimmed(r.out), "0::/");
  // Seen from the host: init and the exec'd process are both in the scope.
  ASSERT_EQ(hull({"exec", "-d", cid, "sleep", "1000"}).exit_code, 0);
  std::string procs =
      read_text(scope_dir("/system.slice", "hull-" + cid + ".scope") + "/cgroup.procs");
  EXPECT_EQ(std::count(procs.begin(), procs.end(), '\n'), 2) << procs;
}

TEST_F(SystemdTest, DeleteStopsTheUnitAndRemovesTheCgroup) {
  Bundle b({"/bin/sleep", "1000"});
  std::string cid = id("sd-delete");
  ASSERT_GT(run(b, cid), 0);
  std::string unit = "hull-" + cid + ".scope";
  ASSERT_EQ(unit_property(unit, "ActiveState"), "active");
  RunResult del = hull({"delete", "--force", cid});
  EXPECT_EQ(del.exit_code, 0) << del.err;
  EXPECT_EQ(unit_property(unit, "LoadState"), "not-found");
  EXPECT_FALSE(exists(scope_dir("/system.slice", unit)));
  EXPECT_FALSE(exists(m_hull.root() + "/" + cid));
}

TEST_F(SystemdTest, AnExitedContainerIsDeletedCleanly) {
  Bundle b({"/bin/true"});
  std::string cid = id("sd-exited");
  ASSERT_EQ(hull({"run", "-d", "--bundle", b.dir(), cid}).exit_code, 0);
  EXPECT_TRUE(wait_for([&] { return hull({"state", cid}).out.find("stopped") != std::string::npos; },
                       30s));
  RunResult del = hull({"delete", cid});
  EXPECT_EQ(del.exit_code, 0) << del.err;
  std::string unit = "hull-" + cid + ".scope";
  EXPECT_EQ(unit_property(unit, "LoadState"), "not-found");
  EXPECT_FALSE(exists(scope_dir("/system.slice", unit)));
}

TEST_F(SystemdTest, PauseStatsAndUpdateGoThroughTheScope) {
  Bundle b({"/bin/sleep", "1000"});
  limit(b);
  std::string cid = id("sd-update");
  ASSERT_GT(run(b, cid), 0);
  std::string unit = "hull-" + cid + ".scope";
  std::string dir = scope_dir("/system.slice", unit);
  ASSERT_EQ(hull({"pause", cid}).exit_code, 0);
  EXPECT_THAT(hull({"state", cid}).out, HasSubstr("\"status\": \"paused\""));
  EXPECT_EQ(trimmed(read_text(dir + "/cgroup.freeze")), "1");
  ASSERT_EQ(hull({"resume", cid}).exit_code, 0);
  EXPECT_THAT(hull({"state", cid}).out, HasSubstr("\"status\": \"running\""));
  RunResult stats = hull({"events", "--stats", cid});
  ASSERT_EQ(stats.exit_code, 0) << stats.err;
  EXPECT_THAT(stats.out, HasSubstr("\"limit\":67108864"));
  // update: the unit's properties and the cgroup files change together; a quota systemd holds in
  // whole percent is rounded up for both (runc's rule).
  RunResult up = hull({"update", "--memory", "134217728", "--pids-limit", "20", "--cpu-quota",
                       "33333", "--cpu-period", "100000", cid});
  ASSERT_EQ(up.exit_code, 0) << up.err;
  EXPECT_EQ(unit_property(unit, "MemoryMax"), "134217728");
  EXPECT_EQ(unit_property(unit, "TasksMax"), "20");
  EXPECT_EQ(unit_property(unit, "CPUQuotaPerSecUSec"), "340ms");
  EXPECT_EQ(trimmed(read_text(dir + "/memory.max")), "134217728");
  EXPECT_EQ(trimmed(read_text(dir + "/pids.max")), "20");
  EXPECT_EQ(trimmed(read_text(dir + "/cpu.max")), "34000 100000");
  // systemd re-applies a unit's properties on daemon-reload: the update survives it.
  ASSERT_EQ(run_command({"/usr/bin/systemctl", "daemon-reload"}, 60s).exit_code, 0);
  EXPECT_EQ(trimmed(read_text(dir + "/memory.max")), "134217728");
  EXPECT_EQ(trimmed(read_text(dir + "/pids.max")), "20");
}

// kubelet's cgroup layout: pods are nested slices (kubepods-besteffort-pod<uid>.slice), each
// container a scope in its pod's slice.
TEST_F(SystemdTest, PodSliceHoldsTheScope) {
  Bundle b({"/bin/sleep", "1000"});
  std::string cid = id("sd-pod");
  std::string slice = "hullpods-besteffort-pod" + std::to_string(getpid()) + ".slice";
  b.edit("c['linux']['cgroupsPath'] = '" + slice + ":cri-hull:" + cid + "'");
  long pid = run(b, cid);
  ASSERT_GT(pid, 0);
  std::string unit = "cri-hull-" + cid + ".scope";
  std::string slice_path = "/hullpods.slice/hullpods-besteffort.slice/" + slice;
  EXPECT_EQ(unit_property(unit, "Slice"), slice);
  EXPECT_EQ(trimmed(read_text("/proc/" + std::to_string(pid) + "/cgroup")),
            "0::" + slice_path + "/" + unit);
  // A pod-wide limit set on the slice (as kubelet does) is the container's ceiling.
  ASSERT_EQ(run_command({"/usr/bin/systemctl", "set-property", "--runtime", slice,
                         "TasksMax=5"}, 60s).exit_code, 0);
  EXPECT_EQ(trimmed(read_text("/sys/fs/cgroup" + slice_path + "/pids.max")), "5");
  RunResult fork = hull({"exec", cid, "sh", "-c", "for i in 1 2 3 4 5 6; do sleep 100 & done"});
  EXPECT_THAT(fork.err + fork.out, HasSubstr("can't fork"));
  ASSERT_EQ(hull({"delete", "--force", cid}).exit_code, 0);
  EXPECT_EQ(unit_property(unit, "LoadState"), "not-found");
  (void)run_command({"/usr/bin/systemctl", "stop", "hullpods.slice"}, 60s);
}

TEST_F(SystemdTest, BadCgroupsPathIsRefusedAndLeavesNothing) {
  Bundle b({"/bin/true"});
  std::string cid = id("sd-badpath");
  b.edit("c['linux']['cgroupsPath'] = '/hull/" + cid + "'");
  RunResult r = hull({"run", "--bundle", b.dir(), cid});
  EXPECT_EQ(r.exit_code, 1);
  // (The log line escapes the quotes of runc's message.)
  EXPECT_THAT(r.err, HasSubstr("expected cgroupsPath to be of format"));
  EXPECT_THAT(r.err, HasSubstr("slice:prefix:name"));
  EXPECT_THAT(r.err, HasSubstr("for systemd cgroups, got"));
  EXPECT_FALSE(exists(m_hull.root() + "/" + cid));
  EXPECT_FALSE(exists("/sys/fs/cgroup/hull/" + cid));
}

TEST_F(SystemdTest, AFailedStartStopsTheScope) {
  Bundle b({"/no/such/binary"});
  std::string cid = id("sd-fail");
  RunResult r = hull({"run", "--bundle", b.dir(), cid});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("/no/such/binary"));
  std::string unit = "hull-" + cid + ".scope";
  EXPECT_EQ(unit_property(unit, "LoadState"), "not-found");
  EXPECT_FALSE(exists(scope_dir("/system.slice", unit)));
  EXPECT_FALSE(exists(m_hull.root() + "/" + cid));
}

// A process past memory.max is OOM-killed; systemd then stops the whole scope (OOMPolicy=stop,
// its default), so a foreground run ends with SIGKILL's 137, as with runc --systemd-cgroup.
TEST_F(SystemdTest, OomKillEndsTheContainerAsWithRunc) {
  Bundle b({"/bin/sh", "-c", "tail /dev/zero"});
  b.edit("c['linux']['resources'] = {'memory': {'limit': 33554432, 'swap': 33554432}}");
  std::string cid = id("sd-oom");
  RunResult r = hull({"run", "--bundle", b.dir(), cid}, 120s);
  EXPECT_EQ(r.exit_code, 137) << r.err;
  (void)hull({"delete", "--force", cid});
  EXPECT_EQ(unit_property("hull-" + cid + ".scope", "LoadState"), "not-found");
  TempDir runc_root;
  std::string rid = unique_id("sd-oom-runc");
  RunResult rr = run_command({"/usr/sbin/runc", "--systemd-cgroup", "--root", runc_root.path(),
                              "run", "--bundle", b.dir(), rid}, 120s);
  EXPECT_EQ(rr.exit_code, 137) << rr.err;
  (void)run_command({"/usr/sbin/runc", "--root", runc_root.path(), "delete", "--force", rid});
}

// The same config under runc --systemd-cgroup and hull --systemd-cgroup: the two scopes get the
// same properties.
TEST_F(SystemdTest, RuncMakesTheSameScope) {
  Bundle b({"/bin/sleep", "1000"});
  limit(b);
  std::string cid = id("sd-ref");
  ASSERT_GT(run(b, cid), 0);
  TempDir runc_root;
  std::string rid = unique_id("sd-ref-runc");
  RunResult rr = run_command({"/usr/sbin/runc", "--systemd-cgroup", "--root", runc_root.path(),
                              "run", "-d", "--bundle", b.dir(), rid}, 120s);
  ASSERT_EQ(rr.exit_code, 0) << rr.err;
  std::string ours = "hull-" + cid + ".scope", theirs = "runc-" + rid + ".scope";
  for (const char* p : {"Slice", "Delegate", "MemoryMax", "TasksMax", "CPUWeight",
                        "CPUQuotaPerSecUSec", "MemoryAccounting", "CPUAccounting",
                        "IOAccounting", "TasksAccounting", "DefaultDependencies"})
    EXPECT_EQ(unit_property(ours, p), unit_property(theirs, p)) << p;
  (void)run_command({"/usr/sbin/runc", "--root", runc_root.path(), "delete", "--force", rid}, 60s);
}

}  // namespace
}  // namespace hull::testing

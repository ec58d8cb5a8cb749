// The systemd cgroup driver (--systemd-cgroup) on a host where systemd is PID 1 and cgroups are
// v2 only: the guest of tools/vm. Each container is a transient scope; its limits are unit
// properties (checked with systemctl) and cgroup files; pause, stats, update and delete go
// through it; Debian's runc with --systemd-cgroup in the same guest is the reference.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <sstream>
#include <string>
#include <thread>

#include "tests/harness/harness.h"

namespace hull::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using namespace std::chrono_literals;

// `systemctl show --value -p PROPERTY UNIT`.
std::string unit_property(const std::string& unit, const std::string& property) {
  RunResult r = run_command({"/usr/bin/systemctl", "show", "--value", "-p", property, unit}, 30s);
  return trimmed(r.out);
}

// The scope's directory in the guest's cgroup2 hierarchy.
std::string scope_dir(const std::string& slice_path, const std::string& unit) {
  return "/sys/fs/cgroup" + slice_path + "/" + unit;
}

// Memory, pids and cpu limits on a sleeping container's bundle.
void limit(const Bundle& b) {
  b.edit(
      "c['linux']['resources'] = {'memory': {'limit': 67108864}, 'pids': {'limit': 32}, "
      "'cpu': {'shares': 2048, 'quota': 50000, 'period': 100000}}");
}

class SystemdTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!exists("/run/systemd/system")) GTEST_SKIP() << "systemd is not PID 1 here";
    if (!is_pure_cgroup2()) GTEST_SKIP() << "not a pure cgroup v2 host (SystemdHybridTest runs)";
  }

  // hull --systemd-cgroup ARGS.
  RunResult hull(std::vector<std::string> args, std::chrono::milliseconds timeout = 60s) {
    args.insert(args.begin(), "--systemd-cgroup");
    return m_hull(args, timeout);
  }
  std::string id(const std::string& name) { return m_ids.keep(unique_id(name)); }
  // A detached container; its init pid.
  long run(const Bundle& b, const std::string& cid) {
    RunResult r = hull({"run", "-d", "--bundle", b.dir(), cid});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return state_pid(hull({"state", cid}).out);
  }

  // A node no rule allows (tty1, c 4:1) cannot be opened, before and after systemd re-applies
  // the scope's settings; /dev/null can.
  void device_rules_hold_across_daemon_reload(const std::string& name) {
    Bundle b({"/bin/sleep", "1000"});
    b.edit(edits::add_capability("CAP_MKNOD"));
    std::string cid = id(name);
    ASSERT_GT(run(b, cid), 0);
    auto tty = [&] {
      return hull(
          {"exec", cid, "sh", "-c", "[ -e /dev/x ] || mknod /dev/x c 4 1; head -c 0 /dev/x"});
    };
    EXPECT_THAT(tty().err, HasSubstr("Operation not permitted"));
    ASSERT_EQ(run_command({"/usr/bin/systemctl", "daemon-reload"}, 60s).exit_code, 0);
    EXPECT_THAT(tty().err, HasSubstr("Operation not permitted"));
    EXPECT_EQ(hull({"exec", cid, "sh", "-c", "echo x >/dev/null"}).exit_code, 0);
  }

  // The same config under runc --systemd-cgroup and hull --systemd-cgroup: the two scopes get
  // the same `properties`.
  void runc_makes_the_same_scope(const std::string& name,
                                 const std::vector<std::string>& properties) {
    Bundle b({"/bin/sleep", "1000"});
    limit(b);
    std::string cid = id(name);
    ASSERT_GT(run(b, cid), 0);
    TempDir runc_root;
    std::string rid = unique_id(name + "-runc");
    RunResult rr = run_command({"/usr/sbin/runc", "--systemd-cgroup", "--root", runc_root.path(),
                                "run", "-d", "--bundle", b.dir(), rid},
                               120s);
    ASSERT_EQ(rr.exit_code, 0) << rr.err;
    std::string ours = "hull-" + cid + ".scope", theirs = "runc-" + rid + ".scope";
    for (const std::string& p : properties)
      EXPECT_EQ(unit_property(ours, p), unit_property(theirs, p)) << p;
    (void)run_command({"/usr/sbin/runc", "--root", runc_root.path(), "delete", "--force", rid},
                      60s);
  }

  Hull m_hull;
  ContainerIds m_ids{m_hull};
};

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
  EXPECT_EQ(wait_for_status(m_hull, cid, "stopped", 30s), "stopped");
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

// On v2 the device filter is hull's eBPF program; systemd, with no device properties, leaves it.
TEST_F(SystemdTest, DeviceRulesHoldAcrossDaemonReload) {
  device_rules_hold_across_daemon_reload("sd-dev");
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
  ASSERT_EQ(
      run_command({"/usr/bin/systemctl", "set-property", "--runtime", slice, "TasksMax=5"}, 60s)
          .exit_code,
      0);
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
                              "run", "--bundle", b.dir(), rid},
                             120s);
  EXPECT_EQ(rr.exit_code, 137) << rr.err;
  (void)run_command({"/usr/sbin/runc", "--root", runc_root.path(), "delete", "--force", rid});
}

// Debian's criu on the guest's kernel: a container in a scope is checkpointed (its scope goes
// with it) and restored into a new scope with the same limits, and goes on counting.
TEST_F(SystemdTest, CheckpointAndRestoreIntoANewScope) {
  const char* criu = "/usr/sbin/criu";
  if (access(criu, X_OK) != 0 || run_command({criu, "check"}, 60s).exit_code != 0)
    GTEST_SKIP() << "no working criu";
  TempDir data, images;
  Bundle b({"sh", "-c",
            "exec </dev/null >/dev/null 2>&1; i=0; while :; do i=$((i+1)); echo $i >/data/c.tmp; "
            "mv /data/c.tmp /data/c; sleep 0.1; done"});
  b.edit(edits::bind(data.path(), "/data"));
  b.edit("c['linux']['resources'] = {'memory': {'limit': 67108864}}");
  std::string cid = id("sd-criu");
  std::string unit = "hull-" + cid + ".scope";
  std::string counter = data.path() + "/c";
  ASSERT_GT(run(b, cid), 0);
  ASSERT_TRUE(wait_for([&] { return std::atol(read_text(counter).c_str()) > 3; }, 30s));
  std::string img = images.path() + "/img";
  RunResult ck = hull({"--criu", criu, "checkpoint", "--image-path", img, cid}, 180s);
  ASSERT_EQ(ck.exit_code, 0) << ck.err;
  EXPECT_EQ(unit_property(unit, "LoadState"), "not-found");
  long at_checkpoint = std::atol(read_text(counter).c_str());
  RunResult rs =
      hull({"--criu", criu, "restore", "-d", "--image-path", img, "--bundle", b.dir(), cid}, 180s);
  ASSERT_EQ(rs.exit_code, 0) << rs.err;
  EXPECT_EQ(unit_property(unit, "ActiveState"), "active");
  EXPECT_EQ(unit_property(unit, "MemoryMax"), "67108864");
  long pid = state_pid(hull({"state", cid}).out);
  EXPECT_EQ(trimmed(read_text("/proc/" + std::to_string(pid) + "/cgroup")),
            "0::/system.slice/" + unit);
  EXPECT_TRUE(wait_for([&] { return std::atol(read_text(counter).c_str()) > at_checkpoint; }, 30s));
  ASSERT_EQ(hull({"delete", "--force", cid}).exit_code, 0);
  EXPECT_EQ(unit_property(unit, "LoadState"), "not-found");
}

TEST_F(SystemdTest, RuncMakesTheSameScope) {
  runc_makes_the_same_scope("sd-ref", {"Slice", "Delegate", "MemoryMax", "TasksMax", "CPUWeight",
                                       "CPUQuotaPerSecUSec", "MemoryAccounting", "CPUAccounting",
                                       "IOAccounting", "TasksAccounting", "DefaultDependencies"});
}

// The same driver on a hybrid host (v1 controllers, systemd tracking in the cgroup2 mount): the
// guest booted with systemd.unified_cgroup_hierarchy=0. systemd makes the scope in the
// hierarchies it manages, hull in the others (freezer, cpuset, ...) and joins init to all.
class SystemdHybridTest : public SystemdTest {
 protected:
  void SetUp() override {
    if (!exists("/run/systemd/system")) GTEST_SKIP() << "systemd is not PID 1 here";
    if (is_pure_cgroup2() || !exists("/sys/fs/cgroup/unified/cgroup.procs"))
      GTEST_SKIP() << "not a hybrid cgroup host";
  }
  static std::string v1(const std::string& controller, const std::string& unit) {
    return "/sys/fs/cgroup/" + controller + "/system.slice/" + unit;
  }
};

TEST_F(SystemdHybridTest, InitIsInTheScopeOfEveryHierarchyWithTheLimits) {
  Bundle b({"/bin/sleep", "1000"});
  limit(b);
  std::string cid = id("sdh-run");
  long pid = run(b, cid);
  ASSERT_GT(pid, 0);
  std::string unit = "hull-" + cid + ".scope";
  EXPECT_EQ(unit_property(unit, "ActiveState"), "active");
  EXPECT_EQ(unit_property(unit, "MemoryLimit"), "67108864");
  EXPECT_EQ(unit_property(unit, "TasksMax"), "32");
  EXPECT_EQ(unit_property(unit, "CPUShares"), "2048");
  EXPECT_EQ(trimmed(read_text(v1("memory", unit) + "/memory.limit_in_bytes")), "67108864");
  EXPECT_EQ(trimmed(read_text(v1("pids", unit) + "/pids.max")), "32");
  EXPECT_EQ(trimmed(read_text(v1("cpu,cpuacct", unit) + "/cpu.shares")), "2048");
  EXPECT_EQ(trimmed(read_text(v1("cpu,cpuacct", unit) + "/cpu.cfs_quota_us")), "50000");
  // Every hierarchy, those systemd does not manage (freezer, cpuset, ...) too.
  std::string cgroups = read_text("/proc/" + std::to_string(pid) + "/cgroup");
  std::istringstream lines(cgroups);
  std::string line;
  int n = 0;
  while (std::getline(lines, line)) {
    ++n;
    EXPECT_TRUE(line.ends_with(":/system.slice/" + unit)) << line;
  }
  EXPECT_GT(n, 8) << cgroups;
}

TEST_F(SystemdHybridTest, PauseUpdateAndDeleteEveryHierarchy) {
  Bundle b({"/bin/sleep", "1000"});
  limit(b);
  std::string cid = id("sdh-update");
  ASSERT_GT(run(b, cid), 0);
  std::string unit = "hull-" + cid + ".scope";
  ASSERT_EQ(hull({"pause", cid}).exit_code, 0);
  EXPECT_EQ(trimmed(read_text(v1("freezer", unit) + "/freezer.state")), "FROZEN");
  ASSERT_EQ(hull({"resume", cid}).exit_code, 0);
  EXPECT_THAT(hull({"state", cid}).out, HasSubstr("\"status\": \"running\""));
  ASSERT_EQ(hull({"update", "--memory", "134217728", "--pids-limit", "20", cid}).exit_code, 0);
  EXPECT_EQ(unit_property(unit, "MemoryLimit"), "134217728");
  EXPECT_EQ(unit_property(unit, "TasksMax"), "20");
  ASSERT_EQ(run_command({"/usr/bin/systemctl", "daemon-reload"}, 60s).exit_code, 0);
  EXPECT_EQ(trimmed(read_text(v1("memory", unit) + "/memory.limit_in_bytes")), "134217728");
  EXPECT_EQ(trimmed(read_text(v1("pids", unit) + "/pids.max")), "20");
  ASSERT_EQ(hull({"delete", "--force", cid}).exit_code, 0);
  EXPECT_EQ(unit_property(unit, "LoadState"), "not-found");
  for (const char* c : {"memory", "pids", "freezer", "cpuset", "unified", "systemd"})
    EXPECT_FALSE(exists(v1(c, unit))) << c;
}

// On v1, systemd rewrites a unit's devices cgroup from its properties whenever it re-applies the
// unit (daemon-reload): the rules are unit properties too (DevicePolicy=strict, DeviceAllow).
TEST_F(SystemdHybridTest, DeviceRulesHoldAcrossDaemonReload) {
  device_rules_hold_across_daemon_reload("sdh-dev");
}

TEST_F(SystemdHybridTest, RuncMakesTheSameScope) {
  runc_makes_the_same_scope(
      "sdh-ref", {"Slice", "Delegate", "MemoryLimit", "TasksMax", "CPUShares", "CPUQuotaPerSecUSec",
                  "MemoryAccounting", "BlockIOAccounting"});
}

}  // namespace
}  // namespace hull::testing

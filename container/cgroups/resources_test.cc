// File-level logic against fixtures: conversions, device rules and their eBPF program, stats
// parsing and JSON, and set()/stats() of both drivers on a directory of plain files.
#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <stdlib.h>
#include <unistd.h>

#include "base/testing/matchers.h"
#include "container/cgroups/cgroups.h"
#include "container/cgroups/convert.h"
#include "container/cgroups/devices.h"
#include "container/cgroups/stats.h"
#include "sys/file.h"

namespace hull::container::cgroups {
namespace {

using base::ErrorKind;
using base::testing::ErrorMessageHas;
using base::testing::FailedWith;
using base::testing::IsOk;
using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::Pair;

TEST(ConvertTest, CpuSharesToWeightLikeRunc) {
  EXPECT_EQ(cpu_shares_to_weight(0), 0u);
  EXPECT_EQ(cpu_shares_to_weight(2), 1u);
  EXPECT_EQ(cpu_shares_to_weight(1024), 39u);
  EXPECT_EQ(cpu_shares_to_weight(262144), 10000u);
}

TEST(ConvertTest, BlkioWeightToIoWeightLikeRunc) {
  EXPECT_EQ(blkio_weight_to_io_weight(0), 0u);
  EXPECT_EQ(blkio_weight_to_io_weight(10), 1u);
  EXPECT_EQ(blkio_weight_to_io_weight(500), 4950u);
  EXPECT_EQ(blkio_weight_to_io_weight(1000), 10000u);
}

TEST(ConvertTest, SwapIsMemoryPlusSwapInOci) {
  auto v = memory_swap_to_v2(300, 100);
  ASSERT_THAT(v, IsOk());
  EXPECT_EQ(*v, 200);
  auto unlimited = memory_swap_to_v2(0, -1);
  ASSERT_THAT(unlimited, IsOk());
  EXPECT_EQ(*unlimited, -1);
  EXPECT_THAT(memory_swap_to_v2(50, 100), ErrorMessageHas("linux.resources.memory.swap"));
  EXPECT_THAT(memory_swap_to_v2(50, 0), FailedWith(ErrorKind::InvalidArgument));
}

std::vector<DeviceCgroupRule> deny_all_then_defaults() {
  std::vector<DeviceCgroupRule> rules = {DeviceCgroupRule{false, "", {}, {}, "rwm"}};
  for (auto& r : default_device_rules()) rules.push_back(r);
  return rules;
}

TEST(DevicesTest, DefaultRulesMakeAnAllowList) {
  auto set = emulate_devices(deny_all_then_defaults());
  ASSERT_THAT(set, IsOk());
  EXPECT_FALSE(set->default_allow);
  auto writes = devices_v1_writes(*set);
  ASSERT_FALSE(writes.empty());
  EXPECT_EQ(writes[0], std::make_pair(std::string("devices.deny"), std::string("a")));
  EXPECT_THAT(writes, Contains(Pair("devices.allow", "c 1:3 rwm")));
  EXPECT_THAT(writes, Contains(Pair("devices.allow", "c 136:* rwm")));
  EXPECT_THAT(writes, Contains(Pair("devices.allow", "c *:* m")));
  EXPECT_THAT(writes, Contains(Pair("devices.allow", "c 5:2 rwm")));
}

TEST(DevicesTest, DenyNarrowsAnException) {
  auto set = emulate_devices({DeviceCgroupRule{false, "a", {}, {}, "rwm"},
                              DeviceCgroupRule{true, "c", 1, 3, "rwm"},
                              DeviceCgroupRule{false, "c", 1, 3, "w"}});
  ASSERT_THAT(set, IsOk());
  ASSERT_EQ(set->exceptions.size(), 1u);
  EXPECT_EQ(set->exceptions[0].access, "rm");
}

TEST(DevicesTest, InvalidRuleNamesItsIndex) {
  EXPECT_THAT(emulate_devices({DeviceCgroupRule{true, "c", 1, 3, "rwm"},
                               DeviceCgroupRule{true, "x", 1, 3, "rwm"}}),
              ErrorMessageHas("linux.resources.devices[1].type"));
  EXPECT_THAT(emulate_devices({DeviceCgroupRule{true, "c", 1, 3, "rwz"}}),
              ErrorMessageHas("linux.resources.devices[0].access"));
}

TEST(DevicesTest, BpfProgramDecidesLikeTheRules) {
  auto set = emulate_devices(deny_all_then_defaults());
  ASSERT_THAT(set, IsOk());
  auto prog = devices_bpf_program(*set);
  EXPECT_TRUE(devices_bpf_simulate(prog, 'c', 1, 3, "rw"));    // /dev/null
  EXPECT_TRUE(devices_bpf_simulate(prog, 'c', 136, 7, "rw"));  // a pty
  EXPECT_TRUE(devices_bpf_simulate(prog, 'b', 8, 0, "m"));     // mknod of any block device
  EXPECT_FALSE(devices_bpf_simulate(prog, 'b', 8, 0, "r"));    // but not reading it
  EXPECT_FALSE(devices_bpf_simulate(prog, 'c', 4, 1, "w"));    // tty1
  EXPECT_FALSE(devices_bpf_simulate(prog, 'c', 1, 4, "rm"));

  auto deny_list = emulate_devices(
      {DeviceCgroupRule{true, "a", {}, {}, "rwm"}, DeviceCgroupRule{false, "c", 1, 3, "w"}});
  ASSERT_THAT(deny_list, IsOk());
  auto prog2 = devices_bpf_program(*deny_list);
  EXPECT_TRUE(devices_bpf_simulate(prog2, 'c', 1, 3, "r"));
  EXPECT_FALSE(devices_bpf_simulate(prog2, 'c', 1, 3, "w"));
  EXPECT_FALSE(devices_bpf_simulate(prog2, 'c', 1, 3, "rw"));
  EXPECT_TRUE(devices_bpf_simulate(prog2, 'b', 8, 0, "rw"));
}

// runc 1.1 (specconv createDevices): linux.devices entries create nodes but get no cgroup rule,
// so the resources decide; a rule list without "a" is still an allow list of the defaults.
TEST(DevicesTest, LinuxDevicesDoNotOverrideTheRules) {
  const Device kmsg{"c", "/dev/kmsg", 1, 11, {}, {}, {}};
  auto denied = emulate_devices(
      container_device_rules({DeviceCgroupRule{false, "a", {}, {}, "rwm"}}, {kmsg}));
  ASSERT_THAT(denied, IsOk());
  EXPECT_FALSE(denied->default_allow);
  auto prog = devices_bpf_program(*denied);
  EXPECT_FALSE(devices_bpf_simulate(prog, 'c', 1, 11, "r"));
  EXPECT_FALSE(devices_bpf_simulate(prog, 'c', 1, 11, "w"));
  EXPECT_TRUE(devices_bpf_simulate(prog, 'c', 1, 11, "m"));  // the default mknod of any char
  EXPECT_THAT(devices_v1_writes(*denied), Not(Contains(Pair("devices.allow", "c 1:11 rwm"))));

  auto none = emulate_devices(container_device_rules({}, {kmsg}));
  ASSERT_THAT(none, IsOk());
  EXPECT_FALSE(none->default_allow);
  EXPECT_EQ(devices_v1_writes(*none)[0],
            std::make_pair(std::string("devices.deny"), std::string("a")));
  EXPECT_FALSE(devices_bpf_simulate(devices_bpf_program(*none), 'c', 1, 11, "r"));
  EXPECT_TRUE(devices_bpf_simulate(devices_bpf_program(*none), 'c', 1, 3, "rw"));

  auto allowed = emulate_devices(container_device_rules(
      {DeviceCgroupRule{false, "a", {}, {}, "rwm"}, DeviceCgroupRule{true, "c", 1, 11, "r"}},
      {kmsg}));
  ASSERT_THAT(allowed, IsOk());
  EXPECT_TRUE(devices_bpf_simulate(devices_bpf_program(*allowed), 'c', 1, 11, "r"));
  EXPECT_FALSE(devices_bpf_simulate(devices_bpf_program(*allowed), 'c', 1, 11, "w"));
}

// A default whose path linux.devices lists loses its rule (runc: "the spec one takes priority").
TEST(DevicesTest, ListedDefaultPathLosesItsRule) {
  const Device null{"c", "/dev/null", 1, 3, {}, {}, {}};
  auto rules = container_device_rules({DeviceCgroupRule{false, "a", {}, {}, "rwm"}}, {null});
  EXPECT_EQ(rules.size(), default_device_rules().size());  // deny-all + defaults - /dev/null
  auto set = emulate_devices(rules);
  ASSERT_THAT(set, IsOk());
  auto prog = devices_bpf_program(*set);
  EXPECT_FALSE(devices_bpf_simulate(prog, 'c', 1, 3, "rw"));
  EXPECT_TRUE(devices_bpf_simulate(prog, 'c', 1, 5, "rw"));  // /dev/zero keeps its rule
}

TEST(StatsJsonTest, RuncShapeAndOmitempty) {
  Stats s;
  s.cpu.usage.total = 10;
  s.cpu.usage.percpu = {4, 6};
  s.cpu.usage.user = 7;
  s.memory.usage = MemoryEntry{100, 50, 60, 0};
  s.memory.raw = {{"cache", 3}};
  s.memory.cache = 3;
  s.pids = PidsStats{2, 0};
  s.blkio.io_service_bytes_recursive = {BlkioEntry{8, 0, "Read", 4096}};
  s.hugetlb["2MB"] = HugetlbStats{0, 0, 1};
  EXPECT_EQ(stats_json(s),
            R"({"cpu":{"usage":{"total":10,"percpu":[4,6],"kernel":0,"user":7},"throttling":{}},)"
            R"("cpuset":{"cpu_exclusive":0,"mem_hardwall":0,"mem_exclusive":0,"memory_migrate":0,)"
            R"("memory_spread_page":0,"memory_spread_slab":0,"memory_pressure":0,)"
            R"("sched_load_balance":0,"sched_relax_domain_level":0},)"
            R"("memory":{"cache":3,"usage":{"limit":100,"usage":50,"max":60,"failcnt":0},)"
            R"("swap":{"limit":0,"failcnt":0},"kernel":{"limit":0,"failcnt":0},)"
            R"("kernelTCP":{"limit":0,"failcnt":0},"raw":{"cache":3}},)"
            R"("pids":{"current":2},)"
            R"("blkio":{"ioServiceBytesRecursive":[{"major":8,"op":"Read","value":4096}]},)"
            R"("hugetlb":{"2MB":{"failcnt":1}},"intel_rdt":{},"network_interfaces":null})");
}

TEST(ParseTest, FlatKeyedAndCpuList) {
  auto kv = parse_flat_keyed("low 0\nhigh 2\noom_kill 3\n");
  EXPECT_EQ(kv["high"], 2u);
  EXPECT_EQ(kv["oom_kill"], 3u);
}

// A fixture cgroup: a temporary directory of plain files.
class FixtureDir {
 public:
  FixtureDir() {
    char tmpl[] = "/tmp/hull-cgroup-fixture-XXXXXX";
    m_path = ::mkdtemp(tmpl);
  }
  ~FixtureDir() { (void)sys::remove_tree(m_path); }
  const std::string& path() const { return m_path; }
  std::string sub(const std::string& name) {
    std::string p = m_path + "/" + name;
    (void)sys::mkdir_all(p, 0755);
    return p;
  }
  static void put(const std::string& dir, const std::string& file, const std::string& text) {
    auto fd = sys::open(dir + "/" + file, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ASSERT_THAT(fd, IsOk());
    ASSERT_THAT(sys::write_all(*fd, text, file), IsOk());
  }
  static std::string get(const std::string& dir, const std::string& file) {
    auto t = sys::read_file(dir + "/" + file);
    return t.has_value() ? *t : "<" + t.error().message() + ">";
  }

 private:
  std::string m_path;
};

TEST(V2FixtureTest, SetConvertsAndWritesEveryFile) {
  FixtureDir fx;
  std::string d = fx.path();
  for (const char* f :
       {"memory.max", "memory.swap.max", "memory.low", "cpu.weight", "cpu.max", "cpu.max.burst",
        "pids.max", "io.weight", "io.max", "hugetlb.2MB.max", "cpuset.cpus"})
    FixtureDir::put(d, f, "");
  auto mgr = Manager::load(CgroupPaths{{{"", d}}});
  ASSERT_THAT(mgr, IsOk());
  Resources r;
  r.memory = MemoryResources{};
  r.memory->limit = 100 << 20;
  r.memory->swap = 300 << 20;
  r.memory->reservation = 50 << 20;
  r.cpu = CpuResources{};
  r.cpu->shares = 1024;
  r.cpu->quota = 50000;
  r.cpu->period = 100000;
  r.cpu->burst = 1000;
  r.cpu->cpus = "0";
  r.pids_limit = -1;
  r.block_io = BlockIoResources{};
  r.block_io->weight = 500;
  r.block_io->throttle_read_bps_device = {ThrottleDevice{8, 0, 1048576}};
  r.hugepage_limits = {HugepageLimit{"2MB", 4194304}};
  ASSERT_THAT((*mgr)->set(r), IsOk());
  EXPECT_EQ(FixtureDir::get(d, "memory.max"), "104857600");
  EXPECT_EQ(FixtureDir::get(d, "memory.swap.max"), "209715200");
  EXPECT_EQ(FixtureDir::get(d, "memory.low"), "52428800");
  EXPECT_EQ(FixtureDir::get(d, "cpu.weight"), "39");
  EXPECT_EQ(FixtureDir::get(d, "cpu.max"), "50000 100000");
  EXPECT_EQ(FixtureDir::get(d, "cpu.max.burst"), "1000");
  EXPECT_EQ(FixtureDir::get(d, "cpuset.cpus"), "0");
  EXPECT_EQ(FixtureDir::get(d, "pids.max"), "max");
  EXPECT_EQ(FixtureDir::get(d, "io.weight"), "default 4950");
  EXPECT_EQ(FixtureDir::get(d, "io.max"), "8:0 rbps=1048576");
  EXPECT_EQ(FixtureDir::get(d, "hugetlb.2MB.max"), "4194304");
}

TEST(V2FixtureTest, UnsupportedFieldsNameTheField) {
  FixtureDir fx;
  auto mgr = Manager::load(CgroupPaths{{{"", fx.path()}}});
  ASSERT_THAT(mgr, IsOk());
  Resources r;
  r.cpu = CpuResources{};
  r.cpu->realtime_runtime = 1000;
  EXPECT_THAT((*mgr)->set(r), ErrorMessageHas("linux.resources.cpu.realtimeRuntime"));
  Resources mem;
  mem.memory = MemoryResources{};
  mem.memory->limit = 1 << 20;
  auto missing = (*mgr)->set(mem);
  EXPECT_THAT(missing, FailedWith(ErrorKind::Unsupported));
  EXPECT_THAT(missing, ErrorMessageHas("linux.resources.memory.limit"));
  Resources uni;
  uni.unified = {{"../etc", "1"}};
  EXPECT_THAT((*mgr)->set(uni), ErrorMessageHas("linux.resources.unified[\"../etc\"]"));
}

TEST(V2FixtureTest, StatsFromFiles) {
  FixtureDir fx;
  std::string d = fx.path();
  FixtureDir::put(d, "cpu.stat",
                  "usage_usec 1500\nuser_usec 1000\nsystem_usec 500\nnr_periods 4\n"
                  "nr_throttled 2\nthrottled_usec 30\n");
  FixtureDir::put(d, "memory.stat", "anon 4096\nfile 8192\n");
  FixtureDir::put(d, "memory.current", "12288\n");
  FixtureDir::put(d, "memory.max", "max\n");
  FixtureDir::put(d, "memory.events", "low 0\nhigh 0\nmax 5\noom 1\noom_kill 1\n");
  FixtureDir::put(d, "pids.current", "3\n");
  FixtureDir::put(d, "pids.max", "max\n");
  FixtureDir::put(d, "io.stat", "8:0 rbytes=100 wbytes=200 rios=1 wios=2 dbytes=0 dios=0\n");
  FixtureDir::put(d, "hugetlb.2MB.max", "max\n");
  FixtureDir::put(d, "hugetlb.2MB.current", "2097152\n");
  FixtureDir::put(d, "hugetlb.2MB.events", "max 7\n");
  auto mgr = Manager::load(CgroupPaths{{{"", d}}});
  ASSERT_THAT(mgr, IsOk());
  auto s = (*mgr)->stats();
  ASSERT_THAT(s, IsOk());
  EXPECT_EQ(s->cpu.usage.total, 1500000u);
  EXPECT_EQ(s->cpu.usage.kernel, 500000u);
  EXPECT_EQ(s->cpu.throttling.throttled_periods, 2u);
  EXPECT_EQ(s->cpu.throttling.throttled_time, 30000u);
  EXPECT_EQ(s->memory.cache, 8192u);
  EXPECT_EQ(s->memory.usage.usage, 12288u);
  EXPECT_EQ(s->memory.usage.limit, UINT64_MAX);
  EXPECT_EQ(s->memory.usage.failcnt, 5u);
  EXPECT_EQ(s->pids.current, 3u);
  EXPECT_EQ(s->pids.limit, 0u);
  ASSERT_EQ(s->blkio.io_service_bytes_recursive.size(), 2u);
  EXPECT_EQ(s->blkio.io_service_bytes_recursive[1].op, "Write");
  EXPECT_EQ(s->blkio.io_service_bytes_recursive[1].value, 200u);
  EXPECT_EQ(s->hugetlb["2MB"].usage, 2097152u);
  EXPECT_EQ(s->hugetlb["2MB"].failcnt, 7u);
}

// RDMA limits in rdma.max; checkBeforeUpdate compares with memory.current.
TEST(V2FixtureTest, RdmaAndCheckBeforeUpdate) {
  FixtureDir fx;
  std::string d = fx.path();
  FixtureDir::put(d, "rdma.max", "");
  FixtureDir::put(d, "memory.current", "8192\n");
  FixtureDir::put(d, "memory.max", "");
  auto mgr = Manager::load(CgroupPaths{{{"", d}}});
  ASSERT_THAT(mgr, IsOk());
  Resources r;
  r.rdma = {{"mlx5_1", RdmaLimit{std::nullopt, 7}}};
  ASSERT_THAT((*mgr)->set(r), IsOk());
  EXPECT_EQ(FixtureDir::get(d, "rdma.max"), "mlx5_1 hca_object=7");
  Resources below;
  below.memory = MemoryResources{};
  below.memory->limit = 4096;
  below.memory->check_before_update = true;
  EXPECT_THAT((*mgr)->set(below),
              ErrorMessageHas("linux.resources.memory.limit: 4096 is below the current usage 8192 "
                              "(checkBeforeUpdate)"));
  EXPECT_EQ(FixtureDir::get(d, "memory.max"), "");
}

TEST(V2FixtureTest, NotifyOomCountsOomKillGrowth) {
  FixtureDir fx;
  std::string d = fx.path();
  FixtureDir::put(d, "memory.events", "low 0\nhigh 0\nmax 0\noom 0\noom_kill 0\n");
  auto mgr = Manager::load(CgroupPaths{{{"", d}}});
  ASSERT_THAT(mgr, IsOk());
  auto oom = (*mgr)->notify_oom();
  ASSERT_THAT(oom, IsOk());
  EXPECT_EQ(oom->poll_events(), POLLIN);
  FixtureDir::put(d, "memory.events", "low 0\nhigh 3\nmax 0\noom 0\noom_kill 0\n");
  struct pollfd pfd = {oom->fd().get(), POLLIN, 0};
  ASSERT_EQ(::poll(&pfd, 1, 2000), 1);
  auto none = oom->consume();
  ASSERT_THAT(none, IsOk());
  EXPECT_EQ(*none, 0u);  // "high" changed, not oom_kill
  FixtureDir::put(d, "memory.events", "low 0\nhigh 3\nmax 1\noom 1\noom_kill 2\n");
  ASSERT_EQ(::poll(&pfd, 1, 2000), 1);
  auto kills = oom->consume();
  ASSERT_THAT(kills, IsOk());
  EXPECT_EQ(*kills, 2u);
}

TEST(V1FixtureTest, SetWritesV1FilesAndChecksSwappiness) {
  FixtureDir fx;
  std::string mem = fx.sub("memory"), cpu = fx.sub("cpu"), pids = fx.sub("pids"),
              dev = fx.sub("devices");
  for (const char* f : {"memory.limit_in_bytes", "memory.memsw.limit_in_bytes",
                        "memory.soft_limit_in_bytes", "memory.swappiness", "memory.oom_control"})
    FixtureDir::put(mem, f, "");
  FixtureDir::put(cpu, "cpu.shares", "");
  FixtureDir::put(cpu, "cpu.cfs_quota_us", "");
  FixtureDir::put(cpu, "cpu.cfs_period_us", "");
  FixtureDir::put(pids, "pids.max", "");
  FixtureDir::put(dev, "devices.allow", "");
  FixtureDir::put(dev, "devices.deny", "");
  auto mgr =
      Manager::load(CgroupPaths{{{"memory", mem}, {"cpu", cpu}, {"pids", pids}, {"devices", dev}}});
  ASSERT_THAT(mgr, IsOk());
  Resources r;
  r.memory = MemoryResources{};
  r.memory->limit = 1 << 20;
  r.memory->reservation = 1 << 19;
  r.memory->disable_oom_killer = true;
  r.cpu = CpuResources{};
  r.cpu->shares = 512;
  r.cpu->quota = 20000;
  r.cpu->period = 100000;
  r.pids_limit = 10;
  ASSERT_THAT((*mgr)->set(r), IsOk());
  EXPECT_EQ(FixtureDir::get(mem, "memory.limit_in_bytes"), "1048576");
  EXPECT_EQ(FixtureDir::get(mem, "memory.soft_limit_in_bytes"), "524288");
  EXPECT_EQ(FixtureDir::get(mem, "memory.oom_control"), "1");
  EXPECT_EQ(FixtureDir::get(cpu, "cpu.shares"), "512");
  EXPECT_EQ(FixtureDir::get(cpu, "cpu.cfs_quota_us"), "20000");
  EXPECT_EQ(FixtureDir::get(cpu, "cpu.cfs_period_us"), "100000");
  EXPECT_EQ(FixtureDir::get(pids, "pids.max"), "10");

  Resources bad;
  bad.memory = MemoryResources{};
  bad.memory->swappiness = 101;
  EXPECT_THAT((*mgr)->set(bad), ErrorMessageHas("linux.resources.memory.swappiness"));
  Resources no_blkio;
  no_blkio.block_io = BlockIoResources{};
  EXPECT_THAT((*mgr)->set(no_blkio), FailedWith(ErrorKind::Unsupported));
  Resources uni;
  uni.unified = {{"memory.high", "1"}};
  EXPECT_THAT((*mgr)->set(uni), ErrorMessageHas("linux.resources.unified"));
}

// blockIO throttles and RDMA limits as v1 files take them; checkBeforeUpdate refuses a limit below
// the usage.
TEST(V1FixtureTest, ThrottlesRdmaAndCheckBeforeUpdate) {
  FixtureDir fx;
  std::string blkio = fx.sub("blkio"), rdma = fx.sub("rdma"), mem = fx.sub("memory");
  FixtureDir::put(blkio, "blkio.throttle.read_bps_device", "");
  FixtureDir::put(blkio, "blkio.throttle.write_iops_device", "");
  FixtureDir::put(rdma, "rdma.max", "");
  FixtureDir::put(mem, "memory.usage_in_bytes", "2048\n");
  FixtureDir::put(mem, "memory.limit_in_bytes", "");
  auto mgr = Manager::load(CgroupPaths{{{"blkio", blkio}, {"rdma", rdma}, {"memory", mem}}});
  ASSERT_THAT(mgr, IsOk());
  Resources r;
  r.block_io = BlockIoResources{};
  r.block_io->throttle_read_bps_device = {ThrottleDevice{8, 0, 1048576}};
  r.block_io->throttle_write_iops_device = {ThrottleDevice{8, 16, 100}};
  r.rdma = {{"mlx4_0", RdmaLimit{2, 2000}}};
  ASSERT_THAT((*mgr)->set(r), IsOk());
  EXPECT_EQ(FixtureDir::get(blkio, "blkio.throttle.read_bps_device"), "8:0 1048576");
  EXPECT_EQ(FixtureDir::get(blkio, "blkio.throttle.write_iops_device"), "8:16 100");
  EXPECT_EQ(FixtureDir::get(rdma, "rdma.max"), "mlx4_0 hca_handle=2 hca_object=2000");
  Resources below;
  below.memory = MemoryResources{};
  below.memory->limit = 1024;
  below.memory->check_before_update = true;
  EXPECT_THAT((*mgr)->set(below),
              ErrorMessageHas("linux.resources.memory.limit: 1024 is below the current usage 2048 "
                              "(checkBeforeUpdate)"));
  EXPECT_EQ(FixtureDir::get(mem, "memory.limit_in_bytes"), "");
}

// v1 statistics from files: CFQ's blkio set (files with one number per device too) and hugetlb
// per page size (the reservation files are not page sizes).
TEST(V1FixtureTest, StatsFromFiles) {
  FixtureDir fx;
  std::string blkio = fx.sub("blkio"), huge = fx.sub("hugetlb");
  FixtureDir::put(blkio, "blkio.io_service_bytes_recursive",
                  "8:0 Read 4096\n8:0 Write 512\nTotal 4608\n");
  FixtureDir::put(blkio, "blkio.sectors_recursive", "8:0 9\n");
  FixtureDir::put(huge, "hugetlb.2MB.limit_in_bytes", "4194304\n");
  FixtureDir::put(huge, "hugetlb.2MB.usage_in_bytes", "2097152\n");
  FixtureDir::put(huge, "hugetlb.2MB.max_usage_in_bytes", "4194304\n");
  FixtureDir::put(huge, "hugetlb.2MB.failcnt", "3\n");
  FixtureDir::put(huge, "hugetlb.2MB.rsvd.limit_in_bytes", "4194304\n");
  auto mgr = Manager::load(CgroupPaths{{{"blkio", blkio}, {"hugetlb", huge}}});
  ASSERT_THAT(mgr, IsOk());
  auto s = (*mgr)->stats();
  ASSERT_THAT(s, IsOk());
  const auto& bytes = s->blkio.io_service_bytes_recursive;
  ASSERT_EQ(bytes.size(), 2u);
  EXPECT_EQ(bytes[0].major, 8u);
  EXPECT_EQ(bytes[0].minor, 0u);
  EXPECT_EQ(bytes[0].op, "Read");
  EXPECT_EQ(bytes[1].value, 512u);
  ASSERT_EQ(s->blkio.sectors_recursive.size(), 1u);
  EXPECT_EQ(s->blkio.sectors_recursive[0].op, "");
  EXPECT_EQ(s->blkio.sectors_recursive[0].value, 9u);
  ASSERT_EQ(s->hugetlb.size(), 1u);
  EXPECT_EQ(s->hugetlb["2MB"].usage, 2097152u);
  EXPECT_EQ(s->hugetlb["2MB"].max, 4194304u);
  EXPECT_EQ(s->hugetlb["2MB"].failcnt, 3u);
}

// runc refuses linux.resources.unified unless the host is pure cgroup v2: a hybrid host's
// cgroup2 directory ("" here) is not written, nor is anything else the same set() names.
TEST(V1FixtureTest, UnifiedIsRefusedOnHybridBeforeAnyWrite) {
  FixtureDir fx;
  std::string pids = fx.sub("pids"), unified = fx.sub("unified");
  FixtureDir::put(pids, "pids.max", "max");
  FixtureDir::put(unified, "cgroup.max.descendants", "max");
  auto mgr = Manager::load(CgroupPaths{{{"pids", pids}, {"", unified}}});
  ASSERT_THAT(mgr, IsOk());
  Resources r;
  r.pids_limit = 10;
  r.unified = {{"cgroup.max.descendants", "10"}};
  auto set = (*mgr)->set(r);
  EXPECT_THAT(set, FailedWith(ErrorKind::InvalidArgument));
  EXPECT_THAT(set, ErrorMessageHas("linux.resources.unified: invalid configuration: cannot use "
                                   "unified on cgroup v1"));
  EXPECT_EQ(FixtureDir::get(unified, "cgroup.max.descendants"), "max");
  EXPECT_EQ(FixtureDir::get(pids, "pids.max"), "max");
}

// runc reads zero weights and reservations as "not set": Docker puts "blockIO": {"weight": 0} in
// every config.json and zeros in every `update --resources -`.
TEST(V1FixtureTest, ZeroWeightAndReservationLeaveFilesAlone) {
  FixtureDir fx;
  std::string blkio = fx.sub("blkio"), mem = fx.sub("memory");
  FixtureDir::put(blkio, "blkio.bfq.weight", "100");
  FixtureDir::put(blkio, "blkio.leaf_weight", "100");
  FixtureDir::put(mem, "memory.soft_limit_in_bytes", "524288");
  auto mgr = Manager::load(CgroupPaths{{{"blkio", blkio}, {"memory", mem}}});
  ASSERT_THAT(mgr, IsOk());
  Resources r;
  r.block_io = BlockIoResources{};
  r.block_io->weight = 0;
  r.block_io->leaf_weight = 0;
  r.memory = MemoryResources{};
  r.memory->reservation = 0;
  ASSERT_THAT((*mgr)->set(r), IsOk());
  EXPECT_EQ(FixtureDir::get(blkio, "blkio.bfq.weight"), "100");
  EXPECT_EQ(FixtureDir::get(blkio, "blkio.leaf_weight"), "100");
  EXPECT_EQ(FixtureDir::get(mem, "memory.soft_limit_in_bytes"), "524288");
  r.block_io->weight = 300;
  ASSERT_THAT((*mgr)->set(r), IsOk());
  EXPECT_EQ(FixtureDir::get(blkio, "blkio.bfq.weight"), "300");
}

}  // namespace
}  // namespace hull::container::cgroups

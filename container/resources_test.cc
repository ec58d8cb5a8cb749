// linux.resources both ways: what is written parses back equal, member for member, and what
// `update` does with it (zeros, merging, the config text).
#include "container/resources.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "base/testing/matchers.h"

namespace hull::container {
namespace {

using base::testing::ErrorMessageHas;
using base::testing::IsOk;

// Every member of every struct in Resources, set to a value that is not its default. Each struct
// is filled through a structured binding that names all its members, so a member added to one of
// them stops this file compiling until it is set here too; the tests below then prove that the
// new member parses, writes and merges.
DeviceCgroupRule every_device_rule() {
  DeviceCgroupRule d;
  auto& [allow, type, major, minor, access] = d;
  allow = true;
  type = "c";
  major = 1;
  minor = 3;
  access = "rw";
  return d;
}

MemoryResources every_memory() {
  MemoryResources m;
  auto& [limit, reservation, swap, kernel, kernel_tcp, swappiness, disable_oom_killer,
         use_hierarchy, check_before_update] = m;
  limit = 1 << 20;
  reservation = 1 << 19;
  swap = -1;
  kernel = 1 << 21;
  kernel_tcp = 1 << 22;
  swappiness = 60;
  disable_oom_killer = true;
  use_hierarchy = false;
  check_before_update = true;
  return m;
}

CpuResources every_cpu() {
  CpuResources c;
  auto& [shares, quota, burst, period, realtime_runtime, realtime_period, cpus, mems, idle] = c;
  shares = 1024;
  quota = -1;
  burst = 1000;
  period = 100000;
  realtime_runtime = 950000;
  realtime_period = 1000000;
  cpus = "0-1";
  mems = "0";
  idle = 1;
  return c;
}

BlockIoResources every_block_io() {
  WeightDevice wd;
  auto& [wd_major, wd_minor, wd_weight, wd_leaf_weight] = wd;
  wd_major = 8;
  wd_minor = 16;
  wd_weight = 300;
  wd_leaf_weight = 200;
  ThrottleDevice td;
  auto& [td_major, td_minor, td_rate] = td;
  td_major = 8;
  td_minor = 0;
  td_rate = 1 << 20;
  BlockIoResources b;
  auto& [weight, leaf_weight, weight_device, read_bps, write_bps, read_iops, write_iops] = b;
  weight = 500;
  leaf_weight = 400;
  weight_device = {wd};
  read_bps = {td};
  write_bps = {td, td};
  read_iops = {ThrottleDevice{1, 2, 3}};
  write_iops = {ThrottleDevice{4, 5, 6}};
  return b;
}

NetworkResources every_network() {
  NetworkPriority p;
  auto& [name, priority] = p;
  name = "eth0";
  priority = 5;
  NetworkResources n;
  auto& [class_id, priorities] = n;
  class_id = 0x100001;
  priorities = {p};
  return n;
}

Resources everything() {
  HugepageLimit h;
  auto& [page_size, h_limit] = h;
  page_size = "2MB";
  h_limit = 1 << 22;
  RdmaLimit rdma_limit;
  auto& [hca_handles, hca_objects] = rdma_limit;
  hca_handles = 3;
  hca_objects = 1000;
  Resources r;
  auto& [devices, memory, cpu, pids_limit, block_io, hugepage_limits, network, rdma, unified] = r;
  devices = {every_device_rule(), DeviceCgroupRule{false, "", std::nullopt, std::nullopt, "m"}};
  memory = every_memory();
  cpu = every_cpu();
  pids_limit = 64;
  block_io = every_block_io();
  hugepage_limits = {h};
  network = every_network();
  rdma = {{"mlx5_1", rdma_limit}};
  unified = {{"memory.high", "max"}, {"pids.max", "10"}};
  return r;
}

TEST(Resources, EveryMemberParsesBackFromWhatIsWritten) {
  const Resources r = everything();
  std::string json = write_resources(r);
  auto back = parse_resources(json);
  ASSERT_THAT(back, IsOk()) << json;
  EXPECT_EQ(*back, r) << json << "\n" << write_resources(*back);
  EXPECT_EQ(write_resources(*back), json);
}

TEST(Resources, NothingSetWritesAnEmptyObject) {
  EXPECT_EQ(write_resources(Resources{}), "{}");
  auto back = parse_resources("{}");
  ASSERT_THAT(back, IsOk());
  EXPECT_EQ(*back, Resources{});
}

// Byte for byte: the spec's order, unset members left out, "pids" one object down.
TEST(Resources, WritesTheSpecOrder) {
  const char* text =
      R"({"devices":[{"allow":true,"type":"c","major":1,"minor":3,"access":"rwm"}],)"
      R"("memory":{"limit":1048576,"reservation":524288,"swap":2097152,"swappiness":10,)"
      R"("disableOOMKiller":true},"cpu":{"shares":1024,"quota":50000,"period":100000,)"
      R"("cpus":"0-1","mems":"0"},"pids":{"limit":64},"blockIO":{"weight":500,)"
      R"("weightDevice":[{"major":8,"minor":0,"weight":300}],)"
      R"("throttleReadBpsDevice":[{"major":8,"minor":0,"rate":1000}]},)"
      R"("hugepageLimits":[{"pageSize":"2MB","limit":4194304}],)"
      R"("network":{"classID":16,"priorities":[{"name":"eth0","priority":5}]},)"
      R"("rdma":{"mlx5_1":{"hcaHandles":3}},"unified":{"memory.high":"max"}})";
  auto r = parse_resources(text);
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(write_resources(*r), text);
}

TEST(Resources, ZeroLimitsAreDropped) {
  auto r = parse_resources(
      R"({"memory":{"limit":0,"reservation":0,"swap":0,"kernel":0,"kernelTCP":0,"swappiness":0},)"
      R"("cpu":{"shares":0,"quota":0,"burst":0,"period":0,"realtimeRuntime":0,)"
      R"("realtimePeriod":0,"idle":0},"pids":{"limit":0},"blockIO":{"weight":0,"leafWeight":0},)"
      R"("network":{"classID":0},"rdma":{"x":{"hcaHandles":0}}})");
  ASSERT_THAT(r, IsOk());
  // Zero is a value for swappiness, burst, idle, classID and rdma; everything else means
  // "unchanged".
  EXPECT_EQ(write_resources(drop_zero_limits(*r)),
            R"({"memory":{"swappiness":0},"cpu":{"burst":0,"idle":0},"blockIO":{},)"
            R"("network":{"classID":0},"rdma":{"x":{"hcaHandles":0}}})");
  EXPECT_EQ(drop_zero_limits(everything()), everything());
}

TEST(Resources, MergeReplacesOnlyWhatTheUpdateNames) {
  auto base = parse_resources(
      R"({"devices":[{"allow":false,"access":"rwm"}],"memory":{"limit":100,"swap":200},)"
      R"("cpu":{"shares":512,"cpus":"0"},"pids":{"limit":10},"unified":{"a":"1"},)"
      R"("rdma":{"m":{"hcaHandles":1},"n":{"hcaObjects":2}}})");
  auto update = parse_resources(
      R"({"devices":[{"allow":true}],"memory":{"limit":300},"cpu":{"mems":"0"},)"
      R"("unified":{"b":"2"},"blockIO":{"weight":100},"rdma":{"m":{"hcaObjects":5}}})");
  ASSERT_THAT(base, IsOk());
  ASSERT_THAT(update, IsOk());
  EXPECT_EQ(write_resources(merge_resources(*base, *update)),
            R"({"devices":[{"allow":false,"access":"rwm"}],"memory":{"limit":300,"swap":200},)"
            R"("cpu":{"shares":512,"cpus":"0","mems":"0"},"pids":{"limit":10},)"
            R"("blockIO":{"weight":100},"rdma":{"m":{"hcaObjects":5},"n":{"hcaObjects":2}},)"
            R"("unified":{"a":"1","b":"2"}})");
}

// Every member reaches the merged result, so none is lost from state.json on `update`.
TEST(Resources, MergeTakesEveryMember) {
  Resources want = everything();
  want.devices.clear();  // merge keeps the base's device rules
  EXPECT_EQ(merge_resources(Resources{}, everything()), want);
  EXPECT_EQ(merge_resources(everything(), Resources{}), everything());
  EXPECT_EQ(merge_resources(everything(), everything()), everything());
}

TEST(Resources, ReplaceKeepsEveryOtherMember) {
  Resources r;
  r.pids_limit = 5;
  auto out = replace_resources(
      R"({"ociVersion":"1.2.0","process":{"args":["sh"]},"linux":{"namespaces":[{"type":"pid"}],)"
      R"("resources":{"memory":{"limit":1}},"cgroupsPath":"/x"}})",
      r);
  ASSERT_THAT(out, IsOk());
  EXPECT_EQ(
      *out,
      R"({"ociVersion":"1.2.0","process":{"args":["sh"]},"linux":{"namespaces":[{"type":"pid"}],)"
      R"("cgroupsPath":"/x","resources":{"pids":{"limit":5}}}})");
  auto no_linux = replace_resources(R"({"ociVersion":"1.2.0"})", r);
  ASSERT_THAT(no_linux, IsOk());
  EXPECT_EQ(*no_linux, R"({"ociVersion":"1.2.0","linux":{"resources":{"pids":{"limit":5}}}})");
  EXPECT_THAT(replace_resources("[1]", r), ErrorMessageHas("config: expected a JSON object"));
  EXPECT_THAT(replace_resources(R"({"linux":3})", r),
              ErrorMessageHas("config: .linux: expected an object"));
  EXPECT_THAT(replace_resources("{", r), ErrorMessageHas("config: invalid JSON"));
}

}  // namespace
}  // namespace hull::container

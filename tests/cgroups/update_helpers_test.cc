// The pure helpers behind Container::update and Container::stats.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <simdjson.h>

#include "base/testing/matchers.h"
#include "container/container.h"

namespace hull::container {
namespace {

using base::testing::IsOk;
using ::testing::HasSubstr;

TEST(UpdateHelpersTest, ZeroLimitsAreDropped) {
  auto r = parse_resources(
      R"({"memory":{"limit":0,"reservation":0,"swap":0,"swappiness":0},"cpu":{"shares":0,"quota":5},)"
      R"("pids":{"limit":0},"blockIO":{"weight":0}})");
  ASSERT_THAT(r, IsOk());
  Resources d = drop_zero_limits(*r);
  ASSERT_TRUE(d.memory && d.cpu && d.block_io);
  EXPECT_FALSE(d.memory->limit || d.memory->reservation || d.memory->swap);
  // Swappiness 0 is a real value, not "unchanged".
  ASSERT_TRUE(d.memory->swappiness);
  EXPECT_EQ(*d.memory->swappiness, 0u);
  EXPECT_FALSE(d.cpu->shares);
  ASSERT_TRUE(d.cpu->quota);
  EXPECT_EQ(*d.cpu->quota, 5);
  EXPECT_FALSE(d.pids_limit);
  EXPECT_FALSE(d.block_io->weight);
}

TEST(UpdateHelpersTest, MergeReplacesOnlyWhatTheUpdateNames) {
  auto base = parse_resources(
      R"({"devices":[{"allow":false,"access":"rwm"}],"memory":{"limit":100,"swap":200},)"
      R"("cpu":{"shares":512,"cpus":"0"},"pids":{"limit":10},"unified":{"a":"1"}})");
  auto update = parse_resources(
      R"({"memory":{"limit":300},"cpu":{"mems":"0"},"unified":{"b":"2"},"blockIO":{"weight":100}})");
  ASSERT_THAT(base, IsOk());
  ASSERT_THAT(update, IsOk());
  Resources m = merge_resources(*base, *update);
  ASSERT_EQ(m.devices.size(), 1u);
  EXPECT_EQ(*m.memory->limit, 300);
  EXPECT_EQ(*m.memory->swap, 200);
  EXPECT_EQ(*m.cpu->shares, 512u);
  EXPECT_EQ(m.cpu->cpus, "0");
  EXPECT_EQ(m.cpu->mems, "0");
  EXPECT_EQ(*m.pids_limit, 10);
  EXPECT_EQ(*m.block_io->weight, 100);
  EXPECT_EQ(m.unified.size(), 2u);
}

TEST(UpdateHelpersTest, ResourcesJsonRoundTripsThroughTheParser) {
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
  std::string json = resources_json(*r);
  EXPECT_EQ(json, text);
  auto again = parse_resources(json);
  ASSERT_THAT(again, IsOk());
  EXPECT_EQ(resources_json(*again), json);
}

TEST(UpdateHelpersTest, ReplaceResourcesKeepsEveryOtherMember) {
  Resources r;
  r.pids_limit = 5;
  auto out = replace_resources(
      R"({"ociVersion":"1.2.0","process":{"args":["sh"]},"linux":{"namespaces":[{"type":"pid"}],)"
      R"("resources":{"memory":{"limit":1}},"cgroupsPath":"/x"}})",
      r);
  ASSERT_THAT(out, IsOk());
  EXPECT_EQ(*out,
            R"({"ociVersion":"1.2.0","process":{"args":["sh"]},"linux":{"namespaces":[{"type":"pid"}],)"
            R"("cgroupsPath":"/x","resources":{"pids":{"limit":5}}}})");
  auto no_linux = replace_resources(R"({"ociVersion":"1.2.0"})", r);
  ASSERT_THAT(no_linux, IsOk());
  EXPECT_EQ(*no_linux, R"({"ociVersion":"1.2.0","linux":{"resources":{"pids":{"limit":5}}}})");
  EXPECT_FALSE(replace_resources("[1]", r).has_value());
  EXPECT_FALSE(replace_resources(R"({"linux":3})", r).has_value());
}

TEST(UpdateHelpersTest, ParsesProcNetDev) {
  const char* text =
      "Inter-|   Receive                                                |  Transmit\n"
      " face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs "
      "drop fifo colls carrier compressed\n"
      "    lo:     140       2    0    0    0     0          0         0      140       2    0    "
      "0    0     0       0          0\n"
      "  eth0: 1000 10 1 2 0 0 0 0 2000 20 3 4 0 0 0 0\n";
  auto ifs = parse_net_dev(text);
  ASSERT_THAT(ifs, IsOk());
  ASSERT_EQ(ifs->size(), 2u);
  EXPECT_EQ((*ifs)[0].name, "lo");
  EXPECT_EQ((*ifs)[0].rx_bytes, 140u);
  EXPECT_EQ((*ifs)[0].tx_packets, 2u);
  const auto& e = (*ifs)[1];
  EXPECT_EQ(e.name, "eth0");
  EXPECT_EQ(e.rx_bytes, 1000u);
  EXPECT_EQ(e.rx_packets, 10u);
  EXPECT_EQ(e.rx_errors, 1u);
  EXPECT_EQ(e.rx_dropped, 2u);
  EXPECT_EQ(e.tx_bytes, 2000u);
  EXPECT_EQ(e.tx_packets, 20u);
  EXPECT_EQ(e.tx_errors, 3u);
  EXPECT_EQ(e.tx_dropped, 4u);
  auto bad = parse_net_dev("  eth0: 1 2 3\n");
  ASSERT_FALSE(bad.has_value());
  EXPECT_THAT(bad.error().message(), HasSubstr("eth0"));
}

}  // namespace
}  // namespace hull::container

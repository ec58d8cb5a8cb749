// The systemd driver's pure parts: cgroupsPath -> unit and slice, slice expansion, resources ->
// unit properties, versions. What systemd does with them is tested in the guest of tools/vm
// (tests/systemd/systemd_test), which has systemd.
#include "container/cgroups/systemd_unit.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "base/testing/matchers.h"
#include "container/cgroups/systemd_bus.h"
#include "container/cgroups/systemd_properties.h"

namespace hull::container::cgroups {

// Readable failures: "CPUWeight=t:78".
void PrintTo(const UnitProperty& p, std::ostream* os) {
  *os << p.name << "=" << unit_property_signature(p.value) << ":";
  std::visit(
      [&](const auto& v) {
        using V = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<V, bool> || std::is_same_v<V, uint64_t> ||
                      std::is_same_v<V, std::string>) {
          *os << v;
        } else if constexpr (std::is_same_v<V, UnitProperty::Pairs> ||
                             std::is_same_v<V, UnitProperty::StringPairs>) {
          for (const auto& [a, b] : v) *os << "(" << a << "," << b << ")";
        } else {
          for (auto x : v) *os << static_cast<unsigned>(x) << ",";
        }
      },
      p.value);
}

namespace {

using base::ErrorKind;
using base::testing::ErrorMessageHas;
using base::testing::FailedWith;
using base::testing::IsOk;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

TEST(SystemdUnitTest, DefaultIsAHullScopeInSystemSliceOrUserSlice) {
  EXPECT_EQ(parse_systemd_cgroups_path("", "web", false).value_or(SystemdUnitName{}),
            (SystemdUnitName{"system.slice", "hull-web.scope"}));
  EXPECT_EQ(parse_systemd_cgroups_path("", "web", true).value_or(SystemdUnitName{}),
            (SystemdUnitName{"user.slice", "hull-web.scope"}));
}

TEST(SystemdUnitTest, SlicePrefixNameAsRunc) {
  EXPECT_EQ(parse_systemd_cgroups_path("system.slice:docker:abc", "id", false)
                .value_or(SystemdUnitName{}),
            (SystemdUnitName{"system.slice", "docker-abc.scope"}));
  // An empty slice is the default one; an empty prefix still gets its dash (runc's name).
  EXPECT_EQ(parse_systemd_cgroups_path(":crio:x", "id", false).value_or(SystemdUnitName{}),
            (SystemdUnitName{"system.slice", "crio-x.scope"}));
  EXPECT_EQ(parse_systemd_cgroups_path("a.slice::x", "id", false).value_or(SystemdUnitName{}),
            (SystemdUnitName{"a.slice", "-x.scope"}));
  // kubelet's pod slices.
  EXPECT_EQ(
      parse_systemd_cgroups_path("kubepods-besteffort-pod12.slice:cri-containerd:c1", "id", false)
          .value_or(SystemdUnitName{}),
      (SystemdUnitName{"kubepods-besteffort-pod12.slice", "cri-containerd-c1.scope"}));
}

TEST(SystemdUnitTest, BadPathsAreRefusedWithRuncsWording) {
  EXPECT_THAT(parse_systemd_cgroups_path("/hull/web", "web", false),
              ErrorMessageHas("expected cgroupsPath to be of format \"slice:prefix:name\" for "
                              "systemd cgroups, got \"/hull/web\" instead"));
  EXPECT_THAT(parse_systemd_cgroups_path("a:b:c:d", "web", false),
              FailedWith(ErrorKind::InvalidArgument));
  EXPECT_THAT(parse_systemd_cgroups_path("system.slice:x:../../etc", "web", false),
              ErrorMessageHas("linux.cgroupsPath"));
  EXPECT_THAT(parse_systemd_cgroups_path("system.slice:x:..", "web", false),
              FailedWith(ErrorKind::InvalidArgument));
  EXPECT_THAT(parse_systemd_cgroups_path("nope:x:y", "web", false),
              ErrorMessageHas("invalid slice name"));
  EXPECT_THAT(parse_systemd_cgroups_path("system.slice:x:", "web", false),
              ErrorMessageHas("the name is empty"));
  EXPECT_THAT(parse_systemd_cgroups_path("system.slice:x:pod.slice", "web", false),
              ErrorMessageHas("is a slice"));
}

TEST(SystemdUnitTest, SlicesExpandToTheirNesting) {
  EXPECT_EQ(expand_slice("system.slice").value_or("?"), "/system.slice");
  EXPECT_EQ(expand_slice("a-b-c.slice").value_or("?"), "/a.slice/a-b.slice/a-b-c.slice");
  EXPECT_EQ(expand_slice("-.slice").value_or("?"), "");
  for (const char* bad : {"", ".slice", "a", "a--b.slice", "-a.slice", "a-.slice", "a/b.slice"})
    EXPECT_THAT(expand_slice(bad), FailedWith(ErrorKind::InvalidArgument)) << bad;
  EXPECT_EQ(systemd_unit_cgroup({"kubepods-burstable.slice", "c-1.scope"}).value_or("?"),
            "/kubepods.slice/kubepods-burstable.slice/c-1.scope");
}

TEST(SystemdPropertiesTest, V2LimitsAsRunc) {
  Resources r;
  r.memory = MemoryResources{};
  r.memory->limit = 64 << 20;
  r.memory->reservation = 32 << 20;
  r.memory->swap = 96 << 20;  // memory+swap: 32 MiB of swap
  r.cpu = CpuResources{};
  r.cpu->shares = 1024;
  r.pids_limit = 10;
  r.block_io = BlockIoResources{};
  r.block_io->weight = 500;
  auto props = v2_unit_properties(r, 252);
  ASSERT_THAT(props, IsOk());
  EXPECT_THAT(*props, ElementsAre(UnitProperty{"MemoryMax", uint64_t{64 << 20}},
                                  UnitProperty{"MemoryLow", uint64_t{32 << 20}},
                                  UnitProperty{"MemorySwapMax", uint64_t{32 << 20}},
                                  UnitProperty{"CPUWeight", uint64_t{39}},
                                  UnitProperty{"TasksMax", uint64_t{10}},
                                  UnitProperty{"IOWeight", uint64_t{4950}}));
}

TEST(SystemdPropertiesTest, UnlimitedIsInfinity) {
  Resources r;
  r.memory = MemoryResources{};
  r.memory->limit = -1;
  r.pids_limit = -1;
  auto props = v2_unit_properties(r, 252);
  ASSERT_THAT(props, IsOk());
  EXPECT_THAT(*props, ElementsAre(UnitProperty{"MemoryMax", kSystemdInfinity},
                                  UnitProperty{"MemorySwapMax", kSystemdInfinity},
                                  UnitProperty{"TasksMax", kSystemdInfinity}));
}

TEST(SystemdPropertiesTest, CpuQuotaIsRoundedUpToWholePercentForBoth) {
  Resources r;
  r.cpu = CpuResources{};
  r.cpu->quota = 12345;
  r.cpu->period = 100000;
  auto props = v2_unit_properties(r, 252);
  ASSERT_THAT(props, IsOk());
  // 12.345% -> 13%: systemd keeps whole percent, and cgroupfs must get the same 13000.
  EXPECT_THAT(*props, ElementsAre(UnitProperty{"CPUQuotaPeriodUSec", uint64_t{100000}},
                                  UnitProperty{"CPUQuotaPerSecUSec", uint64_t{130000}}));
  EXPECT_EQ(r.cpu->quota, 13000);
  // Too old for the period property: only the quota.
  Resources old;
  old.cpu = CpuResources{};
  old.cpu->quota = 50000;
  old.cpu->period = 100000;
  EXPECT_THAT(v2_unit_properties(old, 241).value_or(std::vector<UnitProperty>{}),
              ElementsAre(UnitProperty{"CPUQuotaPerSecUSec", uint64_t{500000}}));
}

TEST(SystemdPropertiesTest, CpusetAndIdleNeedTheirSystemdVersion) {
  Resources r;
  r.cpu = CpuResources{};
  r.cpu->cpus = "0-2,9";
  r.cpu->mems = "0";
  r.cpu->idle = 1;
  r.cpu->shares = 2048;
  EXPECT_THAT(v2_unit_properties(r, 252).value_or(std::vector<UnitProperty>{}),
              ElementsAre(UnitProperty{"CPUWeight", uint64_t{0}},
                          UnitProperty{"AllowedCPUs", std::vector<uint8_t>{0x07, 0x02}},
                          UnitProperty{"AllowedMemoryNodes", std::vector<uint8_t>{0x01}}));
  EXPECT_THAT(v2_unit_properties(r, 243).value_or(std::vector<UnitProperty>{}),
              ElementsAre(UnitProperty{"CPUWeight", uint64_t{79}}));
}

TEST(SystemdPropertiesTest, UnifiedKeysSystemdKnows) {
  Resources r;
  r.unified = {{"memory.high", "1048576"}, {"memory.min", "max"},    {"pids.max", "0"},
               {"cpu.max", "max 100000"},  {"cpu.weight", " 300\n"}, {"io.weight", "50"}};
  auto props = v2_unit_properties(r, 252);
  ASSERT_THAT(props, IsOk());
  // io.weight has no conversion here: cgroupfs gets it.
  EXPECT_THAT(*props, ElementsAre(UnitProperty{"CPUQuotaPeriodUSec", uint64_t{100000}},
                                  UnitProperty{"CPUQuotaPerSecUSec", kSystemdInfinity},
                                  UnitProperty{"CPUWeight", uint64_t{300}},
                                  UnitProperty{"MemoryHigh", uint64_t{1048576}},
                                  UnitProperty{"MemoryMin", kSystemdInfinity},
                                  UnitProperty{"TasksMax", uint64_t{1}}));
  Resources bad;
  bad.unified = {{"memory.high", "lots"}};
  EXPECT_THAT(v2_unit_properties(bad, 252), ErrorMessageHas("unified[\"memory.high\"]"));
}

TEST(SystemdPropertiesTest, V1PropertiesAsRunc) {
  Resources r;
  r.memory = MemoryResources{};
  r.memory->limit = 1 << 20;
  r.cpu = CpuResources{};
  r.cpu->shares = 512;
  r.block_io = BlockIoResources{};
  r.block_io->weight = 300;
  r.pids_limit = 7;
  EXPECT_THAT(v1_unit_properties(r, 252).value_or(std::vector<UnitProperty>{}),
              ElementsAre(UnitProperty{"MemoryLimit", uint64_t{1 << 20}},
                          UnitProperty{"CPUShares", uint64_t{512}},
                          UnitProperty{"BlockIOWeight", uint64_t{300}},
                          UnitProperty{"TasksMax", uint64_t{7}}));
  Resources none;
  EXPECT_THAT(v1_unit_properties(none, 252).value_or(std::vector<UnitProperty>{{"x", true}}),
              IsEmpty());
}

TEST(SystemdPropertiesTest, DeviceRulesAsStrictAllowList) {
  std::vector<DeviceCgroupRule> rules = {
      {false, "a", std::nullopt, std::nullopt, "rwm"},
      {true, "c", 1, 3, "rw"},
      {true, "b", 254, std::nullopt, "r"},
      {true, "c", std::nullopt, std::nullopt, "m"},
      {true, "c", std::nullopt, 7, "r"},  // "*:7": no systemd form, left to cgroupfs
  };
  auto props = device_unit_properties(rules);
  ASSERT_THAT(props, IsOk());
  EXPECT_THAT(*props, ElementsAre(UnitProperty{"DeviceAllow", UnitProperty::StringPairs{}},
                                  UnitProperty{"DevicePolicy", std::string("strict")},
                                  UnitProperty{"DeviceAllow",
                                               UnitProperty::StringPairs{{"/dev/char/1:3", "rw"},
                                                                         {"block-254", "r"},
                                                                         {"char-*", "m"}}}));
  // Allow-all is "auto"; a deny list becomes a deny-all (cgroupfs holds the real rules).
  EXPECT_THAT(device_unit_properties({{true, "a", std::nullopt, std::nullopt, "rwm"}})
                  .value_or(std::vector<UnitProperty>{}),
              ElementsAre(UnitProperty{"DeviceAllow", UnitProperty::StringPairs{}},
                          UnitProperty{"DevicePolicy", std::string("auto")}));
  EXPECT_THAT(device_unit_properties(
                  {{true, "a", std::nullopt, std::nullopt, "rwm"}, {false, "c", 1, 3, "w"}})
                  .value_or(std::vector<UnitProperty>{}),
              ElementsAre(UnitProperty{"DeviceAllow", UnitProperty::StringPairs{}},
                          UnitProperty{"DevicePolicy", std::string("strict")}));
  // On v1 they come with the other properties.
  Resources r;
  r.devices = rules;
  auto v1 = v1_unit_properties(r, 252);
  ASSERT_THAT(v1, IsOk());
  EXPECT_EQ(v1->size(), 3u);
}

TEST(SystemdPropertiesTest, CpuListMask) {
  EXPECT_THAT(cpu_list_to_mask("0").value_or(std::vector<uint8_t>{}), ElementsAre(0x01));
  EXPECT_THAT(cpu_list_to_mask("1,3-4,15").value_or(std::vector<uint8_t>{}),
              ElementsAre(0x1a, 0x80));
  EXPECT_THAT(cpu_list_to_mask("3-1"), FailedWith(ErrorKind::InvalidArgument));
  EXPECT_THAT(cpu_list_to_mask("a"), FailedWith(ErrorKind::InvalidArgument));
  EXPECT_THAT(cpu_list_to_mask(""), FailedWith(ErrorKind::InvalidArgument));
}

TEST(SystemdBusTest, VersionAsRunc) {
  EXPECT_EQ(parse_systemd_version("\"252.39-1~deb12u2\"").value_or(0), 252);
  EXPECT_EQ(parse_systemd_version("v245.4-1.fc32").value_or(0), 245);
  EXPECT_EQ(parse_systemd_version("245").value_or(0), 245);
  EXPECT_THAT(parse_systemd_version("abc"), FailedWith(ErrorKind::Protocol));
}

}  // namespace
}  // namespace hull::container::cgroups

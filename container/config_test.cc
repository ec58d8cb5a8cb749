#include "container/config.h"

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

#include "base/testing/matchers.h"
#include "container/resources.h"
#include "sys/file.h"

namespace hull::container {
namespace {

using base::testing::ErrorMessageHas;
using base::testing::IsOk;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::StartsWith;

// Bazel runfiles: $TEST_SRCDIR/$TEST_WORKSPACE/<package path>.
std::string testdata(const std::string& rel) {
  const char* srcdir = std::getenv("TEST_SRCDIR");
  const char* ws = std::getenv("TEST_WORKSPACE");
  std::string base = srcdir && ws ? std::string(srcdir) + "/" + ws + "/" : std::string();
  return base + "container/testdata/config/" + rel;
}

std::vector<std::string> files_in(const std::string& dir, std::string_view suffix) {
  auto names = sys::list_dir(testdata(dir));
  EXPECT_THAT(names, IsOk());
  std::vector<std::string> out;
  if (!names.has_value()) return out;
  for (const std::string& n : *names) {
    if (n.size() > suffix.size() && n.ends_with(suffix)) out.push_back(n);
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

TEST(ConfigFiles, EveryValidFileParses) {
  auto files = files_in("valid", ".json");
  ASSERT_GE(files.size(), 5u);
  for (const std::string& f : files) {
    EXPECT_THAT(load_config(testdata("valid/" + f)), IsOk()) << f;
  }
}

TEST(ConfigFiles, EveryInvalidFileFailsWithItsMessage) {
  auto files = files_in("invalid", ".json");
  ASSERT_GE(files.size(), 30u);
  for (const std::string& f : files) {
    std::string stem = f.substr(0, f.size() - 5);
    auto want = sys::read_file(testdata("invalid/" + stem + ".err"));
    ASSERT_THAT(want, IsOk()) << stem << " needs a .err file";
    std::string path = testdata("invalid/" + f);
    auto r = load_config(path);
    EXPECT_THAT(r, ErrorMessageHas(trim(*want))) << f;
    // load_config names the file first, so the message is one line a user can act on.
    if (!r.has_value()) {
      EXPECT_THAT(r.error().message(), StartsWith(path + ": ")) << f;
      EXPECT_EQ(r.error().message().find('\n'), std::string::npos) << f;
      EXPECT_EQ(r.error().kind(), base::ErrorKind::InvalidArgument) << f;
    }
  }
}

TEST(ConfigFiles, MinimalLeavesEverythingUnset) {
  auto c = load_config(testdata("valid/minimal.json"));
  ASSERT_THAT(c, IsOk());
  EXPECT_EQ(c->oci_version, "1.0.0");
  EXPECT_FALSE(c->root.has_value());
  EXPECT_FALSE(c->process.has_value());
  EXPECT_FALSE(c->linux.has_value());
  EXPECT_FALSE(c->hooks.has_value());
  EXPECT_THAT(c->mounts, IsEmpty());
  EXPECT_FALSE(c->has_namespace(NamespaceType::Pid));
  EXPECT_EQ(c->find_namespace(NamespaceType::Pid), nullptr);
}

TEST(ConfigFiles, RuncSpecOutput) {
  auto c = load_config(testdata("valid/runc_spec.json"));
  ASSERT_THAT(c, IsOk());
  EXPECT_EQ(c->oci_version, "1.0.2-dev");
  ASSERT_TRUE(c->process.has_value());
  EXPECT_TRUE(c->process->terminal);
  EXPECT_THAT(c->process->args, ElementsAre("sh"));
  EXPECT_EQ(c->process->cwd, "/");
  ASSERT_TRUE(c->process->capabilities.has_value());
  EXPECT_THAT(c->process->capabilities->bounding,
              ElementsAre("CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"));
  EXPECT_THAT(c->process->capabilities->inheritable, IsEmpty());
  ASSERT_EQ(c->process->rlimits.size(), 1u);
  EXPECT_EQ(c->process->rlimits[0].type, "RLIMIT_NOFILE");
  EXPECT_EQ(c->process->rlimits[0].hard, 1024u);
  EXPECT_TRUE(c->process->no_new_privileges);
  ASSERT_TRUE(c->root.has_value());
  EXPECT_EQ(c->root->path, "rootfs");
  EXPECT_TRUE(c->root->readonly);
  EXPECT_EQ(c->hostname, "runc");
  ASSERT_EQ(c->mounts.size(), 7u);
  EXPECT_EQ(c->mounts[2].destination, "/dev/pts");
  EXPECT_THAT(c->mounts[2].options, ElementsAre("nosuid", "noexec", "newinstance", "ptmxmode=0666",
                                                "mode=0620", "gid=5"));
  EXPECT_THAT(c->mounts[0].options, IsEmpty());
  ASSERT_TRUE(c->linux.has_value());
  ASSERT_TRUE(c->linux->resources.has_value());
  ASSERT_EQ(c->linux->resources->devices.size(), 1u);
  EXPECT_FALSE(c->linux->resources->devices[0].allow);
  EXPECT_EQ(c->linux->resources->devices[0].access, "rwm");
  EXPECT_FALSE(c->linux->resources->memory.has_value());
  EXPECT_TRUE(c->has_namespace(NamespaceType::Network));
  EXPECT_FALSE(c->has_namespace(NamespaceType::User));
  EXPECT_EQ(c->linux->masked_paths.size(), 10u);
  EXPECT_EQ(c->linux->readonly_paths.size(), 5u);
}

TEST(ConfigFiles, RuncRootlessSpecOutput) {
  auto c = load_config(testdata("valid/runc_spec_rootless.json"));
  ASSERT_THAT(c, IsOk());
  ASSERT_TRUE(c->linux.has_value());
  EXPECT_TRUE(c->has_namespace(NamespaceType::User));
  EXPECT_FALSE(c->has_namespace(NamespaceType::Network));
  EXPECT_FALSE(c->linux->resources.has_value());
  ASSERT_EQ(c->linux->uid_mappings.size(), 1u);
  EXPECT_EQ(c->linux->uid_mappings[0].size, 1u);
}

TEST(ConfigFiles, FullSetsEveryField) {
  auto c = load_config(testdata("valid/full.json"));
  ASSERT_THAT(c, IsOk());
  EXPECT_EQ(c->oci_version, "1.2.0");
  EXPECT_EQ(c->hostname, "box");
  EXPECT_EQ(c->domainname, "example.org");
  EXPECT_EQ(c->annotations.at("org.example.key"), "value");
  ASSERT_EQ(c->mounts.size(), 2u);
  EXPECT_THAT(c->mounts[1].options, ElementsAre("rbind", "ro", "idmap"));
  ASSERT_EQ(c->mounts[1].uid_mappings.size(), 1u);
  EXPECT_EQ(c->mounts[1].uid_mappings[0].host_id, 100000u);
  EXPECT_EQ(c->mounts[1].gid_mappings[0].size, 65536u);

  const Process& p = *c->process;
  EXPECT_EQ(p.console_size->height, 25u);
  EXPECT_EQ(p.user.gid, 1001u);
  EXPECT_EQ(p.user.umask, 18u);
  EXPECT_THAT(p.user.additional_gids, ElementsAre(5u, 6u));
  EXPECT_EQ(p.user.username, "me");
  EXPECT_EQ(p.command_line, "sh -c 'echo hi'");
  EXPECT_THAT(p.capabilities->inheritable, ElementsAre("CAP_NET_RAW"));
  EXPECT_THAT(p.capabilities->ambient, ElementsAre("CAP_KILL"));
  EXPECT_EQ(p.rlimits[1].hard, UINT64_MAX);
  EXPECT_EQ(p.apparmor_profile, "hull-default");
  EXPECT_EQ(p.oom_score_adj, -500);
  EXPECT_EQ(p.selinux_label, "system_u:system_r:container_t:s0");
  EXPECT_EQ(p.scheduler->policy, "SCHED_DEADLINE");
  EXPECT_EQ(p.scheduler->nice, -5);
  EXPECT_EQ(p.scheduler->priority, 0);
  EXPECT_THAT(p.scheduler->flags, ElementsAre("SCHED_FLAG_RESET_ON_FORK"));
  EXPECT_EQ(p.scheduler->deadline, 20000000u);
  EXPECT_EQ(p.io_priority->io_class, "IOPRIO_CLASS_BE");
  EXPECT_EQ(p.io_priority->priority, 4);
  EXPECT_EQ(p.exec_cpu_affinity->initial, "0-1");
  EXPECT_EQ(p.exec_cpu_affinity->final, "1");

  const Hooks& h = *c->hooks;
  EXPECT_EQ(h.prestart.size(), 1u);
  EXPECT_THAT(h.create_runtime[0].args, ElementsAre("net-setup", "up"));
  EXPECT_EQ(h.create_runtime[0].timeout, 5);
  EXPECT_EQ(h.create_container[0].path, "/usr/bin/cc");
  EXPECT_EQ(h.start_container[0].path, "/usr/bin/sc");
  EXPECT_EQ(h.poststart.size(), 2u);
  EXPECT_FALSE(h.poststart[0].timeout.has_value());
  EXPECT_EQ(h.poststop[0].timeout, 30);

  const Linux& l = *c->linux;
  EXPECT_EQ(l.namespaces.size(), 8u);
  EXPECT_EQ(c->find_namespace(NamespaceType::Network)->path, "/var/run/netns/box");
  EXPECT_EQ(l.gid_mappings[1].container_id, 1u);
  EXPECT_EQ(l.time_offsets.at("monotonic").secs, -86400);
  EXPECT_EQ(l.time_offsets.at("boottime").nanosecs, 500000000u);
  ASSERT_EQ(l.devices.size(), 2u);
  EXPECT_EQ(l.devices[0].file_mode, 438u);
  EXPECT_EQ(l.devices[0].minor, 229);
  EXPECT_FALSE(l.devices[1].file_mode.has_value());
  EXPECT_EQ(l.cgroups_path, "/hull/box");
  EXPECT_EQ(l.rootfs_propagation, "rslave");
  EXPECT_EQ(l.sysctl.at("net.ipv4.ip_forward"), "1");
  EXPECT_THAT(l.masked_paths, ElementsAre("/proc/kcore"));
  EXPECT_THAT(l.readonly_paths, ElementsAre("/proc/sys"));
  EXPECT_EQ(l.mount_label, "system_u:object_r:container_file_t:s0");
  EXPECT_EQ(l.intel_rdt->clos_id, "guaranteed");
  EXPECT_EQ(l.intel_rdt->mem_bw_schema, "MB:0=20");
  EXPECT_TRUE(l.intel_rdt->enable_mbm);
  EXPECT_EQ(l.personality->domain, "LINUX32");

  const Seccomp& sc = *l.seccomp;
  EXPECT_EQ(sc.default_action, "SCMP_ACT_ERRNO");
  EXPECT_EQ(sc.default_errno_ret, 1u);
  EXPECT_THAT(sc.architectures, ElementsAre("SCMP_ARCH_X86_64", "SCMP_ARCH_X86"));
  EXPECT_THAT(sc.flags, ElementsAre("SECCOMP_FILTER_FLAG_LOG"));
  EXPECT_EQ(sc.listener_path, "/run/seccomp.sock");
  EXPECT_EQ(sc.listener_metadata, "meta");
  ASSERT_EQ(sc.syscalls.size(), 3u);
  EXPECT_THAT(sc.syscalls[0].names, ElementsAre("read", "write"));
  EXPECT_EQ(sc.syscalls[1].args[0].value, 8u);
  EXPECT_EQ(sc.syscalls[1].args[0].op, "SCMP_CMP_EQ");
  EXPECT_EQ(sc.syscalls[2].errno_ret, 13u);
  EXPECT_FALSE(sc.syscalls[0].errno_ret.has_value());

  const Resources& r = *l.resources;
  ASSERT_EQ(r.devices.size(), 3u);
  EXPECT_TRUE(r.devices[1].allow);
  EXPECT_EQ(r.devices[1].major, 10);
  EXPECT_FALSE(r.devices[0].major.has_value());
  EXPECT_EQ(r.devices[2].minor, -1);
  EXPECT_EQ(r.memory->limit, 536870912);
  EXPECT_EQ(r.memory->swap, -1);
  EXPECT_EQ(r.memory->kernel_tcp, 0);
  EXPECT_EQ(r.memory->disable_oom_killer, false);
  EXPECT_EQ(r.memory->check_before_update, true);
  EXPECT_EQ(r.cpu->shares, 1024u);
  EXPECT_EQ(r.cpu->burst, 10000u);
  EXPECT_EQ(r.cpu->realtime_runtime, 950000);
  EXPECT_EQ(r.cpu->realtime_period, 1000000u);
  EXPECT_EQ(r.cpu->mems, "0");
  EXPECT_EQ(r.cpu->idle, 0);
  EXPECT_EQ(r.pids_limit, 100);
  EXPECT_EQ(r.block_io->weight, 500);
  EXPECT_EQ(r.block_io->leaf_weight, 300);
  EXPECT_EQ(r.block_io->weight_device[0].leaf_weight, 200);
  EXPECT_EQ(r.block_io->throttle_write_bps_device[0].rate, 2097152u);
  EXPECT_EQ(r.block_io->throttle_read_iops_device[0].minor, 16);
  EXPECT_EQ(r.block_io->throttle_write_iops_device[0].rate, 200u);
  EXPECT_EQ(r.hugepage_limits[0].page_size, "2MB");
  EXPECT_EQ(r.network->class_id, 1048577u);
  EXPECT_EQ(r.network->priorities[0].name, "eth0");
  EXPECT_EQ(r.rdma.at("mlx5_1").hca_objects, 10000u);
  EXPECT_EQ(r.unified.at("io.weight"), "default 100");
}

TEST(DefaultSpec, ParsesBackAndMatchesRunc) {
  auto ours = parse_config(default_spec_json(false));
  ASSERT_THAT(ours, IsOk());
  auto runc = load_config(testdata("valid/runc_spec.json"));
  ASSERT_THAT(runc, IsOk());
  EXPECT_EQ(ours->oci_version, runc->oci_version);
  EXPECT_EQ(ours->hostname, "hull");
  EXPECT_EQ(ours->process->args, runc->process->args);
  EXPECT_EQ(ours->process->env, runc->process->env);
  EXPECT_EQ(ours->process->capabilities->bounding, runc->process->capabilities->bounding);
  EXPECT_EQ(ours->process->capabilities->ambient, runc->process->capabilities->ambient);
  EXPECT_THAT(ours->process->capabilities->inheritable, IsEmpty());
  ASSERT_EQ(ours->mounts.size(), runc->mounts.size());
  for (size_t i = 0; i < ours->mounts.size(); ++i) {
    EXPECT_EQ(ours->mounts[i].destination, runc->mounts[i].destination) << i;
    EXPECT_EQ(ours->mounts[i].type, runc->mounts[i].type) << i;
    EXPECT_EQ(ours->mounts[i].source, runc->mounts[i].source) << i;
    EXPECT_EQ(ours->mounts[i].options, runc->mounts[i].options) << i;
  }
  EXPECT_EQ(ours->linux->readonly_paths, runc->linux->readonly_paths);
  EXPECT_THAT(ours->linux->masked_paths, ::testing::Contains("/sys/devices/virtual/tpm"));
  for (auto t : {NamespaceType::Pid, NamespaceType::Network, NamespaceType::Ipc, NamespaceType::Uts,
                 NamespaceType::Mount, NamespaceType::Cgroup}) {
    EXPECT_TRUE(ours->has_namespace(t)) << namespace_type_name(t);
  }
  EXPECT_FALSE(ours->has_namespace(NamespaceType::User));
  ASSERT_TRUE(ours->linux->resources.has_value());
  ASSERT_EQ(ours->linux->resources->devices.size(), 1u);
  EXPECT_EQ(ours->linux->resources->devices[0].access, "rwm");
}

TEST(DefaultSpec, MatchesTheGoldenFileByteForByte) {
  auto golden = sys::read_file(testdata("valid/hull_spec.json"));
  ASSERT_THAT(golden, IsOk());
  EXPECT_EQ(default_spec_json(false), *golden);
}

TEST(DefaultSpec, TwoSpaceIndent) {
  std::string s = default_spec_json(false);
  EXPECT_THAT(s, StartsWith("{\n  \"ociVersion\": \"1.0.2-dev\",\n  \"process\": {\n    "));
  EXPECT_EQ(s.back(), '\n');
}

TEST(DefaultSpec, RootlessMapsCurrentUserAndDropsPrivilegedParts) {
  auto c = parse_config(default_spec_json(true));
  ASSERT_THAT(c, IsOk());
  auto runc = load_config(testdata("valid/runc_spec_rootless.json"));
  ASSERT_THAT(runc, IsOk());
  EXPECT_TRUE(c->has_namespace(NamespaceType::User));
  EXPECT_FALSE(c->has_namespace(NamespaceType::Network));
  EXPECT_FALSE(c->linux->resources.has_value());
  ASSERT_EQ(c->linux->uid_mappings.size(), 1u);
  EXPECT_EQ(c->linux->uid_mappings[0].host_id, static_cast<uint32_t>(geteuid()));
  EXPECT_EQ(c->linux->uid_mappings[0].container_id, 0u);
  EXPECT_EQ(c->linux->uid_mappings[0].size, 1u);
  ASSERT_EQ(c->linux->gid_mappings.size(), 1u);
  EXPECT_EQ(c->linux->gid_mappings[0].host_id, static_cast<uint32_t>(getegid()));
  ASSERT_EQ(c->mounts.size(), runc->mounts.size());
  for (size_t i = 0; i < c->mounts.size(); ++i) {
    EXPECT_EQ(c->mounts[i].destination, runc->mounts[i].destination) << i;
    EXPECT_EQ(c->mounts[i].type, runc->mounts[i].type) << i;
    EXPECT_EQ(c->mounts[i].source, runc->mounts[i].source) << i;
    EXPECT_EQ(c->mounts[i].options, runc->mounts[i].options) << i;
  }
}

TEST(ParseConfig, InvalidJsonSaysSo) {
  auto r = parse_config("{\"ociVersion\": ");
  EXPECT_THAT(r, ErrorMessageHas("invalid JSON at line 1, column 16: unexpected end of input"));
  EXPECT_THAT(parse_config(""), ErrorMessageHas("invalid JSON at line 1, column 1: "));
}

TEST(ParseConfig, UnknownFieldsAndNullsAreIgnored) {
  auto c = parse_config(R"({"ociVersion": "1.1.0", "hostname": null, "solaris": {"x": 1},
      "process": {"args": ["a"], "cwd": "/", "user": null, "newThing": [1]},
      "linux": {"resources": {"memory": null, "pids": {"limit": null}}, "future": true}})");
  ASSERT_THAT(c, IsOk());
  EXPECT_EQ(c->hostname, "");
  EXPECT_EQ(c->process->user.uid, 0u);
  EXPECT_FALSE(c->linux->resources->memory.has_value());
  EXPECT_FALSE(c->linux->resources->pids_limit.has_value());
}

TEST(ParseConfig, NamespacePathsAndLookup) {
  auto c = parse_config(R"({"ociVersion": "1.0.0", "linux": {"namespaces": [
      {"type": "network", "path": "/run/netns/a"}, {"type": "time"}]}})");
  ASSERT_THAT(c, IsOk());
  const Namespace* net = c->find_namespace(NamespaceType::Network);
  ASSERT_NE(net, nullptr);
  EXPECT_EQ(net->path, "/run/netns/a");
  ASSERT_NE(c->find_namespace(NamespaceType::Time), nullptr);
  EXPECT_EQ(c->find_namespace(NamespaceType::Time)->path, "");
  EXPECT_FALSE(c->has_namespace(NamespaceType::Pid));
}

TEST(ParseConfig, NamespaceTypeNames) {
  EXPECT_EQ(namespace_type_name(NamespaceType::Pid), "pid");
  EXPECT_EQ(namespace_type_name(NamespaceType::Network), "network");
  EXPECT_EQ(namespace_type_name(NamespaceType::Mount), "mount");
  EXPECT_EQ(namespace_type_name(NamespaceType::Ipc), "ipc");
  EXPECT_EQ(namespace_type_name(NamespaceType::Uts), "uts");
  EXPECT_EQ(namespace_type_name(NamespaceType::User), "user");
  EXPECT_EQ(namespace_type_name(NamespaceType::Cgroup), "cgroup");
  EXPECT_EQ(namespace_type_name(NamespaceType::Time), "time");
  // Every name parses back to its type.
  for (auto t :
       {NamespaceType::Pid, NamespaceType::Network, NamespaceType::Mount, NamespaceType::Ipc,
        NamespaceType::Uts, NamespaceType::User, NamespaceType::Cgroup, NamespaceType::Time}) {
    std::string json = R"({"ociVersion": "1.0.0", "linux": {"namespaces": [{"type": ")" +
                       std::string(namespace_type_name(t)) + "\"}]}}";
    auto c = parse_config(json);
    ASSERT_THAT(c, IsOk());
    EXPECT_TRUE(c->has_namespace(t)) << namespace_type_name(t);
  }
}

TEST(ParseConfig, IntegerBoundsAreExact) {
  auto c = parse_config(R"({"ociVersion": "1.0.0",
      "process": {"args": ["a"], "cwd": "/", "user": {"uid": 4294967295, "gid": 0},
                  "rlimits": [{"type": "RLIMIT_CORE", "hard": 18446744073709551615, "soft": 0}],
                  "oomScoreAdj": -1000},
      "linux": {"resources": {"memory": {"swap": -9223372036854775808},
                              "blockIO": {"weight": 65535}}}})");
  ASSERT_THAT(c, IsOk());
  EXPECT_EQ(c->process->user.uid, 4294967295u);
  EXPECT_EQ(c->process->rlimits[0].hard, UINT64_MAX);
  EXPECT_EQ(c->process->oom_score_adj, -1000);
  EXPECT_EQ(c->linux->resources->memory->swap, INT64_MIN);
  EXPECT_EQ(c->linux->resources->block_io->weight, 65535);
  EXPECT_THAT(
      parse_config(R"({"ociVersion": "1.0.0", "linux": {"resources":
      {"blockIO": {"weight": 65536}}}})"),
      ErrorMessageHas(".linux.resources.blockIO.weight: 65536 is out of range (0 to 65535)"));
  EXPECT_THAT(parse_config(R"({"ociVersion": "1.0.0", "hooks": {"prestart":
      [{"path": "/x", "timeout": 2147483648}]}})"),
              ErrorMessageHas(".hooks.prestart[0].timeout: 2147483648 is out of range"));
  EXPECT_THAT(parse_config(R"({"ociVersion": "1.0.0", "linux": {"timeOffsets":
      {"boottime": {"secs": 1, "nanosecs": 1000000000}}}})"),
              ErrorMessageHas(R"(.linux.timeOffsets["boottime"].nanosecs: 1000000000 is out of)"));
}

TEST(ParseConfig, RequiredFieldsInsideArraysNameTheIndex) {
  EXPECT_THAT(
      parse_config(R"({"ociVersion": "1.0.0", "linux": {"resources": {"hugepageLimits":
      [{"pageSize": "2MB", "limit": 1}, {"limit": 5}]}}})"),
      ErrorMessageHas(".linux.resources.hugepageLimits[1].pageSize: required field missing"));
  EXPECT_THAT(
      parse_config(R"({"ociVersion": "1.0.0", "linux": {"resources": {"blockIO":
      {"throttleReadBpsDevice": [{"major": 8, "rate": 5}]}}}})"),
      ErrorMessageHas(
          ".linux.resources.blockIO.throttleReadBpsDevice[0].minor: required field missing"));
  EXPECT_THAT(parse_config(R"({"ociVersion": "1.0.0", "linux": {"seccomp":
      {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": [], "action": "x"}]}}})"),
              ErrorMessageHas(".linux.seccomp.syscalls[0].names: must not be empty"));
  EXPECT_THAT(parse_config(R"({"ociVersion": "1.0.0", "linux": {"namespaces": [{"path": "/x"}]}})"),
              ErrorMessageHas(".linux.namespaces[0].type: required field missing"));
}

TEST(ParseResources, UnsetDiffersFromZero) {
  auto r = parse_resources(R"({"memory": {"limit": 0, "swappiness": 0}, "cpu": {"quota": -1},
                               "pids": {"limit": 0}})");
  ASSERT_THAT(r, IsOk());
  ASSERT_TRUE(r->memory.has_value());
  EXPECT_EQ(r->memory->limit, 0);
  EXPECT_EQ(r->memory->swappiness, 0u);
  EXPECT_FALSE(r->memory->swap.has_value());
  EXPECT_FALSE(r->memory->reservation.has_value());
  EXPECT_FALSE(r->memory->disable_oom_killer.has_value());
  ASSERT_TRUE(r->cpu.has_value());
  EXPECT_EQ(r->cpu->quota, -1);
  EXPECT_FALSE(r->cpu->shares.has_value());
  EXPECT_FALSE(r->cpu->period.has_value());
  EXPECT_EQ(r->cpu->cpus, "");
  EXPECT_EQ(r->pids_limit, 0);
  EXPECT_FALSE(r->block_io.has_value());
  EXPECT_FALSE(r->network.has_value());
  EXPECT_THAT(r->devices, IsEmpty());

  auto empty = parse_resources("{}");
  ASSERT_THAT(empty, IsOk());
  EXPECT_FALSE(empty->memory.has_value());
  EXPECT_FALSE(empty->cpu.has_value());
  EXPECT_FALSE(empty->pids_limit.has_value());
}

TEST(ParseResources, PathsAreRelativeToTheObject) {
  EXPECT_THAT(parse_resources(R"({"memory": {"limit": "lots"}})"),
              ErrorMessageHas(".memory.limit: expected integer, got string"));
  EXPECT_THAT(parse_resources(R"({"cpu": {"shares": -1}})"),
              ErrorMessageHas(".cpu.shares: must not be negative, got -1"));
  EXPECT_THAT(parse_resources("[]"), ErrorMessageHas("top level: expected object, got array"));
  EXPECT_THAT(parse_resources("{"), ErrorMessageHas("invalid JSON"));
}

TEST(ParseProcess, ParsesOneProcessObject) {
  auto p = parse_process(R"({"args": ["ps", "aux"], "cwd": "/tmp", "env": ["A=b"],
                             "user": {"uid": 7, "gid": 8, "additionalGids": [9]},
                             "terminal": false, "consoleSize": {"height": 10, "width": 20}})");
  ASSERT_THAT(p, IsOk());
  EXPECT_THAT(p->args, ElementsAre("ps", "aux"));
  EXPECT_EQ(p->cwd, "/tmp");
  EXPECT_EQ(p->user.uid, 7u);
  EXPECT_THAT(p->user.additional_gids, ElementsAre(9u));
  ASSERT_TRUE(p->console_size.has_value());
  EXPECT_EQ(p->console_size->width, 20u);
  EXPECT_FALSE(p->capabilities.has_value());
  EXPECT_THAT(parse_process(R"({"args": ["x"], "cwd": "/", "user": {"additionalGids": [1, -1]}})"),
              ErrorMessageHas(".user.additionalGids[1]: must not be negative, got -1"));
  EXPECT_THAT(parse_process(R"({"cwd": "/"})"), ErrorMessageHas(".args: required field missing"));
}

// Go's encoding/json keeps the last of two equal keys, simdjson the first: any repeat, at any
// depth and in every entry point (exec --process, update --resources), is refused by its path.
TEST(DuplicateKeys, RefusedWherever) {
  EXPECT_THAT(parse_process(R"({"args": ["x"], "cwd": "/", "args": ["y"]})"),
              ErrorMessageHas("top level: duplicate key \"args\""));
  EXPECT_THAT(parse_process(R"({"args": ["x"], "cwd": "/", "user": {"uid": 0, "uid": 1000}})"),
              ErrorMessageHas(".user: duplicate key \"uid\""));
  EXPECT_THAT(
      parse_resources(R"({"devices": [{"allow": false}, {"allow": true, "allow": false}]})"),
      ErrorMessageHas(".devices[1]: duplicate key \"allow\""));
  EXPECT_THAT(parse_config(R"({"ociVersion": "1.0.2", "linux": {"sysctl": {"a.b": "1"},
                              "resources": {"unified": {"x": "1"}, "unified": {}}}})"),
              ErrorMessageHas(".linux.resources: duplicate key \"unified\""));
  // Keys that only look alike are distinct; big objects are checked too (sorted, not quadratic).
  std::string many = R"({"ociVersion": "1.0.2", "annotations": {)";
  for (int i = 0; i < 1000; ++i) many += fmt::format(R"("k{}": "v", )", i);
  EXPECT_THAT(parse_config(many + R"("K1": "v", "k1 ": "v"}})"), IsOk());
  EXPECT_THAT(parse_config(many + R"("k999": "w"}})"),
              ErrorMessageHas(".annotations: duplicate key \"k999\""));
}

TEST(LoadConfig, MissingFileNamesThePath) {
  auto r = load_config("/nonexistent/hull/config.json");
  EXPECT_THAT(r, ErrorMessageHas("/nonexistent/hull/config.json"));
}

}  // namespace
}  // namespace hull::container

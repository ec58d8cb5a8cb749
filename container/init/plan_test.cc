// The plan reaches hull-init whole: every field set, encoded, decoded, compared.
#include "container/init/plan.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <linux/mount.h>
#include <sys/mount.h>

#include "base/testing/matchers.h"
#include "base/wire.h"

namespace hull::container {
namespace {

// A field added to one of these structs must be added to its HULL_WIRE_FIELDS too, or it never
// reaches init: these fail on any change of size, so the change is looked at here.
static_assert(sizeof(InitPlan) == 1056, "InitPlan changed: update its fields() and this test");
static_assert(sizeof(InitProcess) == 152, "InitProcess changed: update its fields() and this test");
static_assert(sizeof(InitMount) == 176, "InitMount changed: update its fields() and this test");
static_assert(sizeof(PreparedProcess) == 368,
              "PreparedProcess changed: update its fields() and this test");

InitPlan everything() {
  InitPlan p;
  p.role = InitRole::Exec;
  p.id = "c1";
  p.rootfs = "/b/rootfs";
  p.parent_joined = 0x40000000;
  p.no_pivot = true;
  p.no_new_keyring = true;
  p.preserve_fds = 2;
  InitMount m;
  m.destination = "/data";
  m.type = "bind";
  m.source = "/srv/data";
  m.options.bind = true;
  m.options.recursive = true;
  m.options.attr_set = MOUNT_ATTR_RDONLY;
  m.options.attr_clr = MOUNT_ATTR_NOEXEC;
  m.options.propagation = MS_SLAVE;
  m.options.propagation_recursive = true;
  m.options.fs_options = {"mode=755"};
  m.options.idmap = true;
  m.options.ridmap = true;
  m.from_parent = true;
  m.read_only_later = true;
  p.mounts = {m};
  p.devices = {Device{"c", "/dev/fuse", 10, 229, 0666, 1, 2}};
  p.dev_is_mounted = true;
  p.hostname = "h";
  p.domainname = "d";
  p.rootfs_propagation = "rshared";
  p.readonly_root = true;
  p.masked_paths = {"/proc/kcore"};
  p.readonly_paths = {"/proc/sys"};
  p.cgroup_paths = {{"memory", "/sys/fs/cgroup/memory/hull/c1"}};
  p.cgroup_layout.v1 = {{"memory", "/sys/fs/cgroup/memory"}};
  p.cgroup_layout.unified = "/sys/fs/cgroup/unified";
  p.create_container_hooks = {Hook{"/bin/a", {"a", "1"}, {"X=1"}, 5}};
  p.start_container_hooks = {Hook{"/bin/b", {}, {}, std::nullopt}};
  p.process.args = {"sh", "-c", "true"};
  p.process.env = {"PATH=/bin", "LISTEN_FDS=1"};
  p.process.cwd = "/w";
  p.process.uid = 1000;
  p.process.gid = 100;
  p.process.additional_gids = {5, 6};
  p.process.umask = 027;
  p.process.terminal = true;
  p.process.console_size = std::make_pair(24u, 80u);
  p.process.no_new_privileges = true;
  p.process.oom_score_adj = -500;
  PreparedProcess& pp = p.prepared;
  pp.rlimits = {{7, 1024, 2048}};
  pp.caps.bounding = 1;
  pp.caps.effective = 2;
  pp.caps.permitted = 3;
  pp.caps.inheritable = 4;
  pp.caps.ambient = 5;
  pp.last_cap = 40;
  pp.seccomp = security::SeccompProgram{{{0x20, 0, 0, 4}, {0x06, 0, 0, 0x7fff0000}}, 8};
  pp.personality = 8;
  pp.scheduler = sys::SchedAttr{1, 2, -3, 4, 5, 6, 7};
  pp.io_priority = 0x4003;
  pp.sysctls = {{"/proc/sys/net/ipv4/ip_forward", "1"}};
  pp.lsm_attr = "exec";
  pp.lsm_label = "label";
  pp.affinity_initial = sys::CpuMask{{0x3}};
  pp.affinity_final = sys::CpuMask{{0x1, 0x8}};
  p.sync_fd = 5;
  p.exec_listener_fd = 6;
  p.console_fd = 7;
  p.exec_pidfd = 8;
  p.exec_ns_flags = 0x20000;
  p.cgroup_tasks_fds = {9, 10};
  p.log_fd = 11;
  p.log_json = true;
  p.log_debug = true;
  return p;
}

TEST(InitPlanTest, EveryFieldSurvivesTheWire) {
  InitPlan in = everything();
  std::string bytes = base::wire::encode(in);
  auto out = base::wire::decode<InitPlan>(bytes);
  ASSERT_TRUE(out.has_value()) << out.error().message();
  // Encoding again gives the same bytes: nothing was lost or defaulted on the way.
  EXPECT_EQ(base::wire::encode(*out), bytes);
  // And spot checks that the values are where they belong.
  EXPECT_EQ(out->role, InitRole::Exec);
  EXPECT_EQ(out->mounts[0].options.attr_clr, uint64_t{MOUNT_ATTR_NOEXEC});
  EXPECT_EQ(out->devices[0].minor, 229);
  EXPECT_EQ(out->create_container_hooks[0].timeout, 5);
  EXPECT_EQ(out->process.console_size->second, 80u);
  EXPECT_EQ(out->prepared.seccomp->filter[1].k, 0x7fff0000u);
  EXPECT_EQ(out->prepared.scheduler->nice, -3);
  EXPECT_EQ(out->prepared.affinity_final->words, (std::vector<unsigned long>{0x1, 0x8}));
  EXPECT_EQ(out->cgroup_layout.unified, "/sys/fs/cgroup/unified");
  EXPECT_TRUE(out->log_debug);
}

TEST(InitPlanTest, EveryTruncationIsRefused) {
  std::string bytes = base::wire::encode(everything());
  for (size_t n = 0; n < bytes.size(); n += 7)
    EXPECT_FALSE(base::wire::decode<InitPlan>(std::string_view(bytes).substr(0, n)).has_value())
        << n;
}

}  // namespace
}  // namespace hull::container

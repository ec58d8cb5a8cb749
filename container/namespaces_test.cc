#include "container/namespaces.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sched.h>

#include "base/testing/matchers.h"

namespace hull::container {
namespace {

using base::testing::ErrorMessageHas;
using base::testing::IsOk;

Config with(std::vector<Namespace> ns) {
  Config c;
  c.linux = Linux{};
  c.linux->namespaces = std::move(ns);
  return c;
}

TEST(NamespacePlanTest, NewOnesAreCreatedAndPathsJoinedByInit) {
  auto p = plan_namespaces(with({{NamespaceType::Pid, ""},
                                 {NamespaceType::Mount, ""},
                                 {NamespaceType::Network, "/run/netns/a"},
                                 {NamespaceType::Ipc, "/proc/7/ns/ipc"}}),
                           false);
  ASSERT_THAT(p, IsOk());
  EXPECT_EQ(p->created, uint64_t{CLONE_NEWPID | CLONE_NEWNS});
  ASSERT_EQ(p->init_joins.size(), 2u);
  EXPECT_EQ(p->init_joins[0].path, "/run/netns/a");
  EXPECT_TRUE(p->launcher_joins.empty());
  EXPECT_EQ(p->bootstrap(std::nullopt).ns_paths.size(), 2u);
}

TEST(NamespacePlanTest, APidNamespacePathIsJoinedByTheLauncher) {
  auto p = plan_namespaces(with({{NamespaceType::Pid, "/proc/9/ns/pid"}, {NamespaceType::Uts, ""}}),
                           false);
  ASSERT_THAT(p, IsOk());
  ASSERT_EQ(p->launcher_joins.size(), 1u);
  EXPECT_EQ(p->launcher_joins[0].clone_flag, uint32_t{CLONE_NEWPID});
  EXPECT_EQ(p->launcher_joined(), uint64_t{CLONE_NEWPID});
}

TEST(NamespacePlanTest, WithAUserNamespaceTheLauncherJoinsPathsAndTheUserNamespaceLast) {
  Config c = with({{NamespaceType::User, "/proc/5/ns/user"},
                   {NamespaceType::Network, "/proc/5/ns/net"},
                   {NamespaceType::Pid, "/proc/5/ns/pid"},
                   {NamespaceType::Mount, ""}});
  auto p = plan_namespaces(c, false);
  ASSERT_THAT(p, IsOk());
  EXPECT_TRUE(p->init_joins.empty());
  ASSERT_EQ(p->launcher_joins.size(), 3u);
  EXPECT_EQ(p->launcher_joins[0].clone_flag, uint32_t{CLONE_NEWNET});
  EXPECT_EQ(p->launcher_joins[1].clone_flag, uint32_t{CLONE_NEWPID});
  EXPECT_EQ(p->launcher_joins[2].clone_flag, uint32_t{CLONE_NEWUSER});
  EXPECT_FALSE(p->new_userns);
}

TEST(NamespacePlanTest, ANewUserNamespaceNeedsMappingsAndWritesThem) {
  Config c = with({{NamespaceType::User, ""}, {NamespaceType::Uts, "/proc/3/ns/uts"}});
  EXPECT_THAT(plan_namespaces(c, false),
              ErrorMessageHas(".linux.uidMappings/gidMappings: required"));
  c.linux->uid_mappings = {{0, 1000, 1}};
  c.linux->gid_mappings = {{0, 1000, 1}, {1, 100000, 65536}};
  auto p = plan_namespaces(c, true);
  ASSERT_THAT(p, IsOk());
  EXPECT_EQ(p->uid_map, "0 1000 1\n");
  EXPECT_EQ(p->gid_map, "0 1000 1\n1 100000 65536\n");
  EXPECT_TRUE(p->setgroups_deny);  // rootless
  EXPECT_TRUE(p->bootstrap(std::nullopt).rootless_euid);
  ASSERT_EQ(p->launcher_joins.size(), 1u);  // uts, before the new user namespace exists
  EXPECT_FALSE(plan_namespaces(c, false)->setgroups_deny);
}

TEST(NamespacePlanTest, RefusalsNameTheField) {
  EXPECT_THAT(
      plan_namespaces(with({{NamespaceType::User, ""}, {NamespaceType::Mount, "/proc/1/ns/mnt"}}),
                      false),
      ErrorMessageHas(
          ".linux.namespaces: joining a mount namespace by path together with a user namespace"));
  Config c = with({{NamespaceType::Pid, ""}});
  c.linux->time_offsets["monotonic"] = TimeOffset{5, 0};
  EXPECT_THAT(plan_namespaces(c, false),
              ErrorMessageHas(".linux.timeOffsets: needs a new time namespace"));
  c.linux->namespaces.push_back({NamespaceType::Time, ""});
  auto p = plan_namespaces(c, false);
  ASSERT_THAT(p, IsOk());
  EXPECT_EQ(p->time_offsets, "monotonic 5 0\n");
}

TEST(NamespacePlanTest, ProcPathsUseTheKernelsFileNames) {
  EXPECT_EQ(namespace_proc_path(12, NamespaceType::Network), "/proc/12/ns/net");
  EXPECT_EQ(namespace_proc_path(12, NamespaceType::Mount), "/proc/12/ns/mnt");
  EXPECT_EQ(namespace_proc_path(12, NamespaceType::Cgroup), "/proc/12/ns/cgroup");
}

}  // namespace
}  // namespace hull::container

// hull's config parser from another workspace: `hull spec`'s default config parses back into the
// typed structs with runc's defaults.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "container/config.h"

namespace {

using hull::container::Config;
using hull::container::NamespaceType;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::StartsWith;

TEST(ConsumerConfig, DefaultSpecParsesWithRuncDefaults) {
  auto cfg = hull::container::parse_config(hull::container::default_spec_json(false));
  ASSERT_TRUE(cfg.has_value()) << cfg.error().message();
  EXPECT_THAT(cfg->oci_version, StartsWith("1."));
  ASSERT_TRUE(cfg->root.has_value());
  EXPECT_EQ(cfg->root->path, "rootfs");
  ASSERT_TRUE(cfg->process.has_value());
  EXPECT_THAT(cfg->process->args, ElementsAre("sh"));
  EXPECT_EQ(cfg->process->cwd, "/");
  EXPECT_EQ(cfg->process->user.uid, 0u);
  ASSERT_TRUE(cfg->linux.has_value());
  for (auto ns : {NamespaceType::Pid, NamespaceType::Mount, NamespaceType::Ipc, NamespaceType::Uts,
                  NamespaceType::Network}) {
    EXPECT_TRUE(cfg->has_namespace(ns)) << hull::container::namespace_type_name(ns);
  }
  EXPECT_FALSE(cfg->has_namespace(NamespaceType::User));
  bool has_proc = false;
  for (const auto& m : cfg->mounts) has_proc = has_proc || (m.destination == "/proc");
  EXPECT_TRUE(has_proc);
}

TEST(ConsumerConfig, RootlessSpecAddsAUserNamespaceWithMappings) {
  auto cfg = hull::container::parse_config(hull::container::default_spec_json(true));
  ASSERT_TRUE(cfg.has_value()) << cfg.error().message();
  ASSERT_TRUE(cfg->linux.has_value());
  EXPECT_TRUE(cfg->has_namespace(NamespaceType::User));
  ASSERT_FALSE(cfg->linux->uid_mappings.empty());
  EXPECT_EQ(cfg->linux->uid_mappings[0].container_id, 0u);
  EXPECT_FALSE(cfg->linux->gid_mappings.empty());
}

TEST(ConsumerConfig, ErrorsNameTheJsonPath) {
  auto cfg = hull::container::parse_config(R"({"ociVersion":"1.0.2","process":{"args":[1]}})");
  ASSERT_FALSE(cfg.has_value());
  EXPECT_THAT(cfg.error().message(), HasSubstr("process.args"));
}

}  // namespace

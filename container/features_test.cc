// `hull features` may only claim what hull accepts: every listed mount option, seccomp action,
// operator, architecture and capability is fed back to the parser that has to accept it.
#include "container/features.h"

#include <gmock/gmock.h>
#include <simdjson.h>

#include "base/testing/matchers.h"
#include "container/mount_options.h"
#include "container/security/capabilities.h"
#include "container/security/seccomp.h"

namespace hull::container {
namespace {

using base::testing::IsOk;

std::vector<std::string> strings(simdjson::simdjson_result<simdjson::dom::element> e) {
  std::vector<std::string> out;
  simdjson::dom::array a;
  if (e.get(a) != simdjson::SUCCESS) return out;
  for (auto v : a) {
    std::string_view s;
    if (v.get(s) == simdjson::SUCCESS) out.emplace_back(s);
  }
  return out;
}

// An allow-all filter with one getppid rule (`action`, `args`), as a test config.
Seccomp with_rule(const std::string& action, std::vector<SeccompArg> args = {}) {
  Seccomp cfg;
  cfg.default_action = "SCMP_ACT_ALLOW";
  cfg.listener_path = "/run/agent.sock";  // for SCMP_ACT_NOTIFY
  SeccompSyscall rule;
  rule.names = {"getppid"};
  rule.action = action;
  rule.args = std::move(args);
  cfg.syscalls = {rule};
  return cfg;
}

class FeaturesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    m_text = simdjson::padded_string(features_json("9.9.9"));
    ASSERT_EQ(m_parser.parse(m_text).get(m_doc), simdjson::SUCCESS) << std::string_view(m_text);
  }
  simdjson::padded_string m_text;
  simdjson::dom::parser m_parser;
  simdjson::dom::element m_doc;
};

TEST_F(FeaturesTest, ShapeOfTheDocument) {
  std::string_view max;
  ASSERT_EQ(m_doc["ociVersionMax"].get(max), simdjson::SUCCESS);
  EXPECT_EQ(max, "1.2.0");
  bool idmap = false;
  ASSERT_EQ(m_doc["linux"]["mountExtensions"]["idmap"]["enabled"].get(idmap), simdjson::SUCCESS);
  EXPECT_TRUE(idmap);
  EXPECT_THAT(strings(m_doc["hooks"]), ::testing::SizeIs(6));
  EXPECT_THAT(strings(m_doc["linux"]["namespaces"]), ::testing::Contains("time"));
  std::string_view version;
  ASSERT_EQ(m_doc["annotations"]["org.hull.version"].get(version), simdjson::SUCCESS);
  EXPECT_EQ(version, "9.9.9");
}

TEST_F(FeaturesTest, EveryMountOptionIsUnderstoodByTheParser) {
  std::vector<std::string> options = strings(m_doc["mountOptions"]);
  EXPECT_THAT(options, ::testing::IsSupersetOf({"rro", "rbind", "idmap", "ridmap", "nosymfollow"}));
  for (const auto& opt : options) {
    SCOPED_TRACE(opt);
    Mount bind{"/x", "bind", "/src", {opt}, {}, {}};
    auto o = parse_mount_options(bind);
    ASSERT_THAT(o, IsOk());
    EXPECT_THAT(o->fs_options, ::testing::IsEmpty());  // taken by hull, not left to a filesystem
  }
  // The recursive forms set what the plain ones set.
  for (const char* plain : {"ro", "nosuid", "nodev", "noexec", "noatime", "rw", "nosymfollow"}) {
    SCOPED_TRACE(plain);
    auto a = parse_mount_options({"/x", "bind", "/src", {"rbind", plain}, {}, {}});
    auto b =
        parse_mount_options({"/x", "bind", "/src", {"rbind", std::string("r") + plain}, {}, {}});
    ASSERT_THAT(a, IsOk());
    ASSERT_THAT(b, IsOk());
    EXPECT_EQ(a->attr_set, b->attr_set);
    EXPECT_EQ(a->attr_clr, b->attr_clr);
    EXPECT_TRUE(a->attr_set != 0 || a->attr_clr != 0);
  }
}

TEST_F(FeaturesTest, EverySeccompNameCompiles) {
  auto sc = m_doc["linux"]["seccomp"];
  auto actions = strings(sc["actions"]);
  EXPECT_THAT(actions, ::testing::Contains("SCMP_ACT_NOTIFY"));
  for (const auto& action : actions) {
    SCOPED_TRACE(action);
    EXPECT_THAT(security::compile_seccomp(with_rule(action)), IsOk());
  }
  for (const auto& op : strings(sc["operators"])) {
    SCOPED_TRACE(op);
    EXPECT_THAT(security::compile_seccomp(with_rule("SCMP_ACT_ERRNO", {SeccompArg{0, 1, 1, op}})),
                IsOk());
  }
  auto archs = strings(sc["archs"]);
  EXPECT_THAT(archs, ::testing::Contains("SCMP_ARCH_X86_64"));
  for (const auto& arch : archs) {
    SCOPED_TRACE(arch);
    Seccomp cfg = with_rule("SCMP_ACT_ERRNO");
    cfg.architectures = {arch};
    EXPECT_THAT(security::compile_seccomp(cfg), IsOk());
  }
  auto known = strings(sc["knownFlags"]);
  for (const auto& flag : strings(sc["supportedFlags"]))
    EXPECT_THAT(known, ::testing::Contains(flag));
  for (const auto& flag : known) {
    SCOPED_TRACE(flag);
    Seccomp cfg = with_rule("SCMP_ACT_ERRNO");
    cfg.flags = {flag};
    EXPECT_THAT(security::compile_seccomp(cfg), IsOk());
  }
}

TEST_F(FeaturesTest, EveryCapabilityIsKnown) {
  auto caps = strings(m_doc["linux"]["capabilities"]);
  EXPECT_THAT(caps,
              ::testing::IsSupersetOf({"CAP_CHOWN", "CAP_SYS_ADMIN", "CAP_CHECKPOINT_RESTORE"}));
  for (size_t i = 0; i < caps.size(); ++i)
    EXPECT_EQ(security::capability_from_name(caps[i]), static_cast<int>(i));
}

}  // namespace
}  // namespace hull::container

// Needs real root (tags = ["no-sandbox"]): it switches to uids that Bazel's sandbox does not map.
#include <grp.h>
#include <unistd.h>

#include <string>

#include "base/testing/matchers.h"
#include "container/security/capabilities.h"
#include "container/security/testing.h"
#include "sys/file.h"

namespace hull::container::security {
namespace {

using base::testing::IsOk;
using ::testing::HasSubstr;
using testing_support::run_in_child;

std::string status_field(const std::string& status, const std::string& name) {
  size_t at = status.find("\n" + name + ":\t");
  if (at == std::string::npos) return "?";
  size_t start = at + name.size() + 3;
  return status.substr(start, status.find('\n', start) - start);
}

class SwitchUserTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root";
    // In Bazel's sandbox (a user namespace mapping only uid 0) setresuid(1000) cannot work.
    std::string map = sys::read_file("/proc/self/uid_map").value_or("");
    if (map.find("4294967295") == std::string::npos) GTEST_SKIP() << "not in the initial userns";
  }
};

TEST_F(SwitchUserTest, KeepsTheConfiguredCapsAcrossSetuid) {
  Capabilities c;
  c.bounding = {"CAP_NET_BIND_SERVICE", "CAP_KILL"};
  c.effective = {"CAP_NET_BIND_SERVICE"};
  c.permitted = {"CAP_NET_BIND_SERVICE", "CAP_KILL"};
  c.inheritable = {"CAP_NET_BIND_SERVICE"};
  c.ambient = {"CAP_NET_BIND_SERVICE"};
  const int last = last_cap();
  auto sets = resolve_capabilities(c, last);
  ASSERT_THAT(sets, IsOk());
  const gid_t groups[] = {1000, 2345};
  auto child = run_in_child([&]() -> std::string {
    auto r = switch_user_keep_caps(1000, 1001, groups, *sets, last);
    if (!r.has_value()) return "error: " + r.error().message();
    return sys::read_file("/proc/self/status").value_or("");
  });
  std::string status = child.text;
  ASSERT_THAT(status, Not(HasSubstr("error:"))) << status;
  EXPECT_EQ(status_field(status, "Uid"), "1000\t1000\t1000\t1000");
  EXPECT_EQ(status_field(status, "Gid"), "1001\t1001\t1001\t1001");
  EXPECT_EQ(status_field(status, "Groups"), "1000 2345 ");
  EXPECT_EQ(status_field(status, "CapEff"), "0000000000000400");
  EXPECT_EQ(status_field(status, "CapPrm"), "0000000000000420");
  EXPECT_EQ(status_field(status, "CapInh"), "0000000000000400");
  EXPECT_EQ(status_field(status, "CapBnd"), "0000000000000420");
  EXPECT_EQ(status_field(status, "CapAmb"), "0000000000000400");
}

TEST_F(SwitchUserTest, WithoutCapsTheUserHasNone) {
  const int last = last_cap();
  auto sets = resolve_capabilities(Capabilities{}, last);
  ASSERT_THAT(sets, IsOk());
  auto child = run_in_child([&]() -> std::string {
    auto r = switch_user_keep_caps(65534, 65534, {}, *sets, last);
    if (!r.has_value()) return "error: " + r.error().message();
    return sys::read_file("/proc/self/status").value_or("");
  });
  std::string status = child.text;
  EXPECT_EQ(status_field(status, "Uid"), "65534\t65534\t65534\t65534") << status;
  EXPECT_THAT(status_field(status, "Groups"), ::testing::MatchesRegex(" *"));
  EXPECT_EQ(status_field(status, "CapPrm"), "0000000000000000");
  EXPECT_EQ(status_field(status, "CapBnd"), "0000000000000000");
}

}  // namespace
}  // namespace hull::container::security

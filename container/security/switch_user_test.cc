// Needs real root (tags = ["no-sandbox"]): it switches to uids that Bazel's sandbox does not map.
#include <grp.h>
#include <sys/wait.h>
#include <unistd.h>

#include <functional>
#include <string>

#include "base/testing/matchers.h"
#include "container/security/capabilities.h"
#include "sys/file.h"

namespace hull::container::security {
namespace {

using base::testing::IsOk;
using ::testing::HasSubstr;

std::string run_child(const std::function<std::string()>& body) {
  int fds[2];
  EXPECT_EQ(::pipe(fds), 0);
  pid_t pid = ::fork();
  if (pid == 0) {
    ::close(fds[0]);
    (void)sys::write_all(fds[1], body(), "pipe");
    ::_exit(0);
  }
  ::close(fds[1]);
  std::string text = sys::read_all(fds[0], "pipe").value_or("");
  ::close(fds[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  return text;
}

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
  std::string status = run_child([&]() -> std::string {
    auto r = switch_user_keep_caps(1000, 1001, groups, *sets, last);
    if (!r.has_value()) return "error: " + r.error().message();
    return sys::read_file("/proc/self/status").value_or("");
  });
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
  std::string status = run_child([&]() -> std::string {
    auto r = switch_user_keep_caps(65534, 65534, {}, *sets, last);
    if (!r.has_value()) return "error: " + r.error().message();
    return sys::read_file("/proc/self/status").value_or("");
  });
  EXPECT_EQ(status_field(status, "Uid"), "65534\t65534\t65534\t65534") << status;
  EXPECT_THAT(status_field(status, "Groups"), ::testing::MatchesRegex(" *"));
  EXPECT_EQ(status_field(status, "CapPrm"), "0000000000000000");
  EXPECT_EQ(status_field(status, "CapBnd"), "0000000000000000");
}

}  // namespace
}  // namespace hull::container::security

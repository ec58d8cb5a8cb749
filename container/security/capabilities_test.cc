#include "container/security/capabilities.h"

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <string>

#include "base/testing/matchers.h"
#include "container/security/testing.h"
#include "sys/file.h"
#include "sys/security.h"

namespace hull::container::security {
namespace {

using base::testing::ErrorMessageHas;
using base::testing::IsOk;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing_support::run_in_child;

uint64_t bit(int cap) { return uint64_t{1} << cap; }

// "CapBnd:\t0000000000000021" → the CapBnd/CapEff/CapPrm/CapInh/CapAmb lines of /proc/self/status.
std::string cap_lines() {
  std::string status = sys::read_file("/proc/self/status").value_or("");
  std::string out;
  size_t pos = 0;
  while (pos < status.size()) {
    size_t end = status.find('\n', pos);
    std::string line = status.substr(pos, end - pos);
    if (line.starts_with("Cap")) out += line + "\n";
    if (end == std::string::npos) break;
    pos = end + 1;
  }
  return out;
}

std::string hex(uint64_t v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

TEST(CapabilitiesTest, NamesRoundTrip) {
  for (int cap = 0; cap <= 40; ++cap) {
    std::string name = capability_name(cap);
    EXPECT_EQ(capability_from_name(name), cap) << name;
  }
  EXPECT_EQ(capability_from_name("CAP_SYS_ADMIN"), 21);
  EXPECT_EQ(capability_from_name("CAP_CHECKPOINT_RESTORE"), 40);
  EXPECT_EQ(capability_from_name("cap_chown"), std::nullopt);
  EXPECT_EQ(capability_from_name("CAP_FOO"), std::nullopt);
}

TEST(CapabilitiesTest, LastCapReadsTheKernel) {
  int last = last_cap();
  EXPECT_GE(last, 36);
  EXPECT_LE(last, 63);
}

TEST(CapabilitiesTest, ResolveBuildsMasks) {
  Capabilities c;
  c.bounding = {"CAP_CHOWN", "CAP_KILL", "CAP_NET_BIND_SERVICE"};
  c.effective = {"CAP_KILL"};
  c.permitted = {"CAP_KILL", "CAP_NET_BIND_SERVICE"};
  c.inheritable = {"CAP_NET_BIND_SERVICE"};
  c.ambient = {"CAP_NET_BIND_SERVICE"};
  auto s = resolve_capabilities(c, 40);
  ASSERT_THAT(s, IsOk());
  EXPECT_EQ(s->bounding, bit(0) | bit(5) | bit(10));
  EXPECT_EQ(s->effective, bit(5));
  EXPECT_EQ(s->permitted, bit(5) | bit(10));
  EXPECT_EQ(s->inheritable, bit(10));
  EXPECT_EQ(s->ambient, bit(10));
  EXPECT_TRUE(s->warnings.empty());
}

TEST(CapabilitiesTest, UnknownNameIsAnErrorNamingTheEntry) {
  Capabilities c;
  c.permitted = {"CAP_KILL", "CAP_CHOWN", "CAP_FLY"};
  EXPECT_THAT(
      resolve_capabilities(c, 40),
      ErrorMessageHas(R"(.process.capabilities.permitted[2]: unknown capability "CAP_FLY")"));
}

TEST(CapabilitiesTest, CapsPastTheKernelAreDroppedWithAWarning) {
  Capabilities c;
  c.bounding = {"CAP_CHOWN", "CAP_BPF", "CAP_CHECKPOINT_RESTORE"};
  auto s = resolve_capabilities(c, 38);  // a kernel that stops at CAP_PERFMON
  ASSERT_THAT(s, IsOk());
  EXPECT_EQ(s->bounding, bit(0));
  ASSERT_EQ(s->warnings.size(), 2U);
  EXPECT_THAT(s->warnings[0], HasSubstr("CAP_BPF"));
  EXPECT_THAT(s->warnings[1], HasSubstr("CAP_CHECKPOINT_RESTORE"));
}

TEST(CapabilitiesTest, AmbientNeedsPermittedAndInheritable) {
  Capabilities c;
  c.permitted = {"CAP_KILL"};
  c.ambient = {"CAP_KILL"};
  auto s = resolve_capabilities(c, 40);
  ASSERT_THAT(s, IsOk());
  EXPECT_EQ(s->ambient, 0U);
  EXPECT_THAT(s->warnings, ElementsAre(HasSubstr("ambient capability CAP_KILL")));
}

TEST(CapabilitiesTest, ApplySetsEveryMask) {
  Capabilities c;
  c.bounding = {"CAP_CHOWN", "CAP_KILL", "CAP_NET_BIND_SERVICE", "CAP_SETPCAP"};
  c.effective = {"CAP_CHOWN", "CAP_NET_BIND_SERVICE"};
  c.permitted = {"CAP_CHOWN", "CAP_KILL", "CAP_NET_BIND_SERVICE"};
  c.inheritable = {"CAP_NET_BIND_SERVICE"};
  c.ambient = {"CAP_NET_BIND_SERVICE"};
  const int last = last_cap();
  auto sets = resolve_capabilities(c, last);
  ASSERT_THAT(sets, IsOk());
  auto out = run_in_child([&]() -> std::string {
    auto r = apply_capabilities(*sets, last);
    if (!r.has_value()) return "error: " + r.error().message();
    return cap_lines();
  });
  ASSERT_TRUE(WIFEXITED(out.status));
  EXPECT_EQ(out.text, "CapInh:\t" + hex(bit(10)) + "\nCapPrm:\t" + hex(bit(0) | bit(5) | bit(10)) +
                          "\nCapEff:\t" + hex(bit(0) | bit(10)) + "\nCapBnd:\t" +
                          hex(bit(0) | bit(5) | bit(8) | bit(10)) + "\nCapAmb:\t" + hex(bit(10)) +
                          "\n");
}

TEST(CapabilitiesTest, ApplyFailsWhenInheritableIsNotBounded) {
  Capabilities c;
  c.bounding = {"CAP_CHOWN"};
  c.permitted = {"CAP_CHOWN"};
  c.inheritable = {"CAP_KILL"};
  auto now = sys::capget();
  ASSERT_THAT(now, IsOk());
  if (now->inheritable & bit(5)) GTEST_SKIP() << "CAP_KILL is inheritable already";
  const int last = last_cap();
  auto sets = resolve_capabilities(c, last);
  ASSERT_THAT(sets, IsOk());
  auto out = run_in_child([&]() -> std::string {
    auto r = apply_capabilities(*sets, last);
    return r.has_value() ? "ok" : r.error().message();
  });
  EXPECT_THAT(out.text, HasSubstr("capset: Operation not permitted (EPERM)"));
}

}  // namespace
}  // namespace hull::container::security

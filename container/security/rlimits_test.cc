#include "container/security/rlimits.h"

#include <sys/resource.h>
#include <unistd.h>

#include <string>

#include "base/testing/matchers.h"
#include "container/security/testing.h"
#include "sys/file.h"
#include "sys/security.h"

namespace hull::container::security {
namespace {

using base::testing::ErrorMessageHas;
using base::testing::IsOk;
using testing_support::run_in_child;

TEST(RlimitsTest, EveryLinuxRlimitHasAName) {
  EXPECT_EQ(rlimit_from_name("RLIMIT_NOFILE"), RLIMIT_NOFILE);
  EXPECT_EQ(rlimit_from_name("RLIMIT_RTTIME"), RLIMIT_RTTIME);
  EXPECT_EQ(rlimit_from_name("RLIMIT_AS"), RLIMIT_AS);
  EXPECT_EQ(rlimit_from_name("RLIMIT_NOPE"), std::nullopt);
  int known = 0;
  for (const char* n :
       {"RLIMIT_AS", "RLIMIT_CORE", "RLIMIT_CPU", "RLIMIT_DATA", "RLIMIT_FSIZE", "RLIMIT_LOCKS",
        "RLIMIT_MEMLOCK", "RLIMIT_MSGQUEUE", "RLIMIT_NICE", "RLIMIT_NOFILE", "RLIMIT_NPROC",
        "RLIMIT_RSS", "RLIMIT_RTPRIO", "RLIMIT_RTTIME", "RLIMIT_SIGPENDING", "RLIMIT_STACK"})
    known += rlimit_from_name(n).has_value();
  EXPECT_EQ(known, RLIMIT_NLIMITS);
}

TEST(RlimitsTest, PrepareRejectsBadEntriesWithThePath) {
  std::vector<Rlimit> unknown = {{"RLIMIT_NOFILE", 10, 10}, {"RLIMIT_FOO", 1, 1}};
  EXPECT_THAT(prepare_rlimits(unknown),
              ErrorMessageHas(R"(.process.rlimits[1].type: unknown rlimit "RLIMIT_FOO")"));
  std::vector<Rlimit> twice = {{"RLIMIT_CORE", 0, 0}, {"RLIMIT_CORE", 1, 1}};
  EXPECT_THAT(prepare_rlimits(twice), ErrorMessageHas(".process.rlimits[1].type: rlimit "
                                                      "RLIMIT_CORE is set twice"));
  std::vector<Rlimit> inverted = {{"RLIMIT_NOFILE", 10, 20}};  // hard 10, soft 20
  EXPECT_THAT(prepare_rlimits(inverted),
              ErrorMessageHas(".process.rlimits[0]: soft limit 20 exceeds hard limit 10"));
}

TEST(RlimitsTest, AppliedLimitsReadBack) {
  std::vector<Rlimit> in = {{"RLIMIT_NOFILE", 200, 100}, {"RLIMIT_CORE", 0, 0}};
  auto prepared = prepare_rlimits(in);
  ASSERT_THAT(prepared, IsOk());
  ASSERT_EQ(prepared->size(), 2U);
  EXPECT_EQ(rlimit_name((*prepared)[0].resource), "RLIMIT_NOFILE");
  EXPECT_EQ(rlimit_name(99), "RLIMIT_99");
  auto child = run_in_child([&]() -> std::string {
    auto r = apply_rlimits(*prepared);
    if (!r.has_value()) return r.error().message();
    struct rlimit nofile {
    }, core{};
    ::getrlimit(RLIMIT_NOFILE, &nofile);
    ::getrlimit(RLIMIT_CORE, &core);
    return fmt::format("{}/{} {}/{}", nofile.rlim_cur, nofile.rlim_max, core.rlim_cur,
                       core.rlim_max);
  });
  std::string got = child.text;
  EXPECT_EQ(got, "100/200 0/0");
}

TEST(RlimitsTest, FailureNamesLimitValuesAndErrno) {
  std::vector<Rlimit> low = {{"RLIMIT_NOFILE", 64, 64}};
  std::vector<Rlimit> high = {{"RLIMIT_NOFILE", 128, 128}};
  auto lowered = prepare_rlimits(low);
  auto raised = prepare_rlimits(high);
  ASSERT_THAT(lowered, IsOk());
  ASSERT_THAT(raised, IsOk());
  auto child = run_in_child([&]() -> std::string {
    if (!apply_rlimits(*lowered).has_value()) return "lowering failed";
    // Without CAP_SYS_RESOURCE the hard limit cannot go up again.
    if (!sys::capset({0, 0, 0}).has_value()) return "capset failed";
    auto r = apply_rlimits(*raised);
    return r.has_value() ? "raised" : r.error().message();
  });
  std::string got = child.text;
  EXPECT_EQ(got, "setrlimit RLIMIT_NOFILE (soft 128, hard 128): Operation not permitted (EPERM)");
}

}  // namespace
}  // namespace hull::container::security

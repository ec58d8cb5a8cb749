#include "sys/affinity.h"

#include <gmock/gmock.h>
#include <unistd.h>

#include "base/testing/matchers.h"
#include "sys/process.h"

namespace hull::sys {
namespace {

using base::testing::ErrorMessageHas;
using base::testing::FailedWith;
using base::testing::IsOk;

TEST(AffinityTest, ParsesListsAndRanges) {
  auto m = parse_cpu_list("0-3,7,9-10");
  ASSERT_THAT(m, IsOk());
  EXPECT_EQ(m->to_list(), "0-3,7,9-10");
  EXPECT_TRUE(m->has(2));
  EXPECT_FALSE(m->has(5));
  auto big = parse_cpu_list("100");
  ASSERT_THAT(big, IsOk());
  EXPECT_EQ(big->to_list(), "100");
  EXPECT_EQ(parse_cpu_list("5,1-2")->to_list(), "1-2,5");
}

TEST(AffinityTest, BadListsNameTheList) {
  for (const char* bad : {"", "a", "1-", "-1", "3-1", "1,,2", "99999", "1 "}) {
    SCOPED_TRACE(bad);
    auto m = parse_cpu_list(bad);
    EXPECT_THAT(m, FailedWith(base::ErrorKind::InvalidArgument));
    EXPECT_THAT(m, ErrorMessageHas(fmt::format("invalid CPU list \"{}\"", bad)));
  }
}

// In a child, so the test process keeps its own affinity.
TEST(AffinityTest, SetNarrowsAndAllResets) {
  auto c = clone3(0);
  ASSERT_THAT(c, IsOk());
  if (c->is_child()) {
    auto one = parse_cpu_list("0");
    if (!one.has_value() || !set_affinity(0, *one, "cpu 0").has_value()) ::_exit(1);
    auto now = get_affinity(0);
    if (!now.has_value() || now->to_list() != "0") ::_exit(2);
    if (!set_affinity(0, all_cpus(), "all").has_value()) ::_exit(3);
    auto after = get_affinity(0);
    // Back to every online CPU this process may use (at least CPU 0).
    long online = ::sysconf(_SC_NPROCESSORS_ONLN);
    if (!after.has_value() || (online > 1 && after->to_list() == "0")) ::_exit(4);
    ::_exit(0);
  }
  auto st = wait_pidfd(c->pidfd);
  ASSERT_THAT(st, IsOk());
  EXPECT_EQ(st->code, 0);
}

TEST(AffinityTest, OfflineCpuIsAnErrorWithErrno) {
  auto m = parse_cpu_list("8000");
  ASSERT_THAT(m, IsOk());
  auto r = set_affinity(0, *m, "cpu 8000");
  EXPECT_THAT(r, ErrorMessageHas("sched_setaffinity cpu 8000"));
  EXPECT_EQ(r.error().errno_code(), EINVAL);
}

}  // namespace
}  // namespace hull::sys

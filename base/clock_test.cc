#include "base/clock.h"

#include <gmock/gmock.h>

namespace hull::base {
namespace {

using ::testing::MatchesRegex;

TEST(ClockTest, Rfc3339InUtcWithNanoseconds) {
  EXPECT_EQ(rfc3339({0, 0}), "1970-01-01T00:00:00.000000000Z");
  // 2026-12-06 20:35:01 UTC.
  EXPECT_EQ(rfc3339({1796589301, 7}), "2026-12-06T20:35:01.000000007Z");
  EXPECT_EQ(rfc3339({951782400, 999999999}), "2000-02-29T00:00:00.999999999Z");
}

TEST(ClockTest, NowIsBetweenTwoReadingsOfTheClock) {
  struct timespec before {
  }, after{};
  clock_gettime(CLOCK_REALTIME, &before);
  std::string now = now_rfc3339();
  clock_gettime(CLOCK_REALTIME, &after);
  EXPECT_THAT(now,
              MatchesRegex("[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{9}Z"));
  // Fixed width: the strings sort as the times do.
  EXPECT_LE(rfc3339(before), now);
  EXPECT_LE(now, rfc3339(after));
}

}  // namespace
}  // namespace hull::base

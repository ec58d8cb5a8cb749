#include "base/result.h"

#include <gmock/gmock.h>

#include <memory>

#include "base/cleanup.h"
#include "base/testing/matchers.h"

namespace hull::base {
namespace {

using testing::ErrorMessageHas;
using testing::FailedWith;
using testing::IsOk;

Result<int> parse_positive(int v) {
  if (v <= 0) return fail(Error::invalid(fmt::format("{} is not positive", v)));
  return v;
}

Result<int> doubled(int v) {
  int x = TRY(parse_positive(v));
  return 2 * x;
}

Result<> check(int v) {
  TRY(parse_positive(v));
  return {};
}

Result<std::unique_ptr<int>> boxed(int v) { return std::make_unique<int>(TRY(doubled(v))); }

TEST(ResultTest, TryPropagatesValue) {
  auto r = doubled(21);
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(*r, 42);
}

TEST(ResultTest, TryPropagatesError) {
  EXPECT_THAT(doubled(-1), FailedWith(ErrorKind::InvalidArgument));
  EXPECT_THAT(doubled(-1), ErrorMessageHas("-1 is not positive"));
}

TEST(ResultTest, TryWorksForVoidAndMoveOnly) {
  EXPECT_THAT(check(1), IsOk());
  EXPECT_FALSE(check(0).has_value());
  auto b = boxed(2);
  ASSERT_THAT(b, IsOk());
  EXPECT_EQ(**b, 4);
}

TEST(ResultTest, ContextHelperAddsAFrame) {
  Result<int> r = parse_positive(0).map_error(context("reading limit"));
  EXPECT_THAT(r, ErrorMessageHas("reading limit: 0 is not positive"));
}

TEST(ResultTest, MustAbortsOnError) {
  EXPECT_DEATH((void)MUST(parse_positive(-3)), "-3 is not positive");
}

TEST(ResultTest, VerifyAbortsWithLocation) { EXPECT_DEATH(VERIFY(1 + 1 == 3), "result_test.cc"); }

TEST(CleanupTest, RunsUnlessReleased) {
  int runs = 0;
  {
    Cleanup c([&] { ++runs; });
  }
  {
    Cleanup c([&] { ++runs; });
    c.release();
  }
  EXPECT_EQ(runs, 1);
}

}  // namespace
}  // namespace hull::base

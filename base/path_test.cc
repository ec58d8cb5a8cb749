#include "base/path.h"

#include <gtest/gtest.h>

namespace hull::base {
namespace {

TEST(CleanPathTest, AsGoFilepathClean) {
  EXPECT_EQ(clean_path("/a//b/./c/../d"), "/a/b/d");
  EXPECT_EQ(clean_path("/../x"), "/x");
  EXPECT_EQ(clean_path("/"), "/");
  EXPECT_EQ(clean_path("//"), "/");
  EXPECT_EQ(clean_path("/a/b/"), "/a/b");
  EXPECT_EQ(clean_path(""), ".");
  EXPECT_EQ(clean_path("."), ".");
  EXPECT_EQ(clean_path("a/../.."), "..");
  EXPECT_EQ(clean_path("../../a"), "../../a");
  EXPECT_EQ(clean_path("a/./b/"), "a/b");
  EXPECT_EQ(clean_path("/proc/../proc/sys"), "/proc/sys");
}

TEST(IsAtOrBelowTest, ComparesWholeComponents) {
  EXPECT_TRUE(is_at_or_below("/a/b", "/a/b"));
  EXPECT_TRUE(is_at_or_below("/a/b/c", "/a/b"));
  EXPECT_FALSE(is_at_or_below("/a/bc", "/a/b"));
  EXPECT_FALSE(is_at_or_below("/a", "/a/b"));
  EXPECT_TRUE(is_at_or_below("/a", "/"));
}

}  // namespace
}  // namespace hull::base

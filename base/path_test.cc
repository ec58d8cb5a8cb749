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

}  // namespace
}  // namespace hull::base

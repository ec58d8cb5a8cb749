#include "base/strings.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace hull::base {
namespace {

using ::testing::ElementsAre;

TEST(SplitTest, EverySeparatorSplits) {
  EXPECT_THAT(split("a,,b", ','), ElementsAre("a", "", "b"));
  EXPECT_THAT(split("a\n", '\n'), ElementsAre("a", ""));
  EXPECT_THAT(split("", '\n'), ElementsAre(""));
  EXPECT_THAT(split("/x/y", '/'), ElementsAre("", "x", "y"));
  EXPECT_THAT(split("no separator", ','), ElementsAre("no separator"));
}

TEST(SplitTest, PiecesViewTheInput) {
  std::string_view text = "ab:cd";
  auto parts = split(text, ':');
  ASSERT_EQ(parts.size(), 2U);
  EXPECT_EQ(parts[1].data(), text.data() + 3);
}

TEST(SplitFieldsTest, RunsOfWhiteSpaceSeparate) {
  EXPECT_THAT(split_fields("  a\t b \n c  "), ElementsAre("a", "b", "c"));
  EXPECT_THAT(split_fields("lo: 1 2"), ElementsAre("lo:", "1", "2"));
  EXPECT_TRUE(split_fields(" \t\n").empty());
  EXPECT_TRUE(split_fields("").empty());
}

TEST(TrimTest, SpacesTabsAndNewlinesGo) {
  EXPECT_EQ(trim(" \t512\n\n"), "512");
  EXPECT_EQ(trim("a b"), "a b");
  EXPECT_EQ(trim(" \n"), "");
  EXPECT_EQ(trim("x\r"), "x\r");  // only what the kernel's files end in
}

}  // namespace
}  // namespace hull::base

#include "cli/args.h"

#include <gmock/gmock.h>

#include "base/testing/matchers.h"

namespace hull::cli {
namespace {

using base::testing::ErrorMessageHas;
using base::testing::IsOk;

constexpr FlagSpec kFlags[] = {{"bundle", "b", true}, {"detach", "d", false}, {"env", "e", true}};

Result<Args> parse(std::vector<std::string> v, bool interspersed = false) {
  return parse_args(v, kFlags, interspersed);
}

TEST(ArgsTest, AllFlagFormsParse) {
  auto a = parse({"--bundle", "/b", "-d", "-e=A=1", "--env", "B=2", "id"});
  ASSERT_THAT(a, IsOk());
  EXPECT_EQ(a->get("bundle"), "/b");
  EXPECT_TRUE(a->has("detach"));
  EXPECT_EQ(a->all("env"), (std::vector<std::string>{"A=1", "B=2"}));
  EXPECT_EQ(a->positional(), std::vector<std::string>{"id"});
  auto b = parse({"--bundle=/x", "-bundle", "/y", "--detach=false", "id"});
  ASSERT_THAT(b, IsOk());
  EXPECT_EQ(b->get("bundle"), "/y");
  EXPECT_FALSE(b->has("detach"));
}

TEST(ArgsTest, FlagsStopAtTheCommand) {
  auto a = parse({"-d", "id", "sh", "-c", "echo"});
  ASSERT_THAT(a, IsOk());
  EXPECT_EQ(a->positional(), (std::vector<std::string>{"id", "sh", "-c", "echo"}));
  auto k = parse({"id", "9", "--detach"}, true);
  ASSERT_THAT(k, IsOk());
  EXPECT_TRUE(k->has("detach"));
  EXPECT_EQ(k->positional(), (std::vector<std::string>{"id", "9"}));
}

TEST(ArgsTest, ErrorsNameTheFlag) {
  EXPECT_THAT(parse({"--nope", "id"}), ErrorMessageHas("flag provided but not defined: -nope"));
  EXPECT_THAT(parse({"--bundle"}), ErrorMessageHas("flag needs an argument: -bundle"));
  EXPECT_THAT(parse({"--detach=maybe"}), ErrorMessageHas("invalid boolean value"));
  EXPECT_THAT(parse_int("preserve-fds", "3x"), ErrorMessageHas("--preserve-fds"));
}

}  // namespace
}  // namespace hull::cli

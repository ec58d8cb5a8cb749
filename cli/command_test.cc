// The command table: every cmd_<verb>.cc registers exactly its verb, usage texts name only flags
// the verb takes, and the linked `hull` (static, whole objects) lists every verb in --help.
#include "cli/command.h"

#include <dirent.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <regex>
#include <set>

#include "sys/file.h"
#include "sys/process.h"
#include "sys/socket.h"
#include "sys/spawn.h"

namespace hull::cli {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

std::string runfiles_dir() {
  const char* srcdir = std::getenv("TEST_SRCDIR");
  const char* ws = std::getenv("TEST_WORKSPACE");
  return std::string(srcdir != nullptr ? srcdir : ".") + "/" +
         (ws != nullptr && *ws != '\0' ? ws : "hull") + "/cli";
}

// The verbs the files name: cmd_<verb>.cc in the test's data.
std::set<std::string> verb_files() {
  std::set<std::string> out;
  auto names = sys::list_dir(runfiles_dir());
  EXPECT_TRUE(names.has_value()) << runfiles_dir();
  if (!names.has_value()) return out;
  for (const auto& n : *names)
    if (n.rfind("cmd_", 0) == 0 && n.size() > 7 && n.substr(n.size() - 3) == ".cc")
      out.insert(n.substr(4, n.size() - 7));
  return out;
}

// `hull ARGS...`'s stdout.
std::string hull_output(std::vector<std::string> args) {
  args.insert(args.begin(), runfiles_dir() + "/hull");
  auto out = sys::pipe();
  EXPECT_TRUE(out.has_value());
  if (!out.has_value()) return {};
  const int fds[] = {-1, out->second.get(), 2};
  auto child = sys::spawn(args, fds);
  EXPECT_TRUE(child.has_value()) << child.error().message();
  if (!child.has_value()) return {};
  out->second.reset();
  auto text = sys::read_all(out->first, "hull output");
  EXPECT_TRUE(child->wait().has_value());
  return text.value_or("");
}

TEST(CommandTest, EveryVerbFileRegistersItsVerbAndNothingElse) {
  std::set<std::string> files = verb_files();
  ASSERT_FALSE(files.empty());
  std::set<std::string> registered;
  for (const auto& c : commands()) registered.insert(std::string(c.name));
  EXPECT_EQ(registered, files);
  // Sorted, for --help.
  for (size_t i = 1; i < commands().size(); ++i)
    EXPECT_LT(commands()[i - 1].name, commands()[i].name);
}

TEST(CommandTest, UsageNamesTheVerbAndOnlyFlagsItTakes) {
  const std::regex flag(R"((^|[\[| ])--?([a-z][a-z0-9-]*))");
  for (const auto& c : commands()) {
    std::string usage(c.usage);
    EXPECT_THAT(usage, StartsWith("hull " + std::string(c.name))) << c.name;
    EXPECT_THAT(usage, HasSubstr("\n  ")) << c.name << ": no description";
    std::string lines = usage.substr(0, usage.find("\n  "));
    for (std::sregex_iterator it(lines.begin(), lines.end(), flag), end; it != end; ++it) {
      std::string name = (*it)[2];
      bool declared = false;
      for (const auto& f : c.flags) declared |= f.name == name || f.alias == name;
      EXPECT_TRUE(declared) << c.name << " usage names --" << name << ", which it does not take";
    }
  }
}

TEST(CommandTest, TheBinaryListsEveryVerbAndItsUsage) {
  std::string help = hull_output({"--help"});
  for (const auto& verb : verb_files()) {
    EXPECT_THAT(help, HasSubstr("\n  " + verb + " ")) << verb << " is missing from hull --help";
    EXPECT_THAT(hull_output({"help", verb}), StartsWith("usage: hull " + verb)) << verb;
    EXPECT_THAT(hull_output({verb, "--help"}), StartsWith("usage: hull " + verb)) << verb;
  }
}

}  // namespace
}  // namespace hull::cli

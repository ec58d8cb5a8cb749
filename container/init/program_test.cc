// hull carries hull-init as linked data (bazel/embed.bzl). The assembler pulls the file in with
// .incbin, which no dependency file names, so a build that failed to notice a new hull-init
// would run an old one in every container: this holds the linked bytes to the program the build
// made, byte for byte.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>
#include <string_view>

#include "base/testing/matchers.h"
#include "sys/file.h"

extern "C" const unsigned char hull_init_program[];
extern "C" const unsigned long hull_init_program_size;

namespace hull::container {
namespace {

using base::testing::IsOk;

TEST(ProgramTest, TheLinkedBytesAreTheBuiltHullInit) {
  const char* srcdir = std::getenv("TEST_SRCDIR");
  const char* ws = std::getenv("TEST_WORKSPACE");
  ASSERT_NE(srcdir, nullptr);
  ASSERT_NE(ws, nullptr);
  auto built = sys::read_file(std::string(srcdir) + "/" + ws + "/container/init/hull-init");
  ASSERT_THAT(built, IsOk());
  std::string_view linked(reinterpret_cast<const char*>(hull_init_program), hull_init_program_size);
  ASSERT_GT(linked.size(), 4u);
  EXPECT_EQ(linked.substr(0, 4),
            "\x7f"
            "ELF");
  EXPECT_EQ(linked.size(), built->size());
  // Not EXPECT_EQ on the strings: a megabyte of binary in a failure message helps no one.
  EXPECT_TRUE(linked == *built) << "the hull-init linked into hull is not the one just built";
}

}  // namespace
}  // namespace hull::container

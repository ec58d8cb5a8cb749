#include "sys/dynamic_library.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include "base/testing/matchers.h"

namespace hull::sys {
namespace {

using base::testing::IsOk;
using ::testing::HasSubstr;

TEST(DynamicLibraryTest, ResolvesAFunctionThatWorks) {
  auto libc = DynamicLibrary::open("libc.so.6");
  ASSERT_THAT(libc, IsOk());
  auto fn = libc->function<decltype(&::getpid)>("getpid");
  ASSERT_THAT(fn, IsOk());
  EXPECT_EQ((*fn)(), ::getpid());
}

TEST(DynamicLibraryTest, MissingLibraryIsUnsupportedAndNamed) {
  auto lib = DynamicLibrary::open("libhull-does-not-exist.so.7");
  ASSERT_FALSE(lib.has_value());
  EXPECT_EQ(lib.error().kind(), base::ErrorKind::Unsupported);
  EXPECT_THAT(lib.error().message(), HasSubstr("libhull-does-not-exist.so.7"));
}

TEST(DynamicLibraryTest, MissingSymbolNamesSymbolAndLibrary) {
  auto libc = DynamicLibrary::open("libc.so.6");
  ASSERT_THAT(libc, IsOk());
  auto sym = libc->symbol("hull_no_such_symbol");
  ASSERT_FALSE(sym.has_value());
  EXPECT_THAT(sym.error().message(), HasSubstr("hull_no_such_symbol"));
  EXPECT_THAT(sym.error().message(), HasSubstr("libc.so.6"));
}

}  // namespace
}  // namespace hull::sys

#include "sys/image.h"

#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstring>
#include <string>

#include "base/testing/matchers.h"
#include "sys/file.h"

namespace hull::sys {
namespace {

using base::testing::IsOk;

// In the program's read-only data: backed by its file.
const char kLinkedIn[] = "bytes linked into the test program, found again in its file";

TEST(MappedFileRangeTest, LinkedInDataIsFoundInItsFile) {
  auto r = mapped_file_range(kLinkedIn, sizeof kLinkedIn);
  ASSERT_THAT(r, IsOk());
  UniqueFd f = MUST(open(r->path, O_RDONLY));
  std::string got(sizeof kLinkedIn, '\0');
  ASSERT_EQ(::pread(f.get(), got.data(), got.size(), r->offset), static_cast<ssize_t>(got.size()));
  EXPECT_EQ(std::memcmp(got.data(), kLinkedIn, sizeof kLinkedIn), 0);
}

TEST(MappedFileRangeTest, HeapAndStackAreNotInAnyFile) {
  std::string heap(100, 'x');
  EXPECT_FALSE(mapped_file_range(heap.data(), heap.size()).has_value());
  char stack[16] = {};
  EXPECT_FALSE(mapped_file_range(stack, sizeof stack).has_value());
}

}  // namespace
}  // namespace hull::sys

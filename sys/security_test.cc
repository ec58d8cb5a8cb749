#include "sys/security.h"

#include <fcntl.h>
#include <gmock/gmock.h>
#include <linux/magic.h>

#include "base/testing/matchers.h"
#include "sys/file.h"

namespace hull::sys {
namespace {

using base::testing::ErrorMessageHas;
using base::testing::FailedWithErrno;
using base::testing::IsOk;

TEST(SecurityTest, FsTypeTellsProcfsFromOtherFilesystems) {
  auto proc = open("/proc/self/status", O_RDONLY);
  ASSERT_THAT(proc, IsOk());
  auto type = fs_type(*proc, "/proc/self/status");
  ASSERT_THAT(type, IsOk());
  EXPECT_EQ(*type, PROC_SUPER_MAGIC);
  auto dev = fs_type_of_path("/dev/null");
  ASSERT_THAT(dev, IsOk());
  EXPECT_NE(*dev, PROC_SUPER_MAGIC);
  auto missing = fs_type_of_path("/nonexistent/hull");
  EXPECT_THAT(missing, FailedWithErrno(ENOENT));
  EXPECT_THAT(missing, ErrorMessageHas("statfs /nonexistent/hull"));
}

}  // namespace
}  // namespace hull::sys

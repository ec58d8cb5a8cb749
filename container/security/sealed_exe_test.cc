// main() re-executes this test binary from a sealed memfd before any test runs; the tests then
// check that /proc/self/exe is that memfd and that nothing can write through it.
#include "container/security/sealed_exe.h"

#include <fcntl.h>
#include <gmock/gmock.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "base/testing/matchers.h"
#include "sys/file.h"
#include "sys/security.h"

namespace hull::container::security {
namespace {

using base::testing::IsOk;
using ::testing::StartsWith;

constexpr const char* kCountVar = "HULL_SEALED_EXE_TEST_RUNS";

TEST(SealedExeTest, ReexecutedExactlyOnceWithTheEnvironment) {
  // main() counts its runs in the environment: the host binary, then the memfd copy.
  const char* runs = std::getenv(kCountVar);
  ASSERT_NE(runs, nullptr);
  EXPECT_STREQ(runs, "2");
}

TEST(SealedExeTest, ProcSelfExeIsASealedMemfd) {
  auto target = sys::readlinkat(AT_FDCWD, "/proc/self/exe");
  ASSERT_THAT(target, IsOk());
  EXPECT_THAT(*target, StartsWith("/memfd:hull"));
  auto fd = sys::open("/proc/self/exe", O_RDONLY);
  ASSERT_THAT(fd, IsOk());
  EXPECT_TRUE(is_sealed_memfd(fd->get()));
  auto seals = sys::get_seals(*fd);
  ASSERT_THAT(seals, IsOk());
  EXPECT_EQ(*seals & (F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE),
            F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE);
}

TEST(SealedExeTest, WritingThroughProcSelfExeFails) {
  // The attack of CVE-2019-5736: open the runtime's exe for writing and overwrite it.
  int fd = ::open("/proc/self/exe", O_WRONLY | O_CLOEXEC);
  if (fd >= 0) {
    errno = 0;
    EXPECT_LT(::write(fd, "x", 1), 0);
    EXPECT_EQ(errno, EPERM);
    EXPECT_NE(::ftruncate(fd, 0), 0);
    ::close(fd);
  } else {
    EXPECT_TRUE(errno == ETXTBSY || errno == EPERM || errno == EACCES) << errno;
  }
  // Nor can the seals be removed or the file resized.
  auto ro = sys::open("/proc/self/exe", O_RDONLY);
  ASSERT_THAT(ro, IsOk());
  EXPECT_THAT(sys::add_seals(*ro, F_SEAL_FUTURE_WRITE), base::testing::FailedWithErrno(EPERM));
}

TEST(SealedExeTest, SecondCallIsANoOp) {
  EXPECT_THAT(ensure_sealed_self(SealMode::Always), IsOk());
  EXPECT_STREQ(std::getenv(kCountVar), "2");
}

}  // namespace
}  // namespace hull::container::security

int main(int argc, char** argv) {
  const char* runs = std::getenv("HULL_SEALED_EXE_TEST_RUNS");
  const int n = runs ? std::atoi(runs) : 0;
  if (n >= 3) {
    std::fprintf(stderr, "re-executed more than once\n");
    return 1;
  }
  ::setenv("HULL_SEALED_EXE_TEST_RUNS", std::to_string(n + 1).c_str(), 1);
  auto sealed =
      hull::container::security::ensure_sealed_self(hull::container::security::SealMode::Always);
  if (!sealed.has_value()) {
    std::fprintf(stderr, "%s\n", sealed.error().message().c_str());
    return 1;
  }
  ::testing::InitGoogleMock(&argc, argv);
  return RUN_ALL_TESTS();
}

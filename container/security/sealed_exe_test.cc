// sealed_memfd: a program carried in memory, executable from a memfd that nothing can write.
#include "container/security/sealed_exe.h"

#include <fcntl.h>
#include <gmock/gmock.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <string>
#include <vector>

#include "base/testing/matchers.h"
#include "sys/file.h"
#include "sys/mount.h"
#include "sys/security.h"

namespace hull::container::security {
namespace {

using base::testing::IsOk;
using ::testing::StartsWith;

std::vector<unsigned char> bytes_of(const std::string& path) {
  std::string s = MUST(sys::read_file(path));
  return std::vector<unsigned char>(s.begin(), s.end());
}

TEST(SealedMemfdTest, HoldsTheBytesAndIsSealed) {
  std::vector<unsigned char> data = {'#', '!', 'x', '\n'};
  auto fd = sealed_memfd("hull-test", data);
  ASSERT_THAT(fd, IsOk());
  EXPECT_TRUE(is_sealed_memfd(fd->get()));
  EXPECT_EQ(MUST(sys::pread_all(*fd, "memfd")), "#!x\n");
  auto target = sys::readlinkat(AT_FDCWD, sys::fd_path(*fd));
  ASSERT_THAT(target, IsOk());
  EXPECT_THAT(*target, StartsWith("/memfd:hull-test"));
  EXPECT_FALSE(is_sealed_memfd(MUST(sys::memfd_create("plain", 0)).get()));
}

const unsigned char kLinkedIn[] = "#!/bin/sh\necho linked into the test binary\n";

TEST(SealedMemfdTest, LinkedInBytesAreCopiedFromTheirFile) {
  // Copied by the kernel from the test binary's file (sys/image.h), not written from memory: the
  // content must be the same either way.
  auto fd =
      sealed_memfd("hull-test", std::span<const unsigned char>(kLinkedIn, sizeof kLinkedIn - 1));
  ASSERT_THAT(fd, IsOk());
  EXPECT_TRUE(is_sealed_memfd(fd->get()));
  EXPECT_EQ(MUST(sys::pread_all(*fd, "memfd")),
            std::string(reinterpret_cast<const char*>(kLinkedIn)));
}

TEST(SealedMemfdTest, NothingCanWriteThroughItNorThroughProc) {
  auto fd = sealed_memfd("hull-test", bytes_of("/bin/true"));
  ASSERT_THAT(fd, IsOk());
  errno = 0;
  EXPECT_LT(::pwrite(fd->get(), "x", 1, 0), 0);
  EXPECT_EQ(errno, EPERM);
  EXPECT_NE(::ftruncate(fd->get(), 0), 0);
  // The attack of CVE-2019-5736 goes through the path /proc gives the file.
  int w = ::open(sys::fd_path(*fd).c_str(), O_WRONLY | O_CLOEXEC);
  if (w >= 0) {
    errno = 0;
    EXPECT_LT(::write(w, "x", 1), 0);
    EXPECT_EQ(errno, EPERM);
    ::close(w);
  } else {
    EXPECT_TRUE(errno == EPERM || errno == EACCES || errno == ETXTBSY) << errno;
  }
  // Nor can the seals be taken off.
  EXPECT_LT(::fcntl(fd->get(), F_ADD_SEALS, 0), 0);
}

TEST(SealedMemfdTest, ItExecutes) {
  auto fd = sealed_memfd("hull-test", bytes_of("/bin/busybox"));
  ASSERT_THAT(fd, IsOk());
  pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    char arg0[] = "true";
    char* argv[] = {arg0, nullptr};
    char* envp[] = {nullptr};
    ::fexecve(fd->get(), argv, envp);
    ::_exit(99);
  }
  int st = 0;
  ASSERT_EQ(::waitpid(pid, &st, 0), pid);
  ASSERT_TRUE(WIFEXITED(st));
  EXPECT_EQ(WEXITSTATUS(st), 0);
}

}  // namespace
}  // namespace hull::container::security

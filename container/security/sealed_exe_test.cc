// sealed_memfd: a program carried in memory, executable from a memfd that nothing can write.
// overlay_view: a program on disk, executable through a detached read-only overlayfs that nothing
// can write through, not even a caller with CAP_SYS_ADMIN that clones the mount and clears its
// read-only flag (the attack a plain read-only bind mount would not survive). Needs root.
#include "container/security/sealed_exe.h"

#include <fcntl.h>
#include <gmock/gmock.h>
#include <linux/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "base/testing/matchers.h"
#include "sys/file.h"
#include "sys/mount.h"
#include "sys/security.h"

namespace hull::container::security {
namespace {

using base::testing::IsOk;
using ::testing::HasSubstr;
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

// Runs `true` from the program behind `fd` (busybox); its exit status, or -1.
int run_true(int fd) {
  pid_t pid = ::fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    char arg0[] = "true";
    char* argv[] = {arg0, nullptr};
    char* envp[] = {nullptr};
    ::syscall(SYS_execveat, fd, "", argv, envp, AT_EMPTY_PATH);
    ::_exit(99);
  }
  int st = 0;
  if (::waitpid(pid, &st, 0) != pid || !WIFEXITED(st)) return -1;
  return WEXITSTATUS(st);
}

TEST(SealedMemfdTest, ItExecutes) {
  auto fd = sealed_memfd("hull-test", bytes_of("/bin/busybox"));
  ASSERT_THAT(fd, IsOk());
  EXPECT_EQ(run_true(fd->get()), 0);
}

class OverlayViewTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (std::string* dir : {&m_bin, &m_spare}) {
      std::string tmpl = ::testing::TempDir() + "/view-XXXXXX";
      ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
      *dir = tmpl;
    }
    m_program = m_bin + "/program";
    std::filesystem::copy_file("/bin/busybox", m_program);
    ::chmod(m_program.c_str(), 0755);
    m_bytes = MUST(sys::read_file(m_program));
  }
  void TearDown() override {
    std::filesystem::remove_all(m_bin);
    std::filesystem::remove_all(m_spare);
  }

  std::string m_bin, m_spare, m_program, m_bytes;
};

TEST_F(OverlayViewTest, ItExecutesAndShowsNoHostPath) {
  auto view = overlay_view(m_program, m_spare);
  ASSERT_THAT(view, IsOk());
  EXPECT_EQ(run_true(view->get()), 0);
  // The detached mount's own path: nothing that leads to the host's file.
  EXPECT_EQ(MUST(sys::readlinkat(AT_FDCWD, sys::fd_path(*view))), "/program");
  EXPECT_EQ(MUST(sys::read_file(sys::fd_path(*view))), m_bytes);
}

// Opening `fd`'s file for writing through /proc fails with EROFS.
void expect_unwritable(sys::FdRef fd, const std::string& what) {
  errno = 0;
  int w = ::open(sys::fd_path(fd).c_str(), O_WRONLY | O_CLOEXEC);
  EXPECT_LT(w, 0) << what;
  EXPECT_EQ(errno, EROFS) << what;
  if (w >= 0) ::close(w);
}

TEST_F(OverlayViewTest, NothingWritesThroughItEvenWithTheMountUnwrapped) {
  auto view = overlay_view(m_program, m_spare);
  ASSERT_THAT(view, IsOk());
  // CVE-2019-5736's path: reopen /proc/<pid>/exe for writing.
  expect_unwritable(*view, "the view");
  // With CAP_SYS_ADMIN, what unwraps a read-only bind mount: clear the read-only flag of the
  // mount, or of a clone of it. The kernel may refuse either for a detached mount; where it
  // allows one, the overlay's superblock is still read-only.
  if (sys::mount_setattr(*view, "", 0, MOUNT_ATTR_RDONLY, 0, false, "the view").has_value())
    expect_unwritable(*view, "the view, its mount made read-write");
  auto clone = sys::open_tree_clone(*view, "", false, "the view's mount");
  if (clone.has_value()) {
    (void)sys::mount_setattr(*clone, "", 0, MOUNT_ATTR_RDONLY, 0, false, "the clone");
    expect_unwritable(*clone, "a read-write clone of the view");
  }
  EXPECT_EQ(MUST(sys::read_file(m_program)), m_bytes);
}

TEST_F(OverlayViewTest, RefusesLayersInsideOneAnother) {
  const std::string inner = m_bin + "/spare";
  ASSERT_EQ(::mkdir(inner.c_str(), 0700), 0);
  for (const std::string& spare : {inner, m_bin, std::string("/")}) {
    auto view = overlay_view(m_program, spare);
    ASSERT_FALSE(view.has_value()) << spare;
    EXPECT_THAT(view.error().message(), HasSubstr("overlap")) << spare;
  }
}

}  // namespace
}  // namespace hull::container::security

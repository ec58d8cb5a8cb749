#include "sys/file.h"

#include <gmock/gmock.h>
#include <linux/openat2.h>
#include <stdlib.h>
#include <unistd.h>

#include "base/testing/matchers.h"

namespace hull::sys {
namespace {

using base::testing::FailedWithErrno;
using base::testing::IsOk;
using ::testing::HasSubstr;

static_assert(!std::is_copy_constructible_v<UniqueFd>);
static_assert(std::is_move_constructible_v<UniqueFd>);

class FileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/hull-file-test-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    m_dir = tmpl;
  }
  void TearDown() override { ASSERT_THAT(remove_tree(m_dir), IsOk()); }
  std::string m_dir;
};

TEST_F(FileTest, UniqueFdClosesOnce) {
  int raw = -1;
  {
    auto fd = open("/dev/null", O_RDONLY);
    ASSERT_THAT(fd, IsOk());
    raw = fd->get();
    UniqueFd moved = std::move(*fd);
    EXPECT_FALSE(fd->is_valid());
    EXPECT_EQ(moved.get(), raw);
  }
  EXPECT_EQ(fcntl(raw, F_GETFD), -1);
  EXPECT_EQ(errno, EBADF);
}

TEST_F(FileTest, OpenIsCloexecAndErrorNamesPath) {
  auto fd = open("/dev/null", O_RDONLY);
  ASSERT_THAT(fd, IsOk());
  EXPECT_TRUE(fcntl(fd->get(), F_GETFD) & FD_CLOEXEC);
  auto missing = open(m_dir + "/nope", O_RDONLY);
  EXPECT_THAT(missing, FailedWithErrno(ENOENT));
  EXPECT_THAT(missing.error().message(), HasSubstr(m_dir + "/nope"));
}

TEST_F(FileTest, AtomicWriteReplacesAndLeavesNoTemp) {
  auto dir = open(m_dir, O_RDONLY | O_DIRECTORY);
  ASSERT_THAT(dir, IsOk());
  ASSERT_THAT(write_file_atomic(*dir, "state.json", "one"), IsOk());
  ASSERT_THAT(write_file_atomic(*dir, "state.json", "two"), IsOk());
  auto content = read_file(m_dir + "/state.json");
  ASSERT_THAT(content, IsOk());
  EXPECT_EQ(*content, "two");
  auto names = list_dir(m_dir);
  ASSERT_THAT(names, IsOk());
  EXPECT_EQ(*names, std::vector<std::string>{"state.json"});
}

TEST_F(FileTest, Openat2InRootStaysInside) {
  ASSERT_THAT(mkdir_all(m_dir + "/root/etc", 0755), IsOk());
  ASSERT_EQ(symlink("/etc/passwd", (m_dir + "/root/link").c_str()), 0);
  ASSERT_EQ(symlink("../../../../../../..", (m_dir + "/root/up").c_str()), 0);
  auto root = open(m_dir + "/root", O_PATH | O_DIRECTORY);
  ASSERT_THAT(root, IsOk());
  // An absolute symlink resolves against the root: /etc/passwd inside, which does not exist.
  EXPECT_THAT(openat2(*root, "link", O_RDONLY, RESOLVE_IN_ROOT), FailedWithErrno(ENOENT));
  // ".." cannot climb above the root.
  auto up = openat2(*root, "up/etc", O_PATH, RESOLVE_IN_ROOT);
  ASSERT_THAT(up, IsOk());
  auto st_up = fstat(*up, "up/etc");
  auto st_in = fstatat(AT_FDCWD, m_dir + "/root/etc", 0);
  ASSERT_THAT(st_up, IsOk());
  ASSERT_THAT(st_in, IsOk());
  EXPECT_EQ(st_up->st_ino, st_in->st_ino);
}

TEST_F(FileTest, RemoveTreeRemovesNestedAndToleratesMissing) {
  ASSERT_THAT(mkdir_all(m_dir + "/a/b/c", 0755), IsOk());
  ASSERT_THAT(mkdir_all(m_dir + "/a/b/c", 0755), IsOk());  // idempotent
  auto dir = open(m_dir + "/a/b", O_RDONLY | O_DIRECTORY);
  ASSERT_THAT(dir, IsOk());
  ASSERT_THAT(write_file_atomic(*dir, "f", "x"), IsOk());
  ASSERT_EQ(symlink("/etc", (m_dir + "/a/etc").c_str()), 0);
  ASSERT_THAT(remove_tree(m_dir + "/a"), IsOk());
  EXPECT_FALSE(exists(m_dir + "/a"));
  EXPECT_TRUE(exists("/etc/passwd"));  // the symlink was removed, not followed
  EXPECT_THAT(remove_tree(m_dir + "/a"), IsOk());
}

TEST_F(FileTest, GetcwdNamesTheDirectoryAndFailsOnceItIsGone) {
  auto before = getcwd();
  ASSERT_THAT(before, IsOk());
  ASSERT_THAT(mkdir_all(m_dir + "/cwd", 0755), IsOk());
  ASSERT_EQ(::chdir((m_dir + "/cwd").c_str()), 0);
  auto here = getcwd();
  ASSERT_EQ(::rmdir((m_dir + "/cwd").c_str()), 0);
  auto gone = getcwd();
  ASSERT_EQ(::chdir(before->c_str()), 0);
  ASSERT_THAT(here, IsOk());
  EXPECT_EQ(*here, m_dir + "/cwd");
  EXPECT_THAT(gone, FailedWithErrno(ENOENT));
}

TEST_F(FileTest, FlockExcludesSecondHolder) {
  auto dir = open(m_dir, O_RDONLY | O_DIRECTORY);
  ASSERT_THAT(dir, IsOk());
  auto a = open(m_dir, O_RDONLY | O_DIRECTORY);
  ASSERT_THAT(a, IsOk());
  ASSERT_THAT(flock(*dir, LOCK_EX | LOCK_NB, m_dir), IsOk());
  EXPECT_THAT(flock(*a, LOCK_EX | LOCK_NB, m_dir), FailedWithErrno(EWOULDBLOCK));
}

}  // namespace
}  // namespace hull::sys

#include "container/rootfs_path.h"

#include <fcntl.h>
#include <gmock/gmock.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <string>

#include "base/testing/matchers.h"
#include "sys/file.h"

namespace hull::container {
namespace {

using base::testing::FailedWithErrno;
using base::testing::IsOk;

// A root with symlinks that lead inside it (absolute, relative) and one that tries to climb out.
class ResolveInRootTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* tmp = std::getenv("TEST_TMPDIR");
    m_dir = std::string(tmp != nullptr ? tmp : "/tmp") + "/resolve-in-root";
    ASSERT_THAT(sys::remove_tree(m_dir), IsOk());
    ASSERT_THAT(sys::mkdir_all(m_dir + "/srv/data", 0755), IsOk());
    ASSERT_EQ(symlink("/srv/data", (m_dir + "/data").c_str()), 0);
    ASSERT_EQ(symlink("srv", (m_dir + "/rel").c_str()), 0);
    ASSERT_EQ(symlink("../../..", (m_dir + "/up").c_str()), 0);
    ASSERT_THAT(sys::open(m_dir + "/srv/data/file", O_CREAT | O_WRONLY, 0644), IsOk());
    auto root = sys::open(m_dir, O_PATH | O_DIRECTORY);
    ASSERT_THAT(root, IsOk());
    m_root = std::move(*root);
  }
  void TearDown() override { EXPECT_THAT(sys::remove_tree(m_dir), IsOk()); }

  std::string resolve(const std::string& path) {
    auto r = resolve_in_root(m_root, path);
    EXPECT_THAT(r, IsOk());
    return r.has_value() ? *r : "";
  }

  std::string m_dir;
  sys::UniqueFd m_root;
};

TEST_F(ResolveInRootTest, SymlinksResolveInsideTheRoot) {
  EXPECT_EQ(resolve("/data"), "/srv/data");
  EXPECT_EQ(resolve("//data/"), "/srv/data");
  EXPECT_EQ(resolve("/rel/data/file"), "/srv/data/file");
  EXPECT_EQ(resolve("/up/srv"), "/srv");  // ".." stops at the root
  EXPECT_EQ(resolve("/srv/data"), "/srv/data");
  EXPECT_EQ(resolve("/"), "/");
}

TEST_F(ResolveInRootTest, MissingComponentsAreAppendedUnresolved) {
  EXPECT_EQ(resolve("/data/new/dir"), "/srv/data/new/dir");
  EXPECT_EQ(resolve("/nope"), "/nope");
}

TEST_F(ResolveInRootTest, AFileInThePathIsAnError) {
  EXPECT_THAT(resolve_in_root(m_root, "/data/file/x"), FailedWithErrno(ENOTDIR));
}

}  // namespace
}  // namespace hull::container

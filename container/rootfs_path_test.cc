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

// A bundle dir with rootfs/ and a "host" dir beside it holding a file only the host has.
class BindSourceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/hull-bind-source-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    m_dir = tmpl;
    for (const char* d : {"/rootfs", "/rootfs/etc", "/rootfs/host", "/host"})
      ASSERT_EQ(::mkdir((m_dir + d).c_str(), 0755), 0);
    ASSERT_EQ(::close(::open((m_dir + "/host/host-only").c_str(), O_CREAT | O_WRONLY, 0644)), 0);
    ASSERT_EQ(::close(::open((m_dir + "/rootfs/host/in-root").c_str(), O_CREAT | O_WRONLY, 0644)),
              0);
    // The twin of the host dir inside the rootfs: where an absolute symlink resolves in the root.
    ASSERT_THAT(sys::mkdir_all(rootfs() + m_dir + "/host", 0755), IsOk());
    ASSERT_EQ(
        ::close(::open((rootfs() + m_dir + "/host/in-root").c_str(), O_CREAT | O_WRONLY, 0644)), 0);
  }
  void TearDown() override { ASSERT_THAT(sys::remove_tree(m_dir), IsOk()); }
  // Whether `fd` is a directory holding `name`.
  static bool holds(const sys::UniqueFd& fd, const char* name) {
    return ::faccessat(fd.get(), name, F_OK, 0) == 0;
  }
  std::string rootfs() const { return m_dir + "/rootfs"; }
  std::string m_dir;
};

TEST_F(BindSourceTest, HostPathsResolveOnTheHost) {
  auto fd = open_bind_source(m_dir + "/host", rootfs());
  ASSERT_THAT(fd, IsOk());
  EXPECT_TRUE(holds(*fd, "host-only"));
  // A symlink outside the rootfs (the bundle's, not the image's) is followed.
  ASSERT_EQ(::symlink((m_dir + "/host").c_str(), (m_dir + "/link").c_str()), 0);
  auto linked = open_bind_source(m_dir + "/link", rootfs());
  ASSERT_THAT(linked, IsOk());
  EXPECT_TRUE(holds(*linked, "host-only"));
}

TEST_F(BindSourceTest, SymlinksInTheRootfsStayInside) {
  // The image's absolute and ../ symlinks to the host dir, named absolutely, relative to the
  // bundle (the cwd), and through ".." that lexical cleaning removes.
  ASSERT_EQ(::symlink((m_dir + "/host").c_str(), (rootfs() + "/abs").c_str()), 0);
  ASSERT_EQ(::symlink("../../../../../../../..//host", (rootfs() + "/etc/rel").c_str()), 0);
  ASSERT_EQ(::symlink("../../host", (rootfs() + "/etc/up").c_str()), 0);
  auto cwd = sys::getcwd();
  ASSERT_THAT(cwd, IsOk());
  ASSERT_EQ(::chdir(m_dir.c_str()), 0);
  std::string sources[] = {rootfs() + "/abs", "rootfs/abs", "./rootfs//etc/up",
                           m_dir + "/host/../rootfs/abs", "rootfs/etc/../abs"};
  for (const auto& s : sources) {
    SCOPED_TRACE(s);
    auto fd = open_bind_source(s, rootfs());
    ASSERT_THAT(fd, IsOk());
    EXPECT_TRUE(holds(*fd, "in-root"));
    EXPECT_FALSE(holds(*fd, "host-only"));
  }
  // ../ that climbs out of the rootfs stops at its root: rootfs/host, not the bundle's host/.
  auto fd = open_bind_source("rootfs/etc/rel", rootfs());
  ASSERT_EQ(::chdir(cwd->c_str()), 0);
  ASSERT_THAT(fd, IsOk());
  EXPECT_TRUE(holds(*fd, "in-root"));
}

TEST_F(BindSourceTest, MissingSourceIsENOENT) {
  EXPECT_THAT(open_bind_source(m_dir + "/nope", rootfs()), FailedWithErrno(ENOENT));
  EXPECT_THAT(open_bind_source(rootfs() + "/nope", rootfs()), FailedWithErrno(ENOENT));
}

}  // namespace
}  // namespace hull::container

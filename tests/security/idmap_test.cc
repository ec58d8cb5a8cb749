// Idmapped mounts (mount options "idmap"/"ridmap", a mount's uidMappings/gidMappings).
// - Without a user namespace, a mount's own mappings change the owners seen through it (on-disk
//   0 reads as 100000) and nothing else: a plain bind of the same directory still reads 0, and
//   the container's root, not mapped by the mount, cannot create files through it.
// - With a user namespace, "idmap" without mappings takes the container's: host-root files read
//   as the container's root and files it creates land as host uid 0, while a plain bind shows
//   them as nobody and refuses writes; "ro" still holds on an idmapped mount.
// - "idmap" stops at the mount itself, "ridmap" covers the submounts of an rbind.
// - Refusals (not a bind mount, half the mappings, no user namespace to take, a missing source,
//   mappings the kernel refuses) are one clear line and leave no state dir, mount, cgroup or
//   process behind.
// Checked to fail without the feature: with build_idmapped_trees returning no trees and init
// falling back to a plain bind, the owner checks read 0:0 and 65534:65534 instead of the mapped
// ids, and the write through the userns-idmapped mount fails with "Permission denied".
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tests/security/sec_util.h"

namespace hull::testing::security {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;

class IdmapTest : public SecurityTest {
 protected:
  void SetUp() override {
    m_before = HostSnapshot::take();
    m_src = m_dir.path() + "/src";
    ASSERT_EQ(::chmod(m_dir.path().c_str(), 0755), 0);
    ASSERT_EQ(::mkdir(m_src.c_str(), 0755), 0);
    ASSERT_TRUE(write_text(m_src + "/root-owned", "x"));
    ASSERT_TRUE(write_text(m_src + "/owned-5-7", "x"));
    ASSERT_EQ(::chown((m_src + "/owned-5-7").c_str(), 5, 7), 0);
  }
  void TearDown() override {
    SecurityTest::TearDown();
    if (!m_submount.empty()) ::umount2(m_submount.c_str(), MNT_DETACH);
  }
  // A bundle whose rootfs has the mount points (a mapped root could not create them).
  std::unique_ptr<Bundle> bundle(const std::string& script, bool userns) {
    auto b = std::make_unique<Bundle>(std::vector<std::string>{"/bin/sh", "-c", script});
    for (const char* d : {"/mnt", "/mnt/idm", "/mnt/plain", "/mnt/ro"})
      EXPECT_EQ(::mkdir((b->rootfs() + d).c_str(), 0755), 0) << d;
    EXPECT_EQ(::chmod(b->dir().c_str(), 0755), 0);
    if (userns) b->edit(edits::user_namespace());
    return b;
  }
  void add_mount(const Bundle& b, const std::string& dest, const std::string& options,
                 const std::string& extra = "") {
    b.edit("c['mounts'].append({'destination': '" + dest + "', 'type': 'bind', 'source': '" +
           m_src + "', 'options': " + options + extra + "})");
  }
  // A tmpfs mounted on the host at src/inner, with one root-owned file (unmounted at teardown).
  void add_submount() {
    m_submount = m_src + "/inner";
    ASSERT_EQ(::mkdir(m_submount.c_str(), 0755), 0);
    ASSERT_EQ(::mount("tmpfs", m_submount.c_str(), "tmpfs", 0, "mode=755"), 0);
    ASSERT_TRUE(write_text(m_submount + "/file", "x"));
  }
  // Runs a bundle that must be refused: the error is one line with `needle`, nothing is left.
  void expect_refused(const Bundle& b, const std::string& base, const std::string& needle) {
    SecurityTest::expect_refused(b, base, needle, m_before, {m_dir.path()});
  }

  static constexpr const char* kMap =
      ", 'uidMappings': [{'containerID': 0, 'hostID': 100000, 'size': 65536}]"
      ", 'gidMappings': [{'containerID': 0, 'hostID': 200000, 'size': 65536}]";
  TempDir m_dir;
  std::string m_src, m_submount;
  HostSnapshot m_before;
};

TEST_F(IdmapTest, MountMappingsWithoutAUserNamespace) {
  auto b = bundle(
      "stat -c '%u:%g %n' /mnt/idm/root-owned /mnt/idm/owned-5-7 /mnt/plain/root-owned;"
      " touch /mnt/idm/new 2>/dev/null && echo created || echo refused",
      false);
  add_mount(*b, "/mnt/idm", "['bind']", kMap);
  add_mount(*b, "/mnt/plain", "['bind']");
  RunResult r = hull({"run", "--bundle", b->dir(), track("idmap-nouserns")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("100000:200000 /mnt/idm/root-owned"));
  EXPECT_THAT(r.out, HasSubstr("100005:200007 /mnt/idm/owned-5-7"));
  EXPECT_THAT(r.out, HasSubstr("0:0 /mnt/plain/root-owned"));
  // Host root is not in the mount's mappings: it cannot own a new file there.
  EXPECT_THAT(r.out, HasSubstr("refused"));
  EXPECT_NE(::access((m_src + "/new").c_str(), F_OK), 0);
  EXPECT_THAT(leaked_mounts(m_before, {b->dir(), m_dir.path()}), IsEmpty());
}

TEST_F(IdmapTest, IdmapTakesTheContainersUserNamespace) {
  auto b = bundle(
      "stat -c '%u:%g %n' /mnt/idm/root-owned /mnt/plain/root-owned;"
      " touch /mnt/idm/made-inside && echo idm-write-ok;"
      " touch /mnt/plain/plain-write 2>/dev/null || echo plain-write-refused;"
      " touch /mnt/ro/ro-write 2>/dev/null || echo ro-write-refused",
      true);
  add_mount(*b, "/mnt/idm", "['rbind', 'idmap']");
  add_mount(*b, "/mnt/plain", "['bind']");
  add_mount(*b, "/mnt/ro", "['bind', 'ro', 'idmap']");
  RunResult r = hull({"run", "--bundle", b->dir(), track("idmap-userns")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("0:0 /mnt/idm/root-owned"));
  EXPECT_THAT(r.out, HasSubstr("65534:65534 /mnt/plain/root-owned"));
  EXPECT_THAT(r.out, HasSubstr("idm-write-ok"));
  EXPECT_THAT(r.out, HasSubstr("plain-write-refused"));
  EXPECT_THAT(r.out, HasSubstr("ro-write-refused"));
  // The container's root wrote as host uid 0 through the idmapped mount.
  struct stat st {};
  ASSERT_EQ(::stat((m_src + "/made-inside").c_str(), &st), 0);
  EXPECT_EQ(st.st_uid, 0U);
  EXPECT_EQ(st.st_gid, 0U);
  EXPECT_NE(::access((m_src + "/ro-write").c_str(), F_OK), 0);
}

TEST_F(IdmapTest, RidmapCoversSubmountsIdmapDoesNot) {
  add_submount();
  auto b = bundle("stat -c '%u %n' /mnt/idm/inner/file /mnt/ro/inner/file", false);
  add_mount(*b, "/mnt/idm", "['rbind', 'ridmap']", kMap);
  add_mount(*b, "/mnt/ro", "['rbind', 'idmap']", kMap);
  RunResult r = hull({"run", "--bundle", b->dir(), track("idmap-recursive")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("100000 /mnt/idm/inner/file"));
  EXPECT_THAT(r.out, HasSubstr("0 /mnt/ro/inner/file"));
}

TEST_F(IdmapTest, RefusalsLeaveNothingBehind) {
  {
    auto b = bundle("true", false);
    b->edit(
        "c['mounts'].append({'destination': '/mnt/idm', 'type': 'tmpfs', 'source': 'tmpfs', "
        "'options': ['idmap']})");
    expect_refused(*b, "idmap-tmpfs",
                   "(/mnt/idm): id-mapped mounts are only supported for bind mounts");
  }
  {
    auto b = bundle("true", false);
    add_mount(*b, "/mnt/idm", "['bind']",
              ", 'uidMappings': [{'containerID': 0, 'hostID': 1, 'size': 1}]");
    expect_refused(*b, "idmap-half", "id-mapped mounts need both uidMappings and gidMappings");
  }
  {
    auto b = bundle("true", false);
    add_mount(*b, "/mnt/idm", "['bind', 'idmap']");
    expect_refused(*b, "idmap-nons", "and the container has none");
  }
  {
    // Found only once init exists: the parent's failure must still kill it and clean up.
    auto b = bundle("true", true);
    b->edit("c['mounts'].append({'destination': '/mnt/idm', 'type': 'bind', 'source': '" + m_src +
            "/missing', 'options': ['bind', 'idmap']})");
    expect_refused(*b, "idmap-missing",
                   "bind " + m_src + "/missing on /mnt/idm: open " + m_src +
                       "/missing: No such file or directory");
  }
  {
    // A mapping the kernel refuses (size 0): the user namespace helper must be gone too.
    auto b = bundle("true", false);
    add_mount(*b, "/mnt/idm", "['bind']",
              ", 'uidMappings': [{'containerID': 0, 'hostID': 1, 'size': 0}]"
              ", 'gidMappings': [{'containerID': 0, 'hostID': 1, 'size': 1}]");
    expect_refused(*b, "idmap-badmap", ".uidMappings/gidMappings: a user namespace for them");
  }
}

}  // namespace
}  // namespace hull::testing::security

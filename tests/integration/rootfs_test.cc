// The rootfs against runc's behaviour, end to end: without a mount namespace (chroot; the caller's
// root stays where it is), rootfsPropagation and per-mount propagation (a mount made in the
// container reaches the host through an rshared bind), read-only /dev and tmpfs mounts.
//
// Checked to fail without the fixes in container/rootfs.cc, container/mount_trees.cc and
// sys/mount.cc (pivot_root_here): the caller's root was pivoted away inside the throwaway
// namespace ("rc=1", no "caller-root-intact"); a container mount never reached the host (/ was
// forced to rslave, and the slave step after pivot_root hit the new root); a read-only /dev failed
// with "mkdir pts: Read-only file system".
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include "tests/harness/harness.h"

namespace hull::testing {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

class RootfsTest : public ::testing::Test {
 protected:
  void SetUp() override { m_mounts_before = mount_points(); }
  // Nothing of ours on the host: no state dir, no mount under a bundle (the container's mounts
  // live in its own namespace, or in the throwaway one).
  void TearDown() override {
    m_ids.delete_all();
    for (const auto& id : m_ids.all())
      EXPECT_FALSE(fs::exists(m_hull.root() + "/" + id)) << "state dir left for " << id;
    for (const auto& m : mount_points()) {
      if (m_mounts_before.count(m)) continue;
      for (const auto& d : m_dirs) EXPECT_NE(m.rfind(d, 0), 0U) << "mount left: " << m;
    }
  }
  std::string track(const Bundle& b, const std::string& stem) {
    m_dirs.push_back(b.dir());
    return m_ids.add(stem);
  }
  RunResult run(const Bundle& b, const std::string& stem) {
    return m_hull({"run", "--bundle", b.dir(), track(b, stem)});
  }
  // `hull run` inside a fresh mount namespace with a private /, which dies with it: whatever a
  // container without a mount namespace of its own does to "the host" stays in there. Then the
  // shell reports whether its own root is still the host's (the bundle is visible) and what the
  // container left mounted in the namespace.
  RunResult run_in_throwaway_mount_ns(const Bundle& b, const std::string& stem) {
    const std::string script =
        "\"$1\" --root \"$2\" run --bundle \"$3\" \"$4\"; echo \"rc=$?\"; "
        "[ -f \"$3/config.json\" ] && echo caller-root-intact; "
        "grep -q \" $3/rootfs/proc \" /proc/self/mountinfo && echo proc-mounted-in-caller-ns; "
        "grep -q \" $3/rootfs \" /proc/self/mountinfo || echo no-bind-over-rootfs";
    return run_command({"/usr/bin/unshare", "--mount", "--propagation", "private", "/bin/sh", "-c",
                        script, "sh", hull_binary(), m_hull.root(), b.dir(), track(b, stem)});
  }

  Hull m_hull;
  std::set<std::string> m_mounts_before;
  ContainerIds m_ids{m_hull};
  std::vector<std::string> m_dirs;
};

// runc without a mount namespace: the mounts are made (in the caller's namespace), the process
// is chrooted into the rootfs, and the caller's / neither moves nor gets a bind over the rootfs.
TEST_F(RootfsTest, WithoutAMountNamespaceTheContainerIsChrootedAndTheCallersRootStays) {
  Bundle b({"sh", "-c", "cat /rootfs-marker; [ -e /config.json ] || echo host-not-visible"});
  ASSERT_TRUE(write_text(b.rootfs() + "/rootfs-marker", "in-rootfs\n"));
  b.edit(edits::drop_namespace("mount") +
         "del c['linux']['maskedPaths']\ndel c['linux']['readonlyPaths']");
  RunResult r = run_in_throwaway_mount_ns(b, "no-mntns");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out,
            "in-rootfs\nhost-not-visible\nrc=0\ncaller-root-intact\nproc-mounted-in-caller-ns\n"
            "no-bind-over-rootfs\n")
      << r.err;
}

// As runc: masks and read-only paths would be mounts over the caller's /proc and /sys.
TEST_F(RootfsTest, MaskedPathsWithoutAMountNamespaceAreRefused) {
  Bundle b({"true"});
  b.edit(edits::drop_namespace("mount"));
  RunResult r = run_in_throwaway_mount_ns(b, "no-mntns-masked");
  EXPECT_THAT(r.out, HasSubstr("rc=1\ncaller-root-intact\n"));
  EXPECT_THAT(r.err, HasSubstr("config.json: .linux.maskedPaths: unable to restrict sys entries "
                               "without a private MNT namespace"));
}

// A read-only /dev (and any read-only tmpfs) is populated first and made read-only last, as
// runc does: device nodes, links and the mount points of nested mounts need it writable.
TEST_F(RootfsTest, ReadOnlyDevAndTmpfsArePopulatedFirst) {
  Bundle b(
      {"sh", "-c",
       "touch /dev/x 2>/dev/null || echo dev-ro; touch /run/x 2>/dev/null || echo run-ro; "
       "[ -c /dev/null ] && echo null; "
       "[ -e /dev/pts/ptmx ] && echo pts; readlink /dev/ptmx; touch /run/sub/x && echo sub-rw; "
       "grep -E ' /(dev|run|run/sub) ' /proc/self/mountinfo | cut -d' ' -f5,6 | cut -d, -f1"});
  b.edit(
      "[m['options'].append('ro') for m in c['mounts'] if m['destination'] == '/dev']\n"
      "c['mounts'].append({'destination': '/run', 'type': 'tmpfs', 'source': 'tmpfs', "
      "'options': ['nosuid', 'ro']})\n"
      "c['mounts'].append({'destination': '/run/sub', 'type': 'tmpfs', 'source': 'tmpfs', "
      "'options': ['nosuid']})");
  RunResult r = run(b, "ro-dev");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "dev-ro\nrun-ro\nnull\npts\npts/ptmx\nsub-rw\n/dev ro\n/run ro\n/run/sub rw\n");
}

// Kubernetes' mountPropagation: Bidirectional (CSI node plugins): rootfsPropagation rshared and
// an rshared bind of a shared host dir; a mount made in the container must reach the host. With
// the default rslave it must not: rshared on the mount alone keeps it in the container, as in
// runc. With a user namespace the parent builds the bind (container/mount_trees.h) and must end
// up with the same propagation.
TEST_F(RootfsTest, MountUnderAnRsharedBindReachesTheHostOnlyWithRsharedRootfs) {
  // vol is made a shared mount here (the host's / keeps its propagation). Its parent is 0700:
  // only the parent can open it for a mapped root.
  TempDir parent;
  const std::string vol = parent.path() + "/vol", sub = vol + "/sub";
  ASSERT_EQ(::mkdir(vol.c_str(), 0755), 0);
  ASSERT_EQ(::mount(vol.c_str(), vol.c_str(), nullptr, MS_BIND, nullptr), 0);
  ASSERT_EQ(::mount(nullptr, vol.c_str(), nullptr, MS_SHARED, nullptr), 0);
  ASSERT_EQ(::mkdir(sub.c_str(), 0755), 0);
  struct Case {
    const char* rootfs_propagation;
    bool userns;
    bool reaches_host;
  } cases[] = {
      {"rshared", false, true}, {"", false, false}, {"rshared", true, true}, {"", true, false}};
  for (const auto& c : cases) {
    SCOPED_TRACE(std::string("rootfsPropagation '") + c.rootfs_propagation + "'" +
                 (c.userns ? ", user namespace" : ""));
    Bundle b({"sh", "-c", "mount -t tmpfs tmpfs /mnt/vol/sub && echo mounted"});
    // Reachable for a mapped root, which could not create the mount point in root's rootfs.
    ASSERT_EQ(::chmod(b.dir().c_str(), 0755), 0);
    fs::create_directories(b.rootfs() + "/mnt/vol");
    std::string edit =
        edits::add_capability("CAP_SYS_ADMIN") + edits::bind(vol, "/mnt/vol", "rbind,rshared");
    if (*c.rootfs_propagation)
      edit += std::string("c['linux']['rootfsPropagation'] = '") + c.rootfs_propagation + "'\n";
    if (c.userns) edit += edits::user_namespace();
    b.edit(edit);
    RunResult r = run(b, "propagation");
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, "mounted\n");
    // The container is gone; a propagated copy lives on in the host's namespace.
    EXPECT_EQ(mount_points().count(sub), c.reaches_host ? 1U : 0U);
    while (::umount2(sub.c_str(), MNT_DETACH) == 0) {
    }
  }
  EXPECT_EQ(::umount2(vol.c_str(), MNT_DETACH), 0);
}

// Per-mount propagation options stay as given after pivot_root: the container's view of the
// shared bind is itself shared (a peer of the host's), a private one has no optional field.
TEST_F(RootfsTest, PerMountPropagationSurvivesPivotRoot) {
  TempDir vol;
  ASSERT_EQ(::mount(vol.path().c_str(), vol.path().c_str(), nullptr, MS_BIND, nullptr), 0);
  ASSERT_EQ(::mount(nullptr, vol.path().c_str(), nullptr, MS_SHARED, nullptr), 0);
  Bundle b(
      {"sh", "-c", "grep -E ' /mnt/(shared|private) ' /proc/self/mountinfo | cut -d' ' -f5,7"});
  b.edit("c['linux']['rootfsPropagation'] = 'rshared'\n" +
         edits::bind(vol.path(), "/mnt/shared", "rbind,rshared") +
         edits::bind(vol.path(), "/mnt/private", "rbind,rprivate"));
  RunResult r = run(b, "per-mount");
  EXPECT_EQ(::umount2(vol.path().c_str(), MNT_DETACH), 0);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, ::testing::MatchesRegex("/mnt/shared shared:[0-9]+\n/mnt/private -\n"));
}

}  // namespace
}  // namespace hull::testing

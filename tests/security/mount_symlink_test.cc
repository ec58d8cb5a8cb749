// Symlinks on mount targets (CVE-2021-30465, CVE-2019-19921, CVE-2025-31133, CVE-2025-52565):
// every mount target, device, console and masked path is opened inside the rootfs with
// openat2(RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS) and mounted through its fd, so a symlink
// planted (or swapped in mid-create) in the rootfs cannot lead a mount to the host, and the
// /dev/null bound over masked paths must be the real char device 1:3. Bind sources that lie in the
// rootfs are resolved inside it the same way.
//
// A mount that escaped the rootfs would land on a host path in the container's mount namespace:
// invisible in the container after pivot_root. So the tests mark each tmpfs with a unique source
// name and require it in the container's own mountinfo (or hull refused), and check the host's
// mountinfo and the host dir. Checked to fail without the defence: in a build whose
// container/rootfs_path.cc walks paths relative to the rootfs fd with no resolve flags (which
// follows absolute and ../ symlinks out to the host), every test here fails (the tmpfs is missing
// from the container; /dev/null symlinks resolve on the host); with the char 1:3 check removed
// from mask_paths (container/rootfs.cc), DevNullRegularFileIsRefused runs the container.
#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <thread>

#include "tests/security/sec_util.h"

namespace hull::testing::security {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr const char* kShowMount = "grep sec2mark /proc/self/mountinfo; echo done";

class MountSymlinkTest : public SecurityTest {
 protected:
  void SetUp() override {
    ASSERT_TRUE(write_text(m_host.path() + "/keep", "host"));
    m_before = HostSnapshot::take();
  }
  // The host must look as before: no new mount, the host dir holds only its file.
  void expect_host_untouched() {
    expect_no_leaks(m_before, {m_host.path()});
    std::vector<std::string> names;
    for (const auto& e : std::filesystem::directory_iterator(m_host.path()))
      names.push_back(e.path().filename().string());
    EXPECT_EQ(names, std::vector<std::string>{"keep"});
    EXPECT_EQ(read_text(m_host.path() + "/keep"), "host");
  }
  // A tmpfs whose source names it in mountinfo.
  static std::string tmpfs_mount(const std::string& dest) {
    return "c['mounts'].append({'destination': '" + dest +
           "', 'type': 'tmpfs', 'source': 'sec2mark', 'options': ['nosuid']})";
  }
  TempDir m_host;
  HostSnapshot m_before;
};

TEST_F(MountSymlinkTest, AbsoluteSymlinkToHost) {
  Bundle b({"/bin/sh", "-c", kShowMount});
  // The twin of the host path inside the rootfs: where RESOLVE_IN_ROOT makes the mount land.
  ASSERT_EQ(run_command({"/bin/mkdir", "-p", b.rootfs() + m_host.path()}).exit_code, 0);
  ASSERT_EQ(::symlink(m_host.path().c_str(), (b.rootfs() + "/evil").c_str()), 0);
  b.edit(tmpfs_mount("/evil"));
  RunResult r = hull({"run", "--bundle", b.dir(), track("mnt-abs")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto lines = lines_with(r.out, "sec2mark");
  ASSERT_EQ(lines.size(), 1U) << "the tmpfs is not inside the container:\n" << r.out;
  EXPECT_THAT(lines[0], HasSubstr(" " + m_host.path() + " "));  // the in-root twin
  expect_host_untouched();
}

TEST_F(MountSymlinkTest, RelativeDotDotSymlinkToHost) {
  Bundle b({"/bin/sh", "-c", kShowMount});
  // Enough ../ to climb from the rootfs to / on the host.
  ASSERT_EQ(::symlink(("../../../../../../../../.." + m_host.path()).c_str(),
                      (b.rootfs() + "/evil").c_str()),
            0);
  ASSERT_EQ(run_command({"/bin/mkdir", "-p", b.rootfs() + m_host.path()}).exit_code, 0);
  b.edit(tmpfs_mount("/evil"));
  RunResult r = hull({"run", "--bundle", b.dir(), track("mnt-rel")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto lines = lines_with(r.out, "sec2mark");
  ASSERT_EQ(lines.size(), 1U) << "the tmpfs is not inside the container:\n" << r.out;
  EXPECT_THAT(lines[0], HasSubstr(" " + m_host.path() + " "));
  expect_host_untouched();
}

TEST_F(MountSymlinkTest, DanglingSymlinkToHostIsRefusedOrInside) {
  Bundle b({"/bin/sh", "-c", kShowMount});
  ASSERT_EQ(::symlink(m_host.path().c_str(), (b.rootfs() + "/evil").c_str()), 0);
  b.edit(tmpfs_mount("/evil/sub"));
  RunResult r = hull({"run", "--bundle", b.dir(), track("mnt-dangling")});
  if (r.exit_code == 0) {
    EXPECT_EQ(lines_with(r.out, "sec2mark").size(), 1U) << r.out;
  } else {
    EXPECT_THAT(r.err, HasSubstr(".mounts["));
  }
  expect_host_untouched();
}

// A thread flips rootfs/mnt between a directory and symlinks to the host (absolute, ../) while
// hull creates containers mounting a tmpfs on /mnt/target.
TEST_F(MountSymlinkTest, RacingSymlinkSwapper) {
  Bundle b({"/bin/sh", "-c", kShowMount});
  b.edit(tmpfs_mount("/mnt/target"));
  std::string mnt = b.rootfs() + "/mnt";
  std::string parked = b.rootfs() + "/mnt.dir";
  ASSERT_EQ(::mkdir(parked.c_str(), 0755), 0);
  ASSERT_EQ(::mkdir((parked + "/target").c_str(), 0755), 0);
  // The in-root twin of the host dir, so that runs through a symlink mount there.
  ASSERT_EQ(run_command({"/bin/mkdir", "-p", b.rootfs() + m_host.path() + "/target"}).exit_code, 0);
  std::string abs_link = b.rootfs() + "/mnt.abs", rel_link = b.rootfs() + "/mnt.rel";
  ASSERT_EQ(::symlink(m_host.path().c_str(), abs_link.c_str()), 0);
  ASSERT_EQ(::symlink(("../../../../../../../.." + m_host.path()).c_str(), rel_link.c_str()), 0);
  ASSERT_EQ(::rename(parked.c_str(), mnt.c_str()), 0);

  std::atomic<bool> stop{false};
  std::thread swapper([&] {
    // Exchange the real dir with one symlink, then back, forever (renameat2 RENAME_EXCHANGE keeps
    // /mnt present at every instant).
    const std::string* links[] = {&abs_link, &rel_link};
    for (unsigned i = 0; !stop.load(); ++i) {
      const std::string& l = *links[i % 2];
      (void)::renameat2(AT_FDCWD, mnt.c_str(), AT_FDCWD, l.c_str(), RENAME_EXCHANGE);
      (void)::renameat2(AT_FDCWD, mnt.c_str(), AT_FDCWD, l.c_str(), RENAME_EXCHANGE);
    }
  });
  int ran = 0, refused = 0;
  for (int i = 0; i < 25; ++i) {
    std::string id = track("mnt-race-" + std::to_string(i));
    RunResult r = hull({"run", "--bundle", b.dir(), id});
    (void)hull({"delete", "--force", id});
    if (r.exit_code == 0) {
      ++ran;
      // Wherever /mnt pointed, the tmpfs is in the container.
      EXPECT_EQ(lines_with(r.out, "sec2mark").size(), 1U) << "try " << i << ":\n" << r.out;
    } else {
      ++refused;
      EXPECT_THAT(r.err, HasSubstr(".mounts[")) << r.err;
    }
  }
  stop = true;
  swapper.join();
  RecordProperty("ran", ran);
  RecordProperty("refused", refused);
  expect_host_untouched();
}

// A bind source inside the rootfs resolves inside it (open_bind_source, container/rootfs_path.h):
// the image's symlink to a host dir binds the rootfs's own twin of that path, never the host dir,
// whether init opens the source (root) or the parent does (user namespace, as host root). Named
// relative to the bundle and absolutely. Checked to fail without it: as root the container
// listed the host dir ("keep"); with a user namespace and the parent opening sources, too.
TEST_F(MountSymlinkTest, BindSourceSymlinkInRootfsStaysInside) {
  for (bool userns : {false, true}) {
    for (bool relative : {true, false}) {
      SCOPED_TRACE(std::string(userns ? "user namespace" : "root") +
                   (relative ? ", relative" : ", absolute"));
      Bundle b({"/bin/sh", "-c", "ls /mnt; echo done"});
      ASSERT_EQ(::chmod(b.dir().c_str(), 0755), 0);
      ASSERT_EQ(::mkdir((b.rootfs() + "/mnt").c_str(), 0755), 0);
      ASSERT_EQ(::symlink(m_host.path().c_str(), (b.rootfs() + "/evil").c_str()), 0);
      ASSERT_EQ(run_command({"/bin/mkdir", "-p", b.rootfs() + m_host.path()}).exit_code, 0);
      ASSERT_TRUE(write_text(b.rootfs() + m_host.path() + "/twin", "in the rootfs"));
      std::string source = relative ? "rootfs/evil" : b.rootfs() + "/evil";
      b.edit(edits::bind(source, "/mnt", "rbind") + (userns ? edits::user_namespace() : ""));
      RunResult r = hull({"run", "--bundle", b.dir(),
                          track("bind-src-" + std::to_string(userns) + std::to_string(relative))});
      EXPECT_EQ(r.exit_code, 0) << r.err;
      EXPECT_EQ(r.out, "twin\ndone\n");
    }
  }
  expect_host_untouched();
}

// The rootfs brings its own /dev (no /dev tmpfs in the config).
void without_dev_tmpfs(const Bundle& b) {
  b.edit("c['mounts'] = [m for m in c['mounts'] if m['destination'] != '/dev']");
}

TEST_F(MountSymlinkTest, DevNullRegularFileIsRefused) {
  Bundle b({"/bin/true"});
  without_dev_tmpfs(b);
  ASSERT_TRUE(write_text(b.rootfs() + "/dev/null", "not a device"));
  std::string id = track("null-file");
  RunResult r = hull({"run", "--bundle", b.dir(), id});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_THAT(r.err, HasSubstr("/dev/null"));
  EXPECT_FALSE(has_state_dir(id));
  expect_host_untouched();
}

TEST_F(MountSymlinkTest, DevNullSymlinkIsRefused) {
  // Bind "/dev/null" over the masked paths where /dev/null leads somewhere writable: procfs's
  // core_pattern (CVE-2025-31133) or a host file.
  for (const std::string target : {"/proc/sys/kernel/core_pattern", "HOST"}) {
    SCOPED_TRACE(target);
    Bundle b({"/bin/true"});
    without_dev_tmpfs(b);
    std::string t = target == "HOST" ? m_host.path() + "/keep" : target;
    ASSERT_EQ(::symlink(t.c_str(), (b.rootfs() + "/dev/null").c_str()), 0);
    std::string id = track("null-link-" + std::to_string(target.size()));
    RunResult r = hull({"run", "--bundle", b.dir(), id});
    EXPECT_NE(r.exit_code, 0);
    EXPECT_THAT(r.err, HasSubstr("/dev/null"));
    EXPECT_FALSE(has_state_dir(id));
  }
  expect_host_untouched();
}

TEST_F(MountSymlinkTest, DevConsoleSymlinkToHost) {
  Bundle b({"/bin/sh", "-c", "[ -c /dev/console ] && echo console-is-a-tty; echo done"});
  without_dev_tmpfs(b);
  b.edit("c['process']['terminal'] = True");
  ASSERT_EQ(::symlink((m_host.path() + "/keep").c_str(), (b.rootfs() + "/dev/console").c_str()), 0);
  // `run` in the foreground without --console-socket holds the pty itself.
  RunResult r = hull({"run", "--bundle", b.dir(), track("console-link")});
  if (r.exit_code == 0) {
    EXPECT_THAT(r.out, HasSubstr("done"));
  } else {
    EXPECT_THAT(r.err, HasSubstr("/dev/console"));
  }
  expect_host_untouched();
}

}  // namespace
}  // namespace hull::testing::security

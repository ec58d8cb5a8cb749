// Device nodes: only the config's devices (and the defaults) exist in the container, with their
// exact type, major, minor, mode and owner; the host's block devices are out of reach unless
// configured; device paths outside /dev or with ".." are refused.
//
// Checked to fail without the defence: in a build with the "/dev/" prefix and ".." check removed
// from create_device (container/rootfs.cc), OutsideDevIsRefused runs and creates /etc/evil. The
// other two pin the node set and numbers (compared with exact values, not hull's own output).
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <fstream>
#include <sstream>

#include "tests/security/sec_util.h"

namespace hull::testing::security {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

// A block device of the host: the first in /sys/dev/block ("MAJ:MIN").
std::pair<unsigned, unsigned> some_host_block_device() {
  RunResult r = run_command({"/bin/sh", "-c", "ls /sys/dev/block | head -1"});
  unsigned maj = 0, min = 0;
  if (std::sscanf(r.out.c_str(), "%u:%u", &maj, &min) != 2) return {0, 0};
  return {maj, min};
}

class DevicesTest : public SecurityTest {};

TEST_F(DevicesTest, ExactlyTheConfiguredNodes) {
  Bundle b({"/bin/sh", "-c",
            "stat -c '%n %F %t:%T %a %u:%g' /dev/sec2chr /dev/sec2fifo; "
            "for f in /dev/*; do [ -b \"$f\" ] && echo \"block $f\"; done; echo LS; ls /dev"});
  b.edit(
      "c['linux']['devices'] = ["
      "{'path': '/dev/sec2chr', 'type': 'c', 'major': 1, 'minor': 7, 'fileMode': 0o640, "
      "'uid': 5, 'gid': 6},"
      "{'path': '/dev/sec2fifo', 'type': 'p', 'major': 0, 'minor': 0, 'fileMode': 0o600}]");
  RunResult r = hull({"run", "--bundle", b.dir(), track("dev-exact")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("/dev/sec2chr character special file 1:7 640 5:6"));
  EXPECT_THAT(r.out, HasSubstr("/dev/sec2fifo fifo 0:0 600 0:0"));
  EXPECT_THAT(lines_with(r.out, "block "), IsEmpty());
  // The defaults and the links runc makes; nothing else from the host's /dev.
  std::vector<std::string> names;
  ASSERT_NE(r.out.find("LS\n"), std::string::npos) << r.out;
  std::istringstream in(r.out.substr(r.out.find("LS\n") + 3));
  for (std::string n; in >> n;) names.push_back(n);
  std::vector<std::string> expected = {"fd",     "full",    "mqueue",   "null", "ptmx",   "pts",
                                       "random", "sec2chr", "sec2fifo", "shm",  "stderr", "stdin",
                                       "stdout", "tty",     "urandom",  "zero"};
  // /dev/core -> /proc/kcore, as runc links it, when the kernel has one.
  if (::access("/proc/kcore", F_OK) == 0) expected.insert(expected.begin(), "core");
  EXPECT_EQ(names, expected) << r.out;
}

TEST_F(DevicesTest, HostBlockDeviceUnreachableUnlessConfigured) {
  auto [maj, min] = some_host_block_device();
  if (maj == 0) GTEST_SKIP() << "no block device on this host";
  std::string mm = std::to_string(maj) + " " + std::to_string(min);
  // Not configured: mknod (no CAP_MKNOD, and the cgroup's device list) must fail.
  Bundle b({"/bin/sh", "-c",
            "mknod /tmp/blk b " + mm +
                " && head -c 1 /tmp/blk >/dev/null && "
                "echo reached; echo done"});
  b.edit("c['root']['readonly'] = False");
  RunResult r = hull({"run", "--bundle", b.dir(), track("dev-block")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, Not(HasSubstr("reached")));
  // Configured: it exists with its numbers.
  Bundle c({"/bin/sh", "-c", "stat -c '%F %t:%T' /dev/sec2blk"});
  c.edit("c['linux']['devices'] = [{'path': '/dev/sec2blk', 'type': 'b', 'major': " +
         std::to_string(maj) + ", 'minor': " + std::to_string(min) + ", 'fileMode': 0o600}]");
  r = hull({"run", "--bundle", c.dir(), track("dev-block-cfg")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  char hex[32];
  std::snprintf(hex, sizeof hex, "%x:%x", maj, min);
  EXPECT_THAT(r.out, HasSubstr(std::string("block special file ") + hex));
}

// linux.devices only creates a node: whether it can be opened is for linux.resources.devices to
// say, as with runc 1.1 (a deny-all stays deny-all; without an "a" rule the list is still an
// allow list of the defaults). c 1:11 is /dev/kmsg: opening it write-only needs no capability
// and nothing is written.
TEST_F(DevicesTest, ListedNodeFollowsTheDeviceRules) {
  const std::string probe =
      "if (: > /dev/sec2kmsg) 2>/dev/null; then echo OPENED; else echo DENIED; fi";
  const std::string node =
      "c['linux']['devices'] = [{'path': '/dev/sec2kmsg', 'type': 'c', "
      "'major': 1, 'minor': 11, 'fileMode': 0o666}]\n";
  struct Case {
    const char* name;
    const char* rules;
    const char* want;
  };
  for (const Case& k : {Case{"deny-all", "[{'allow': False, 'access': 'rwm'}]", "DENIED"},
                        Case{"no-rules", "[]", "DENIED"},
                        Case{"allowed",
                             "[{'allow': False, 'access': 'rwm'}, {'allow': True, "
                             "'type': 'c', 'major': 1, 'minor': 11, 'access': 'w'}]",
                             "OPENED"}}) {
    SCOPED_TRACE(k.name);
    Bundle b({"/bin/sh", "-c", probe});
    b.edit(node + "c['linux']['resources'] = {'devices': " + k.rules + "}");
    RunResult r = hull({"run", "--bundle", b.dir(), track(std::string("dev-rules-") + k.name)});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, std::string(k.want) + "\n");
  }
}

TEST_F(DevicesTest, OutsideDevIsRefused) {
  for (const std::string path : {"/etc/evil", "/dev/../etc/evil", "/dev/sub/../../etc/evil"}) {
    SCOPED_TRACE(path);
    Bundle b({"/bin/true"});
    b.edit(
        "c['root']['readonly'] = False\n"
        "c['linux']['devices'] = [{'path': '" +
        path + "', 'type': 'c', 'major': 1, 'minor': 3}]");
    std::string id = track("dev-out-" + std::to_string(path.size()));
    RunResult r = hull({"run", "--bundle", b.dir(), id});
    EXPECT_NE(r.exit_code, 0);
    EXPECT_THAT(r.err, HasSubstr(path));
    EXPECT_FALSE(has_state_dir(id));
    struct stat st {};
    EXPECT_NE(::lstat((b.rootfs() + "/etc/evil").c_str(), &st), 0);
  }
}

}  // namespace
}  // namespace hull::testing::security

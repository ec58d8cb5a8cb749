#include "tests/harness/harness.h"

#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "tests/harness/unix_socket.h"

namespace hull::testing {
namespace {

using ::testing::HasSubstr;

TEST(RunCommandTest, CapturesOutputAndExitCode) {
  RunResult r = run_command({"/bin/sh", "-c", "echo out; echo err >&2; exit 3"});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_EQ(r.out, "out\n");
  EXPECT_EQ(r.err, "err\n");
  EXPECT_FALSE(r.timed_out);
}

TEST(RunCommandTest, SignalExitIs128PlusSignal) {
  RunResult r = run_command({"/bin/sh", "-c", "kill -9 $$"});
  EXPECT_EQ(r.exit_code, 137);
}

TEST(RunCommandTest, FeedsInputAndEnv) {
  RunResult r = run_command({"/bin/sh", "-c", "cat; echo $HARNESS_X"}, std::chrono::seconds(5),
                            "hello\n", {{"HARNESS_X", "y"}});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, "hello\ny\n");
}

TEST(RunCommandTest, TimeoutKillsTheProcessGroup) {
  TempDir tmp;
  std::string marker = tmp.path() + "/late";
  auto start = std::chrono::steady_clock::now();
  // The background child would write the marker after 2 s unless the group is killed.
  RunResult r = run_command({"/bin/sh", "-c", "(sleep 2; touch " + marker + ") & sleep 30"},
                            std::chrono::milliseconds(300));
  EXPECT_TRUE(r.timed_out);
  EXPECT_EQ(r.exit_code, 128 + 9);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
  sleep(3);
  EXPECT_FALSE(std::filesystem::exists(marker));
}

TEST(RunCommandTest, RunsInCwd) {
  TempDir tmp;
  RunResult r = run_command_in(tmp.path(), {"/bin/pwd"});
  EXPECT_EQ(r.out, tmp.path() + "\n");
}

TEST(TempDirTest, RemovedWithMountsUnder) {
  std::string path;
  {
    TempDir tmp;
    path = tmp.path();
    ASSERT_EQ(::mkdir((path + "/m").c_str(), 0755), 0);
    RunResult r = run_command({"/bin/mount", "-t", "tmpfs", "none", path + "/m"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(mount_points().count(path + "/m"));
  }
  EXPECT_FALSE(mount_points().count(path + "/m"));
  EXPECT_FALSE(std::filesystem::exists(path));
}

TEST(BundleTest, HasBusyboxAndArgs) {
  Bundle b({"sh", "-c", "echo \"hi\""});
  EXPECT_TRUE(std::filesystem::is_symlink(b.rootfs() + "/bin/sh"));
  EXPECT_EQ(::access((b.rootfs() + "/bin/busybox").c_str(), X_OK), 0);
  std::string c = b.config();
  EXPECT_THAT(c, HasSubstr("\"terminal\": false"));
  EXPECT_THAT(c, HasSubstr("\"echo \\\"hi\\\"\""));
  b.edit("c['hostname'] = 'edited'");
  EXPECT_THAT(b.config(), HasSubstr("\"hostname\": \"edited\""));
}

TEST(SnapshotTest, SeesTheHost) {
  EXPECT_TRUE(mount_points().count("/"));
  EXPECT_GT(open_fd_count(), 2);
  // A cgroup dir made under a unique name shows up, then goes.
  std::string name = "hull-harness-" + std::to_string(::getpid());
  auto before = cgroup_dirs(name);
  EXPECT_TRUE(before.empty());
  // v1/hybrid hosts have one hierarchy per controller; pure v2 hosts have one at the top.
  std::string top = std::filesystem::is_directory("/sys/fs/cgroup/pids") ? "/sys/fs/cgroup/pids"
                                                                         : "/sys/fs/cgroup";
  std::string dir = top + "/" + name;
  ASSERT_EQ(::mkdir(dir.c_str(), 0755), 0);
  EXPECT_EQ(cgroup_dirs(name), std::set<std::string>{dir});
  ::rmdir(dir.c_str());
  EXPECT_TRUE(cgroup_dirs(name).empty());
}

TEST(HullTest, RunsAContainer) {
  Bundle b({"sh", "-c", "echo $$"});
  Hull hull;
  RunResult r = hull({"run", "--bundle", b.dir(), unique_id("harness-smoke")});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "1\n");
}

TEST(FilesTest, LinesAndTrimming) {
  EXPECT_EQ(lines_of("a\n\nb c\n"), (std::vector<std::string>{"a", "", "b c"}));
  EXPECT_EQ(lines_of("no newline"), std::vector<std::string>{"no newline"});
  EXPECT_TRUE(lines_of("").empty());
  EXPECT_EQ(lines_with("x=1\ny=2\nx=3", "x="), (std::vector<std::string>{"x=1", "x=3"}));
  EXPECT_EQ(trimmed("67108864 \n\n"), "67108864");
  TempDir tmp;
  std::string f = tmp.path() + "/f";
  EXPECT_FALSE(exists(f));
  EXPECT_EQ(read_text(f), "");
  ASSERT_TRUE(write_text(f, "one\n"));
  EXPECT_TRUE(exists(f));
  EXPECT_EQ(read_text(f), "one\n");
  EXPECT_FALSE(write_text(tmp.path() + "/no/such/dir", "x"));
}

TEST(WaitTest, HoldsOrTimesOut) {
  int calls = 0;
  EXPECT_TRUE(wait_for([&] { return ++calls == 3; }));
  EXPECT_EQ(calls, 3);
  auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(wait_for([] { return false; }, std::chrono::milliseconds(100)));
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(100));
  TempDir tmp;
  EXPECT_FALSE(wait_for_file(tmp.path() + "/never", std::chrono::milliseconds(50)));
  ASSERT_TRUE(write_text(tmp.path() + "/t", "partial"));
  EXPECT_EQ(wait_for_text(tmp.path() + "/t", "END", std::chrono::milliseconds(50)), "partial");
}

TEST(JsonTest, PointersArraysAndStringMaps) {
  const std::string state =
      R"({"status":"running","pid":42,"cgroup_paths":{"memory":"/m","":"/u"},"ids":[1,2]})";
  EXPECT_EQ(json_at(state, "/status"), "running");
  EXPECT_EQ(json_at(state, "/pid"), "42");
  EXPECT_EQ(json_at(state, "/ids"), "[1,2]");
  EXPECT_EQ(json_at(state, "/nope"), std::nullopt);
  EXPECT_EQ(json_at("{not json", "/status"), std::nullopt);
  EXPECT_EQ(json_array_size(state, "/ids"), 2U);
  EXPECT_EQ(json_array_size(state, "/pid"), std::nullopt);
  EXPECT_EQ(json_string_map(state, "/cgroup_paths"),
            (std::map<std::string, std::string>{{"", "/u"}, {"memory", "/m"}}));
  EXPECT_EQ(state_status(state), "running");
  EXPECT_EQ(state_pid(state), 42);
  EXPECT_EQ(state_pid("{}"), 0);
}

TEST(IdsTest, UniqueIsStableFreshIsNew) {
  EXPECT_EQ(unique_id("a"), "a-" + std::to_string(::getpid()));
  EXPECT_EQ(unique_id("a"), unique_id("a"));
  std::string one = fresh_id("a"), two = fresh_id("a");
  EXPECT_NE(one, two);
  EXPECT_EQ(one.rfind(unique_id("a") + "-", 0), 0U) << one;
}

TEST(MountInfoTest, ParsesEscapedMountPointsOptionsAndType) {
  auto lines = parse_mountinfo(
      "36 35 98:0 / /mnt/my\\040dir rw,nosuid shared:1 master:2 - ext3 /dev/root rw\n"
      "37 35 0:5 / /proc ro - proc proc rw\n");
  ASSERT_EQ(lines.size(), 2U);
  EXPECT_EQ(lines[0].mount_point, "/mnt/my dir");
  EXPECT_EQ(lines[0].options, "rw,nosuid");
  EXPECT_EQ(lines[0].fstype, "ext3");
  EXPECT_EQ(lines[1].fstype, "proc");
}

TEST(EditsTest, StatementsApplyToTheConfig) {
  Bundle b({"true"});
  size_t mounts = json_array_size(b.config(), "/mounts").value_or(0);
  ASSERT_GT(mounts, 0U);
  b.edit(edits::bind("/srv/data", "/data") + edits::bind("/srv/ro", "/ro", "rbind,ro") +
         edits::drop_namespace("network") + edits::user_namespace() +
         edits::add_capability("CAP_MKNOD"));
  std::string c = b.config();
  std::string first = "/mounts/" + std::to_string(mounts),
              second = "/mounts/" + std::to_string(mounts + 1);
  EXPECT_EQ(json_at(c, first + "/source"), "/srv/data");
  EXPECT_EQ(json_at(c, first + "/destination"), "/data");
  EXPECT_EQ(json_at(c, first + "/type"), "bind");
  EXPECT_EQ(json_at(c, first + "/options"), R"(["rbind","rw"])");
  EXPECT_EQ(json_at(c, second + "/options"), R"(["rbind","ro"])");
  EXPECT_THAT(json_at(c, "/linux/namespaces").value_or(""), ::testing::Not(HasSubstr("network")));
  EXPECT_THAT(json_at(c, "/linux/namespaces").value_or(""), HasSubstr(R"({"type":"user"})"));
  EXPECT_EQ(json_at(c, "/linux/uidMappings"),
            R"([{"containerID":0,"hostID":100000,"size":65536}])");
  EXPECT_EQ(json_at(c, "/linux/gidMappings"),
            R"([{"containerID":0,"hostID":100000,"size":65536}])");
  for (const char* set : {"bounding", "effective", "permitted"})
    EXPECT_THAT(json_at(c, std::string("/process/capabilities/") + set).value_or(""),
                HasSubstr("\"CAP_MKNOD\""))
        << set;
}

TEST(UnixSocketTest, ListensAndReceivesAnFd) {
  TempDir tmp;
  std::string path = tmp.path() + "/s.sock";
  int listener = listen_unix(path);
  ASSERT_GE(listener, 0) << strerror(errno);
  EXPECT_FALSE(exists(path + ".tmp"));
  int client = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  path.copy(addr.sun_path, sizeof addr.sun_path - 1);
  ASSERT_EQ(::connect(client, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  int conn = ::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC);
  ASSERT_GE(conn, 0);
  // The client sends its own stdin (fd 0) with a message.
  char data[] = "hello";
  iovec iov{data, 5};
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  cmsghdr* c = CMSG_FIRSTHDR(&msg);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN(sizeof(int));
  int zero = 0;
  std::memcpy(CMSG_DATA(c), &zero, sizeof zero);
  ASSERT_EQ(::sendmsg(client, &msg, 0), 5);
  std::string message;
  int fd = receive_fd(conn, message);
  EXPECT_GE(fd, 0);
  EXPECT_EQ(message, "hello");
  EXPECT_EQ(::fcntl(fd, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
  // A message without a descriptor.
  ASSERT_EQ(::send(client, "x", 1, 0), 1);
  EXPECT_EQ(receive_fd(conn, message), -1);
  EXPECT_EQ(message, "x");
  for (int f : {fd, conn, client, listener}) ::close(f);
}

}  // namespace
}  // namespace hull::testing

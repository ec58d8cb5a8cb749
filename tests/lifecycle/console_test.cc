// --console-socket: a test program (console_receiver) plays the engine, receives the pty master
// over SCM_RIGHTS and reads the container's terminal through it.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <thread>

#include "tests/harness/harness.h"

namespace hull::testing {
namespace {

using ::testing::AnyOf;
using ::testing::HasSubstr;

// Starts the receiver and waits until its socket is bound.
std::unique_ptr<Spawned> start_receiver(const std::string& socket, const std::string& input = {}) {
  std::vector<std::string> argv = {runfile("tests/lifecycle/console_receiver"), socket, "20"};
  if (!input.empty()) argv.push_back(input);
  auto r = std::make_unique<Spawned>(argv);
  EXPECT_TRUE(wait_for_file(socket)) << "receiver did not bind " << socket << ": " << r->err();
  return r;
}

TEST(ConsoleTest, CreateSendsAWorkingPty) {
  Hull hull;
  TempDir tmp;
  Bundle b({"sh", "-c", "tty; echo ok"});
  b.edit("c['process']['terminal'] = True");
  std::string sock = tmp.path() + "/console.sock";
  auto receiver = start_receiver(sock);
  ContainerGuard guard(hull, unique_id("tty1"));
  RunResult r = hull({"create", "--console-socket", sock, "--bundle", b.dir(), unique_id("tty1")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(status_of(hull, unique_id("tty1")), "created");
  ASSERT_EQ(hull({"start", unique_id("tty1")}).exit_code, 0);
  ASSERT_EQ(receiver->wait(std::chrono::seconds(20)), 0) << receiver->err();
  std::string out = receiver->out();
  EXPECT_THAT(out, AnyOf(HasSubstr("/dev/pts/0"), HasSubstr("/dev/console"))) << out;
  EXPECT_THAT(out, HasSubstr("ok\r\n")) << "a pty turns \\n into \\r\\n: " << out;
  EXPECT_THAT(receiver->err(), HasSubstr("char device"));
  EXPECT_EQ(wait_for_status(hull, unique_id("tty1"), "stopped"), "stopped");
}

TEST(ConsoleTest, PtyCarriesInput) {
  Hull hull;
  TempDir tmp;
  Bundle b({"sh", "-c", "read line; echo \"got [$line]\""});
  b.edit("c['process']['terminal'] = True");
  std::string sock = tmp.path() + "/console.sock";
  auto receiver = start_receiver(sock, "hello\n");
  ContainerGuard guard(hull, unique_id("tty2"));
  ASSERT_EQ(
      hull({"run", "--detach", "--console-socket", sock, "--bundle", b.dir(), unique_id("tty2")})
          .exit_code,
      0);
  ASSERT_EQ(receiver->wait(std::chrono::seconds(20)), 0) << receiver->err();
  EXPECT_THAT(receiver->out(), HasSubstr("got [hello]")) << receiver->out();
}

TEST(ConsoleTest, ExecTtyConsoleSocket) {
  Hull hull;
  TempDir tmp;
  Bundle b({"sleep", "100"});
  ContainerGuard guard(hull, unique_id("tty3"));
  ASSERT_EQ(hull({"run", "--detach", "--bundle", b.dir(), unique_id("tty3")}).exit_code, 0);
  std::string sock = tmp.path() + "/exec.sock";
  auto receiver = start_receiver(sock);
  RunResult r = hull(
      {"exec", "--tty", "--console-socket", sock, unique_id("tty3"), "sh", "-c", "tty; echo ok"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  ASSERT_EQ(receiver->wait(std::chrono::seconds(20)), 0) << receiver->err();
  std::string out = receiver->out();
  EXPECT_THAT(out, HasSubstr("/dev/pts/")) << out;
  EXPECT_THAT(out, HasSubstr("ok\r\n")) << out;

  // The engines' shape: --detach with a pid file, the exit seen through the pty.
  std::string sock2 = tmp.path() + "/exec2.sock";
  auto receiver2 = start_receiver(sock2);
  std::string pid_file = tmp.path() + "/pid";
  r = hull({"exec", "--tty", "--detach", "--pid-file", pid_file, "--console-socket", sock2,
            unique_id("tty3"), "sh", "-c", "echo detached-ok"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  ASSERT_EQ(receiver2->wait(std::chrono::seconds(20)), 0) << receiver2->err();
  EXPECT_THAT(receiver2->out(), HasSubstr("detached-ok")) << receiver2->out();
  EXPECT_FALSE(read_text(pid_file).empty());
  EXPECT_EQ(status_of(hull, unique_id("tty3")), "running");
}

// The pty belongs to the process's user, as runc leaves it (fixStdioPermissions): the owner is
// process.user.uid, the group stays what devpts gave (gid=5 in the default spec). It stayed 0:5.
TEST(ConsoleTest, PtyBelongsToTheProcessUser) {
  Hull hull;
  TempDir tmp;
  Bundle b({"sh", "-c", "stat -c 'owner %u:%g' $(tty)"});
  b.edit("c['process']['terminal'] = True\nc['process']['user'] = {'uid': 1000, 'gid': 1000}");
  std::string sock = tmp.path() + "/console.sock";
  auto receiver = start_receiver(sock);
  ContainerGuard guard(hull, unique_id("tty4"));
  RunResult r =
      hull({"run", "--detach", "--console-socket", sock, "--bundle", b.dir(), unique_id("tty4")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_EQ(receiver->wait(std::chrono::seconds(20)), 0) << receiver->err();
  EXPECT_THAT(receiver->out(), HasSubstr("owner 1000:5")) << receiver->out();

  // `exec --tty --user`: its own pty, owned by its user.
  Bundle sleeper({"sleep", "100"});
  ContainerGuard guard2(hull, unique_id("tty5"));
  ASSERT_EQ(hull({"run", "--detach", "--bundle", sleeper.dir(), unique_id("tty5")}).exit_code, 0);
  std::string sock2 = tmp.path() + "/exec.sock";
  auto receiver2 = start_receiver(sock2);
  r = hull({"exec", "--tty", "--user", "1000:1000", "--console-socket", sock2, unique_id("tty5"),
            "sh", "-c", "stat -c 'owner %u:%g' $(tty)"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  ASSERT_EQ(receiver2->wait(std::chrono::seconds(20)), 0) << receiver2->err();
  EXPECT_THAT(receiver2->out(), HasSubstr("owner 1000:5")) << receiver2->out();
}

}  // namespace
}  // namespace hull::testing

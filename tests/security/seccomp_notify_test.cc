// SCMP_ACT_NOTIFY end to end: `hull run` with linux.seccomp.listenerPath hands the notify fd and
// the container process state (ociVersion, fds ["seccompFd"], pid, metadata, state "creating") to
// the listener, and an agent holding that fd decides the syscall's result for the container.
// Checked to fail without the feature: with the parent dropping the seccomp record instead of
// sending it (container_create.cc, to_listener), the agent gets no connection, and mkdir fails
// with ENOSYS (a notify filter without a listener) instead of the agent's ENOTTY.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <thread>

#include "tests/harness/unix_socket.h"
#include "tests/security/sec_util.h"

namespace hull::testing::security {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// A seccomp agent: accepts one connection, keeps the state message and the fd, and answers every
// notification with ENOTTY until the filter's processes are gone. Plain libc (and the harness's
// plain-libc socket helpers) on purpose: it stands for a third-party agent, independent of hull's
// own wrappers.
struct Agent {
  int listener = -1;
  std::string message;
  int fds_received = 0;
  std::vector<int> syscalls;
  std::thread thread;

  explicit Agent(const std::string& path) : listener(listen_unix(path)) {
    thread = std::thread([this] { serve(); });
  }
  ~Agent() {
    if (thread.joinable()) thread.join();
    if (listener >= 0) ::close(listener);
  }
  void serve() {
    if (listener < 0) return;
    pollfd p{listener, POLLIN, 0};
    if (::poll(&p, 1, 20000) != 1) return;
    int conn = ::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC);
    if (conn < 0) return;
    int fd = receive_fd(conn, message);
    ::close(conn);
    if (fd < 0) return;
    ++fds_received;
    for (;;) {
      pollfd q{fd, POLLIN, 0};
      if (::poll(&q, 1, 20000) != 1 || (q.revents & POLLIN) == 0) break;  // POLLHUP: all gone
      seccomp_notif req{};
      if (::ioctl(fd, SECCOMP_IOCTL_NOTIF_RECV, &req) < 0) continue;
      syscalls.push_back(req.data.nr);
      seccomp_notif_resp resp{};
      resp.id = req.id;
      resp.error = -ENOTTY;
      (void)::ioctl(fd, SECCOMP_IOCTL_NOTIF_SEND, &resp);
    }
    ::close(fd);
  }
};

class SeccompNotifyTest : public SecurityTest {};

TEST_F(SeccompNotifyTest, AgentGetsTheFdAndStateAndAnswersForTheKernel) {
  TempDir dir;
  const std::string sock = dir.path() + "/agent.sock";
  Bundle b({"/bin/sh", "-c", "mkdir /made-by-container; echo mkdir-rc=$?; echo after"});
  b.edit("c['linux']['seccomp'] = {'defaultAction': 'SCMP_ACT_ALLOW', 'listenerPath': '" + sock +
         "', 'listenerMetadata': 'agent-meta', 'syscalls': [{'names': ['mkdir', 'mkdirat'], "
         "'action': 'SCMP_ACT_NOTIFY'}]}");
  std::string id = track("seccomp-notify");
  RunResult r;
  {
    Agent agent(sock);
    ASSERT_GE(agent.listener, 0);
    r = hull({"run", "--bundle", b.dir(), id});
    agent.thread.join();
    EXPECT_EQ(agent.fds_received, 1);
    EXPECT_THAT(agent.message, HasSubstr(R"("ociVersion":"1.2.0")"));
    EXPECT_THAT(agent.message, HasSubstr(R"("fds":["seccompFd"])"));
    EXPECT_THAT(agent.message, HasSubstr(R"("metadata":"agent-meta")"));
    EXPECT_THAT(agent.message, ::testing::ContainsRegex(R"("pid":[1-9][0-9]*)"));
    EXPECT_THAT(agent.message, HasSubstr("\"id\":\"" + id + "\""));
    EXPECT_THAT(agent.message, HasSubstr("\"status\":\"creating\""));
    EXPECT_FALSE(agent.syscalls.empty());
  }
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // The agent's answer: not EROFS (the root is read-only), not ENOSYS (no agent).
  EXPECT_THAT(r.err, HasSubstr("Inappropriate ioctl for device"));  // ENOTTY
  EXPECT_THAT(r.out, HasSubstr("mkdir-rc=1\nafter\n"));
}

// runc's exec hands its process's own notify fd to the listener too (status running, the top-level
// pid the exec'd process's, the state's pid init's). Checked to fail without it (the exec sync
// loop dropping the record, as before): the second agent gets no connection and mkdir in the
// exec'd process fails with ENOSYS, not the agent's ENOTTY.
TEST_F(SeccompNotifyTest, ExecHandsItsOwnFdToTheAgent) {
  TempDir dir;
  const std::string sock = dir.path() + "/agent.sock";
  Bundle b({"/bin/sleep", "100"});
  b.edit("c['linux']['seccomp'] = {'defaultAction': 'SCMP_ACT_ALLOW', 'listenerPath': '" + sock +
         "', 'listenerMetadata': 'exec-meta', 'syscalls': [{'names': ['mkdir', 'mkdirat'], "
         "'action': 'SCMP_ACT_NOTIFY'}]}");
  std::string id = track("seccomp-exec");
  Agent for_init(sock);
  ASSERT_GE(for_init.listener, 0);
  RunResult r = hull({"run", "--detach", "--bundle", b.dir(), id});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string init = init_pid(runner(), id);
  // The first agent has its connection (queued on its listener); a second one takes the path.
  ASSERT_EQ(::unlink(sock.c_str()), 0);
  {
    Agent for_exec(sock);
    ASSERT_GE(for_exec.listener, 0);
    r = hull({"exec", id, "/bin/sh", "-c", "mkdir /made-by-exec; echo mkdir-rc=$?"});
    for_exec.thread.join();
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_THAT(r.err, HasSubstr("Inappropriate ioctl for device"));  // ENOTTY, from the agent
    EXPECT_THAT(r.out, HasSubstr("mkdir-rc=1"));
    EXPECT_EQ(for_exec.fds_received, 1);
    EXPECT_FALSE(for_exec.syscalls.empty());
    EXPECT_THAT(for_exec.message, HasSubstr(R"("fds":["seccompFd"])"));
    EXPECT_THAT(for_exec.message, HasSubstr(R"("metadata":"exec-meta")"));
    EXPECT_THAT(for_exec.message, HasSubstr("\"status\":\"running\""));
    EXPECT_THAT(for_exec.message, HasSubstr("\"id\":\"" + id + "\""));
    ASSERT_FALSE(init.empty());
    EXPECT_THAT(for_exec.message, HasSubstr("\"pid\":" + init + ","));  // the state's
    EXPECT_THAT(for_exec.message, Not(HasSubstr("\"fds\":[\"seccompFd\"],\"pid\":" + init + ",")));
  }
  EXPECT_EQ(hull({"delete", "--force", id}).exit_code, 0);
  for_init.thread.join();  // the init's filter is gone with it
  EXPECT_EQ(for_init.fds_received, 1);
  EXPECT_THAT(for_init.message, HasSubstr("\"status\":\"creating\""));
}

TEST_F(SeccompNotifyTest, MissingListenerIsAClearErrorAndLeavesNothing) {
  HostSnapshot before = HostSnapshot::take();
  Bundle b({"/bin/true"});
  b.edit(
      "c['linux']['seccomp'] = {'defaultAction': 'SCMP_ACT_ALLOW', 'listenerPath': "
      "'/nonexistent/agent.sock', 'syscalls': [{'names': ['mkdir'], 'action': "
      "'SCMP_ACT_NOTIFY'}]}");
  std::string id = track("seccomp-nolistener");
  RunResult r = hull({"run", "--bundle", b.dir(), id});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_THAT(r.err, HasSubstr("/nonexistent/agent.sock"));
  EXPECT_EQ(lines_with(r.err, "level=error").size(), 1U) << r.err;
  EXPECT_FALSE(has_state_dir(id));
  expect_no_leaks(before, {b.dir()});
}

}  // namespace
}  // namespace hull::testing::security

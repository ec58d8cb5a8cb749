// launch() for real: new namespaces, joins through a helper, time offsets, the descriptor table,
// and errors that name their step. Needs root (tag no-sandbox).
#include "nsexec/launch.h"

#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sched.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "base/testing/matchers.h"
#include "sys/file.h"
#include "sys/socket.h"

extern char** environ;

namespace hull::nsexec {
namespace {

using ::hull::base::testing::ErrorMessageHas;
using ::testing::HasSubstr;

// A program to run and what it printed.
struct Program {
  std::vector<std::string> args;
  std::vector<char*> argv;
  sys::UniqueFd out_read;
  sys::UniqueFd out_write;
  std::vector<int> table;
  std::vector<int> scratch;

  explicit Program(std::vector<std::string> a) : args(std::move(a)) {
    for (auto& s : args) argv.push_back(s.data());
    argv.push_back(nullptr);
    auto p = MUST(sys::pipe());
    out_read = std::move(p.first);
    out_write = std::move(p.second);
    table = {0, out_write.get(), 2};
  }
  LaunchRequest request() {
    scratch.resize(table.size());
    LaunchRequest r;
    r.image.path = "/bin/sh";
    r.image.argv = argv.data();
    r.image.envp = environ;
    r.image.fds = table;
    r.image.scratch = scratch;
    return r;
  }
  std::string output() {
    out_write.reset();
    std::string all;
    char buf[4096];
    for (;;) {
      size_t n = MUST(sys::read_some(out_read, buf, "output"));
      if (n == 0) return all;
      all.append(buf, n);
    }
  }
};

std::string ns_of(const std::string& pid, const char* ns) {
  return MUST(sys::readlinkat(AT_FDCWD, "/proc/" + pid + "/ns/" + ns));
}

TEST(LaunchTest, DirectIntoNewNamespacesLeavesTheCallerAlone) {
  std::string uts_before = ns_of("self", "uts");
  std::string pid_before = ns_of("self", "pid_for_children");
  Program run({"sh", "-c", "echo $$; readlink /proc/self/ns/uts"});
  LaunchRequest r = run.request();
  r.clone_flags = CLONE_NEWPID | CLONE_NEWUTS;
  auto child = launch(r);
  ASSERT_TRUE(child.has_value()) << child.error().message();
  std::string out = run.output();
  EXPECT_EQ(child->wait()->code, 0);
  EXPECT_THAT(out, ::testing::StartsWith("1\n"));  // pid 1 of its own pid namespace
  EXPECT_THAT(out, ::testing::Not(HasSubstr(uts_before)));
  EXPECT_EQ(ns_of("self", "uts"), uts_before);
  EXPECT_EQ(ns_of("self", "pid_for_children"), pid_before);
}

TEST(LaunchTest, TheTableIsExactlyTheDescriptorsGiven) {
  auto extra = MUST(sys::pipe());        // a CLOEXEC fd of the caller's: must not show up
  int leaky = ::dup(extra.first.get());  // and one without CLOEXEC
  ASSERT_GE(leaky, 0);
  Program run({"sh", "-c", "ls /proc/self/fd | sort -n | tr '\\n' ' '; cat <&3"});
  auto data = MUST(sys::pipe());
  MUST(sys::write_all(data.second, "via fd 3", "data"));
  data.second.reset();
  run.table.push_back(data.first.get());
  auto child = launch(run.request());
  ASSERT_TRUE(child.has_value()) << child.error().message();
  std::string out = run.output();
  ::close(leaky);
  EXPECT_EQ(child->wait()->code, 0);
  // 0, 1, 2, 3 and the fd ls itself opens on /proc/self/fd.
  EXPECT_THAT(out, ::testing::MatchesRegex("0 1 2 3 [0-9]+ via fd 3"));
}

TEST(LaunchTest, AHelperJoinsNamespacesForTheProgramOnly) {
  // A process in a new network namespace to join.
  Program target({"sh", "-c", "exec sleep 30"});
  LaunchRequest tr = target.request();
  tr.clone_flags = CLONE_NEWNET;
  auto holder = launch(tr);
  ASSERT_TRUE(holder.has_value()) << holder.error().message();
  std::string net = ns_of(std::to_string(holder->pid()), "net");
  sys::UniqueFd netns =
      MUST(sys::open("/proc/" + std::to_string(holder->pid()) + "/ns/net", O_RDONLY));

  std::string net_before = ns_of("self", "net");
  Program run({"sh", "-c", "readlink /proc/self/ns/net; echo ppid=$PPID"});
  LaunchRequest r = run.request();
  Join j{netns.get(), CLONE_NEWNET};
  r.joins = std::span<const Join>(&j, 1);
  auto child = launch(r);
  ASSERT_TRUE(child.has_value()) << child.error().message();
  std::string out = run.output();
  EXPECT_EQ(child->wait()->code, 0);
  EXPECT_THAT(out, HasSubstr(net));
  EXPECT_THAT(out, HasSubstr(fmt::format("ppid={}", ::getpid())));  // our child (CLONE_PARENT)
  EXPECT_EQ(ns_of("self", "net"), net_before);
  (void)holder->signal(SIGKILL);
}

TEST(LaunchTest, TimeOffsetsAreInPlaceBeforeTheProgramStarts) {
  std::string time_before = ns_of("self", "time_for_children");
  Program run({"sh", "-c", "cat /proc/self/timens_offsets"});
  LaunchRequest r = run.request();
  r.clone_flags = CLONE_NEWTIME;
  r.time_offsets = "monotonic 86400 0\n";
  auto child = launch(r);
  ASSERT_TRUE(child.has_value()) << child.error().message();
  std::string out = run.output();
  EXPECT_EQ(child->wait()->code, 0);
  EXPECT_THAT(out, ::testing::ContainsRegex("monotonic +86400 +0"));
  EXPECT_EQ(ns_of("self", "time_for_children"), time_before);
}

TEST(LaunchTest, ErrorsNameTheStepAndLeaveNoProcess) {
  Program run({"sh", "-c", "true"});
  LaunchRequest r = run.request();
  Join bad{999, CLONE_NEWNET};
  r.joins = std::span<const Join>(&bad, 1);
  EXPECT_THAT(launch(r), ErrorMessageHas("setns net (fd 999): Bad file descriptor (EBADF)"));

  Program missing({"x"});
  LaunchRequest m = missing.request();
  m.image.path = "/nonexistent/program";
  EXPECT_THAT(launch(m),
              ErrorMessageHas("execve /nonexistent/program: No such file or directory (ENOENT)"));
  m.clone_flags = CLONE_NEWTIME;
  m.time_offsets = "monotonic 1 0\n";  // through the helper this time
  EXPECT_THAT(launch(m),
              ErrorMessageHas("execve /nonexistent/program: No such file or directory (ENOENT)"));
  // Every child was reaped: none is left to wait for.
  EXPECT_EQ(::waitpid(-1, nullptr, WNOHANG), -1);
  EXPECT_EQ(errno, ECHILD);
}

}  // namespace
}  // namespace hull::nsexec

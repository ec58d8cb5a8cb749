#include "sys/spawn.h"

#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "base/testing/matchers.h"
#include "sys/file.h"
#include "sys/socket.h"

namespace hull::sys {
namespace {

using base::testing::ErrorMessageHas;
using base::testing::FailedWith;
using base::testing::FailedWithErrno;
using base::testing::IsOk;

TEST(SpawnTest, ReportsTheExitCode) {
  std::vector<std::string> argv = {"sh", "-c", "exit 3"};
  std::vector<int> fds = {-1, -1, -1};
  auto child = spawn(argv, fds);
  ASSERT_THAT(child, IsOk());
  auto status = child->wait();
  ASSERT_THAT(status, IsOk());
  EXPECT_EQ(status->code, 3);
}

TEST(SpawnTest, PlacesDescriptorsAtTheirSlots) {
  auto p = pipe();
  ASSERT_THAT(p, IsOk());
  // fd 3 in the child is the pipe's write end; stdout stays /dev/null.
  std::vector<std::string> argv = {"sh", "-c", "echo hello >&3"};
  std::vector<int> fds = {-1, -1, -1, p->second.get()};
  auto child = spawn(argv, fds);
  ASSERT_THAT(child, IsOk());
  p->second.reset();
  auto out = read_all(p->first, "pipe");
  ASSERT_THAT(out, IsOk());
  EXPECT_EQ(*out, "hello\n");
  auto status = child->wait();
  ASSERT_THAT(status, IsOk());
  EXPECT_EQ(status->code, 0);
}

TEST(SpawnTest, ClosesEveryOtherDescriptor) {
  // A descriptor without CLOEXEC would leak into a plain fork+exec; spawn must close it.
  int leaky = ::open("/dev/null", O_RDONLY);
  ASSERT_GE(leaky, 0);
  UniqueFd owner(leaky);
  std::string probe = "test ! -e /proc/self/fd/" + std::to_string(leaky);
  std::vector<std::string> argv = {"sh", "-c", probe};
  std::vector<int> fds = {-1, -1, -1};
  auto child = spawn(argv, fds);
  ASSERT_THAT(child, IsOk());
  auto status = child->wait();
  ASSERT_THAT(status, IsOk());
  EXPECT_EQ(status->code, 0) << "fd " << leaky << " leaked into the child";
}

TEST(SpawnTest, MissingProgramIsAnErrorNamingIt) {
  std::vector<std::string> argv = {"/nonexistent/hull-no-such-program"};
  std::vector<int> fds = {-1, -1, -1};
  auto child = spawn(argv, fds);
  EXPECT_THAT(child, FailedWith(base::ErrorKind::NotFound));
  EXPECT_THAT(child, ErrorMessageHas("/nonexistent/hull-no-such-program"));
  auto on_path = spawn(std::vector<std::string>{"hull-no-such-program"}, fds);
  EXPECT_THAT(on_path, ErrorMessageHas("not found in $PATH"));
}

TEST(SpawnTest, ExecFailureInTheChildComesBackAsErrno) {
  // An executable file that is neither ELF nor a script passes the PATH lookup, but execve fails
  // with ENOEXEC in the child.
  const char* tmp = std::getenv("TEST_TMPDIR");
  std::string file = std::string(tmp != nullptr ? tmp : "/tmp") + "/not-a-program";
  {
    UniqueFd fd(::open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0755));
    ASSERT_TRUE(fd.is_valid());
    ASSERT_THAT(write_all(fd, std::string("\x7f\x01garbage", 9), file), IsOk());
  }
  std::vector<std::string> argv = {file};
  std::vector<int> fds = {-1, -1, -1};
  auto child = spawn(argv, fds);
  EXPECT_THAT(child, FailedWithErrno(ENOEXEC));
  EXPECT_THAT(child, ErrorMessageHas("execve"));
}

}  // namespace
}  // namespace hull::sys

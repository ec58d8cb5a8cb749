#include "container/security/testing.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sys/file.h"

namespace hull::container::security::testing_support {

ChildOutput run_in_child(const std::function<std::string()>& body) {
  int fds[2];
  EXPECT_EQ(::pipe(fds), 0);
  pid_t pid = ::fork();
  if (pid == 0) {
    ::close(fds[0]);
    (void)sys::write_all(fds[1], body(), "pipe");
    ::_exit(0);
  }
  ::close(fds[1]);
  ChildOutput r;
  r.text = sys::read_all(fds[0], "pipe").value_or("");
  ::close(fds[0]);
  ::waitpid(pid, &r.status, 0);
  return r;
}

}  // namespace hull::container::security::testing_support

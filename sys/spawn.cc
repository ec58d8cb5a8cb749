#include "sys/spawn.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>

#include "sys/exec.h"
#include "sys/file.h"
#include "sys/socket.h"

extern char** environ;

namespace hull::sys {

using base::Error;
using base::fail;

namespace {
constexpr const char* kDefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
}  // namespace

namespace {

[[noreturn]] void die(int err_fd, int err) {
  (void)!::write(err_fd, &err, sizeof err);
  ::_exit(127);
}

// Runs in the child between clone and exec: no allocation, no locks, only async-signal-safe
// calls; every failure reports errno through `err_fd` and ends with _exit.
[[noreturn]] void exec_child(const char* path, char* const* argv, std::span<const int> fds,
                             int err_fd) {
  // SAFETY: child of a single-threaded clone; only async-signal-safe calls until execve.
  sigset_t all;
  ::sigemptyset(&all);
  ::sigprocmask(SIG_SETMASK, &all, nullptr);  // the program starts with no blocked signals
  const int n = static_cast<int>(fds.size());
  // The error pipe must not sit on a target slot, or the dup2 below would clobber it.
  if (err_fd < n) {
    int moved = ::fcntl(err_fd, F_DUPFD_CLOEXEC, n);
    if (moved < 0) die(err_fd, errno);
    err_fd = moved;
  }
  // Two passes: first copy every source above the targets, then move the copies into place, so
  // a source that is itself a target number is never overwritten before it is copied.
  int tmp[64];
  if (n > 64) die(err_fd, EMFILE);
  for (int i = 0; i < n; ++i) {
    tmp[i] = -1;
    if (fds[static_cast<size_t>(i)] < 0) continue;
    tmp[i] = ::fcntl(fds[static_cast<size_t>(i)], F_DUPFD_CLOEXEC, n);
    if (tmp[i] < 0) die(err_fd, errno);
  }
  for (int i = 0; i < n; ++i) {
    if (tmp[i] < 0) {
      ::close(i);
      continue;
    }
    if (::dup2(tmp[i], i) < 0) die(err_fd, errno);  // dup2 clears FD_CLOEXEC on the target
  }
  // Everything above the table, including the copies and the error pipe, closes at exec.
  if (::close_range(static_cast<unsigned>(n), ~0U, CLOSE_RANGE_CLOEXEC) < 0) die(err_fd, errno);
  ::execve(path, argv, environ);
  die(err_fd, errno);
}

}  // namespace

Result<ChildProcess> spawn(std::span<const std::string> argv, std::span<const int> fds) {
  if (argv.empty() || fds.size() < 3 || fds.size() > 64)
    return fail(Error::invalid("spawn: argv must not be empty and fds must hold 3 to 64 entries"));
  const char* path_env = std::getenv("PATH");
  std::string path = TRY(look_path(argv[0], path_env != nullptr ? path_env : kDefaultPath));
  // Everything the child needs is prepared here, before clone.
  std::vector<char*> cargv;
  for (const std::string& a : argv) cargv.push_back(const_cast<char*>(a.c_str()));
  cargv.push_back(nullptr);
  UniqueFd dev_null = TRY(open("/dev/null", O_RDWR));
  std::vector<int> table(fds.begin(), fds.end());
  for (size_t i = 0; i < 3; ++i)
    if (table[i] < 0) table[i] = dev_null.get();
  FdPair err_pipe = TRY(pipe());

  Cloned cloned = TRY(clone3(0));
  if (cloned.is_child()) exec_child(path.c_str(), cargv.data(), table, err_pipe.second.get());

  ChildProcess child(cloned.pid, std::move(cloned.pidfd));
  err_pipe.second.reset();
  int child_errno = 0;
  // SAFETY: an int is read as its bytes; the child wrote it the same way.
  std::span<char> buf(reinterpret_cast<char*>(&child_errno), sizeof child_errno);
  size_t got = TRY(read_some(err_pipe.first, buf, "spawn error pipe"));
  if (got == 0) return child;  // the pipe closed at exec: the program runs
  (void)child.wait();
  if (got != sizeof child_errno)
    return fail(Error::protocol("spawn: short errno report from child"));
  return fail(Error::from_errno(child_errno, "execve", path));
}

}  // namespace hull::sys

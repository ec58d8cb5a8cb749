// The harness talks to the kernel through libc directly: it is test scaffolding that must keep
// working even when the sys/ wrappers under test are broken.
#include "tests/harness/command.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

extern char** environ;

namespace hull::testing {
namespace {

void set_nonblocking(int fd) { fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK); }

}  // namespace

std::string runfile(const std::string& path) {
  const char* srcdir = getenv("TEST_SRCDIR");
  const char* ws = getenv("TEST_WORKSPACE");
  std::string base = srcdir != nullptr ? srcdir : ".";
  std::string name = ws != nullptr && *ws != '\0' ? ws : "hull";
  return base + "/" + name + "/" + path;
}

std::string hull_binary() {
  std::string p = runfile("cli/hull");
  if (getenv("TEST_SRCDIR") != nullptr && access(p.c_str(), X_OK) == 0) return p;
  // Outside Bazel (running the test binary by hand): HULL_BINARY names it.
  const char* env = getenv("HULL_BINARY");
  return env != nullptr ? env : p;
}

RunResult run_command(const std::vector<std::string>& argv, std::chrono::milliseconds timeout,
                      const std::string& input, const std::map<std::string, std::string>& env) {
  return run_command_in({}, argv, timeout, input, env);
}

RunResult run_command_in(const std::string& cwd, const std::vector<std::string>& argv,
                         std::chrono::milliseconds timeout, const std::string& input,
                         const std::map<std::string, std::string>& env) {
  RunResult result;
  if (argv.empty()) return result;
  int in_pipe[2], out_pipe[2], err_pipe[2];
  if (pipe2(in_pipe, O_CLOEXEC) != 0 || pipe2(out_pipe, O_CLOEXEC) != 0 ||
      pipe2(err_pipe, O_CLOEXEC) != 0) {
    result.err = std::string("pipe2: ") + strerror(errno);
    return result;
  }
  // Everything the child needs is built before fork: no allocation after it.
  std::map<std::string, std::string> merged;
  for (char** e = environ; *e != nullptr; ++e) {
    std::string kv = *e;
    size_t eq = kv.find('=');
    if (eq != std::string::npos) merged[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  for (const auto& [k, v] : env) merged[k] = v;
  std::vector<std::string> env_strings;
  for (const auto& [k, v] : merged) env_strings.push_back(k + "=" + v);
  std::vector<char*> envp, args;
  for (auto& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);
  std::vector<std::string> argv_copy = argv;
  for (auto& s : argv_copy) args.push_back(s.data());
  args.push_back(nullptr);

  pid_t pid = fork();
  if (pid < 0) {
    result.err = std::string("fork: ") + strerror(errno);
    return result;
  }
  if (pid == 0) {
    // Own process group, so a timeout kills the command and everything it started.
    setpgid(0, 0);
    dup2(in_pipe[0], 0);
    dup2(out_pipe[1], 1);
    dup2(err_pipe[1], 2);
    syscall(SYS_close_range, 3U, ~0U, 0U);
    if (!cwd.empty() && chdir(cwd.c_str()) != 0) _exit(126);
    execve(args[0], args.data(), envp.data());
    _exit(127);
  }
  setpgid(pid, pid);  // also from the parent: no race with an early kill
  close(in_pipe[0]);
  close(out_pipe[1]);
  close(err_pipe[1]);
  int pidfd = static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
  set_nonblocking(in_pipe[1]);
  set_nonblocking(out_pipe[0]);
  set_nonblocking(err_pipe[0]);
  int in_fd = in_pipe[1];
  size_t in_off = 0;
  if (input.empty()) {
    close(in_fd);
    in_fd = -1;
  }
  int out_fd = out_pipe[0], err_fd = err_pipe[0];
  auto drain = [&](int& fd, std::string& sink) {
    char buf[8192];
    for (;;) {
      ssize_t n = read(fd, buf, sizeof buf);
      if (n > 0) {
        sink.append(buf, static_cast<size_t>(n));
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      if (n == 0 || errno != EAGAIN) {
        close(fd);
        fd = -1;
      }
      return;
    }
  };
  auto deadline = std::chrono::steady_clock::now() + timeout;
  bool exited = false;
  int status = 0;
  while (!exited) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      result.timed_out = true;
      kill(-pid, SIGKILL);
      kill(pid, SIGKILL);
      break;
    }
    pollfd fds[4] = {
        {pidfd, POLLIN, 0}, {out_fd, POLLIN, 0}, {err_fd, POLLIN, 0}, {in_fd, POLLOUT, 0}};
    int n = poll(fds, 4, static_cast<int>(std::min<long>(left.count(), 100)));
    if (n < 0 && errno != EINTR) break;
    if (out_fd >= 0 && (fds[1].revents & (POLLIN | POLLHUP | POLLERR))) drain(out_fd, result.out);
    if (err_fd >= 0 && (fds[2].revents & (POLLIN | POLLHUP | POLLERR))) drain(err_fd, result.err);
    if (in_fd >= 0 && (fds[3].revents & (POLLOUT | POLLERR | POLLHUP))) {
      ssize_t w = write(in_fd, input.data() + in_off, input.size() - in_off);
      if (w > 0) in_off += static_cast<size_t>(w);
      if ((w < 0 && errno != EAGAIN && errno != EINTR) || in_off == input.size()) {
        close(in_fd);
        in_fd = -1;
      }
    }
    // pidfd_open may fail on old kernels: then poll the exit every 100 ms.
    if (pidfd < 0 || (fds[0].revents & POLLIN)) {
      if (waitpid(pid, &status, WNOHANG) == pid) exited = true;
    }
  }
  if (!exited) {
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
  }
  // A detached container may still hold the pipes: take what is buffered, do not wait for EOF.
  if (out_fd >= 0) drain(out_fd, result.out);
  if (err_fd >= 0) drain(err_fd, result.err);
  for (int fd : {out_fd, err_fd, in_fd, pidfd}) {
    if (fd >= 0) close(fd);
  }
  if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) result.exit_code = 128 + WTERMSIG(status);
  return result;
}

}  // namespace hull::testing

#include "tests/harness/processes.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

#include "tests/harness/files.h"

namespace hull::testing {

Spawned::Spawned(const std::vector<std::string>& argv, const std::vector<int>& keep) {
  // Everything is prepared before fork: the test may be multithreaded.
  std::vector<std::string> copy = argv;
  std::vector<char*> args;
  for (auto& s : copy) args.push_back(s.data());
  args.push_back(nullptr);
  int in = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  int out = ::open((m_tmp.path() + "/out").c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
  int err = ::open((m_tmp.path() + "/err").c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
  m_pid = ::fork();
  if (m_pid == 0) {
    // Move kept fds out of the way first so that dup2 to 3.. cannot clobber one of them.
    int high[16];
    size_t n = keep.size() < 16 ? keep.size() : 16;
    for (size_t i = 0; i < n; ++i) high[i] = ::fcntl(keep[i], F_DUPFD_CLOEXEC, 200);
    ::dup2(in, 0);
    ::dup2(out, 1);
    ::dup2(err, 2);
    for (size_t i = 0; i < n; ++i) ::dup2(high[i], 3 + static_cast<int>(i));
    ::syscall(SYS_close_range, 3U + static_cast<unsigned>(n), ~0U, 0U);
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  for (int fd : {in, out, err}) ::close(fd);
}

Spawned::~Spawned() {
  if (m_pid > 0 && !m_code) {
    ::kill(m_pid, SIGKILL);
    int st;
    while (::waitpid(m_pid, &st, 0) < 0 && errno == EINTR) {
    }
  }
}

std::optional<int> Spawned::wait(std::chrono::milliseconds timeout) {
  if (m_code || m_pid <= 0) return m_code;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    int st = 0;
    pid_t r = ::waitpid(m_pid, &st, WNOHANG);
    if (r == m_pid) {
      m_code = WIFSIGNALED(st) ? 128 + WTERMSIG(st) : WEXITSTATUS(st);
      return m_code;
    }
    if (r < 0 && errno != EINTR) return std::nullopt;
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

void Spawned::kill(int sig) {
  if (m_pid > 0 && !m_code) ::kill(m_pid, sig);
}

std::string Spawned::out() const { return read_text(m_tmp.path() + "/out"); }

std::string Spawned::err() const { return read_text(m_tmp.path() + "/err"); }

Background::Background(std::vector<std::string> argv, std::string out_path,
                       std::chrono::milliseconds timeout) {
  std::vector<std::string> full = {"/bin/sh", "-c", "exec \"$0\" \"$@\" > " + out_path};
  full.insert(full.end(), argv.begin(), argv.end());
  m_thread = std::thread([this, full, timeout] { m_result = run_command(full, timeout); });
}

Background::~Background() {
  if (m_thread.joinable()) m_thread.join();
}

RunResult Background::join() {
  if (m_thread.joinable()) m_thread.join();
  return m_result;
}

}  // namespace hull::testing

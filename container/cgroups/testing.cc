#include "container/cgroups/testing.h"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <sstream>

#include "sys/file.h"

namespace hull::container::cgroups::testing_support {

Sleeper::Sleeper() : Sleeper([] {}) {}

Sleeper::Sleeper(std::function<void()> body) {
  m_pid = ::fork();
  if (m_pid == 0) {
    body();
    for (;;) ::pause();
  }
}

int Sleeper::kill() {
  if (m_pid <= 0) return -1;
  ::kill(m_pid, SIGKILL);
  return wait();
}

int Sleeper::wait() {
  if (m_pid <= 0) return -1;
  int status = 0;
  while (::waitpid(m_pid, &status, 0) < 0 && errno == EINTR) {
  }
  m_pid = -1;
  return status;
}

Gate::Gate() {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) == 0) {
    m_read = fds[0];
    m_write = fds[1];
  }
}

Gate::~Gate() {
  if (m_read >= 0) ::close(m_read);
  if (m_write >= 0) ::close(m_write);
}

void Gate::open() {
  char c = 1;
  (void)!::write(m_write, &c, 1);
}

void Gate::wait() {
  char c = 0;
  while (::read(m_read, &c, 1) < 0 && errno == EINTR) {
  }
}

SharedCounter::SharedCounter() {
  m_mem = ::mmap(nullptr, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
}

SharedCounter::~SharedCounter() { ::munmap(m_mem, 4096); }

uint64_t SharedCounter::get() const {
  return __atomic_load_n(static_cast<uint64_t*>(m_mem), __ATOMIC_RELAXED);
}

void SharedCounter::spin() {
  for (;;) __atomic_add_fetch(static_cast<uint64_t*>(m_mem), 1, __ATOMIC_RELAXED);
}

base::Result<std::string> cgroup_of(pid_t pid, const std::string& controller) {
  std::string text = TRY(sys::read_file("/proc/" + std::to_string(pid) + "/cgroup"));
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    size_t a = line.find(':');
    size_t b = line.find(':', a + 1);
    if (a == std::string::npos || b == std::string::npos) continue;
    std::string list = line.substr(a + 1, b - a - 1);
    std::string path = line.substr(b + 1);
    if (controller.empty()) {
      if (line.starts_with("0::")) return path;
      continue;
    }
    std::istringstream items(list);
    std::string item;
    while (std::getline(items, item, ','))
      if (item == controller) return path;
  }
  return base::fail(base::Error::not_found("no \"" + controller + "\" line in /proc/" +
                                           std::to_string(pid) + "/cgroup"));
}

std::string unique_id(const std::string& prefix) {
  static std::atomic<int> n{0};
  return prefix + "-" + std::to_string(::getpid()) + "-" + std::to_string(n++);
}

std::string run_in_v2_namespace(const std::function<base::Result<>()>& fn) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) < 0) return std::string("pipe: ") + std::strerror(errno);
  pid_t pid = ::fork();
  if (pid < 0) return std::string("fork: ") + std::strerror(errno);
  if (pid == 0) {
    ::close(fds[0]);
    std::string msg = [&]() -> std::string {
      if (::unshare(CLONE_NEWNS) < 0) return std::string("unshare: ") + std::strerror(errno);
      // Private first: nothing below may propagate back to the host.
      if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) < 0)
        return std::string("make-rprivate: ") + std::strerror(errno);
      if (::umount2("/sys/fs/cgroup", MNT_DETACH) < 0 && errno != EINVAL)
        return std::string("umount /sys/fs/cgroup: ") + std::strerror(errno);
      if (::mount("cgroup2", "/sys/fs/cgroup", "cgroup2", 0, nullptr) < 0)
        return std::string("mount cgroup2: ") + std::strerror(errno);
      auto r = fn();
      return r.has_value() ? "ok" : r.error().message();
    }();
    (void)!::write(fds[1], msg.data(), msg.size());
    ::_exit(0);
  }
  ::close(fds[1]);
  std::string out;
  char buf[4096];
  for (;;) {
    ssize_t n = ::read(fds[0], buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  ::close(fds[0]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (out.empty()) return "child died with status " + std::to_string(status);
  return out;
}

}  // namespace hull::container::cgroups::testing_support

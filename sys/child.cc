#include "sys/child.h"

#include <dirent.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/sched.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "sys/file.h"

namespace hull::sys {

void child_report(int fd, int32_t step, int32_t value, int32_t index) noexcept {
  ChildReport r{step, value, index};
  // A record is smaller than PIPE_BUF: one write, never interleaved with another writer's.
  (void)!::write(fd, &r, sizeof r);
}

void child_fail(int fd, int32_t step, int32_t err, int32_t index) noexcept {
  child_report(fd, step, err, index);
  ::_exit(127);
}

void exec_in_child(const ExecImage& image, int report_fd) noexcept {
  // SAFETY: runs between clone and exec; only system calls on memory prepared before clone.
  sigset_t none;
  ::sigemptyset(&none);
  if (::sigprocmask(SIG_SETMASK, &none, nullptr) < 0) child_fail(report_fd, kStepSigmask, errno);
  const int n = static_cast<int>(image.fds.size());
  if (image.scratch.size() < image.fds.size()) child_fail(report_fd, kStepDup, EINVAL);
  // The report pipe must not sit on a slot of the table, or a dup2 below would clobber it.
  if (report_fd < n) {
    int moved = ::fcntl(report_fd, F_DUPFD_CLOEXEC, n);
    if (moved < 0) child_fail(report_fd, kStepDup, errno);
    report_fd = moved;
  }
  // Two passes: copy every source above the table first, then move the copies into place, so a
  // source that is itself a slot number is never overwritten before it is copied.
  for (int i = 0; i < n; ++i) {
    int src = image.fds[static_cast<size_t>(i)];
    image.scratch[static_cast<size_t>(i)] = src < 0 ? -1 : ::fcntl(src, F_DUPFD_CLOEXEC, n);
    if (src >= 0 && image.scratch[static_cast<size_t>(i)] < 0)
      child_fail(report_fd, kStepDup, errno, i);
  }
  for (int i = 0; i < n; ++i) {
    int copy = image.scratch[static_cast<size_t>(i)];
    if (copy < 0) {
      ::close(i);
      continue;
    }
    // dup2 clears FD_CLOEXEC on the slot.
    if (::dup2(copy, i) < 0) child_fail(report_fd, kStepDup, errno, i);
  }
  // Everything above the table, the copies and the report pipe included, closes at exec.
  if (::syscall(SYS_close_range, static_cast<unsigned>(n), ~0U, CLOSE_RANGE_CLOEXEC) < 0) {
    StepError e = cloexec_walk(n);
    if (e.step != 0) child_fail(report_fd, e.step, e.err, e.index);
  }
  if (image.cwd_fd >= 0 && ::fchdir(image.cwd_fd) < 0) child_fail(report_fd, kStepChdir, errno);
  if (image.exe_fd >= 0) {
    ::syscall(SYS_execveat, image.exe_fd, "", image.argv, image.envp, AT_EMPTY_PATH);
  } else {
    ::execve(image.path, image.argv, image.envp);
  }
  child_fail(report_fd, kStepExec, errno);
}

StepError cloexec_walk(int first) noexcept {
  // SAFETY: system calls only; dirents are read into a buffer on this stack.
  int dir = ::open("/proc/self/fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir < 0) return {kStepOpenProcFd, errno, 0};
  struct statfs fs {};
  if (::fstatfs(dir, &fs) < 0 || fs.f_type != PROC_SUPER_MAGIC) {
    int err = errno;
    ::close(dir);
    return {kStepProcNotProcfs, fs.f_type != PROC_SUPER_MAGIC ? 0 : err, 0};
  }
  alignas(struct dirent64) char buf[4096];
  for (;;) {
    long got = ::syscall(SYS_getdents64, dir, buf, sizeof buf);
    if (got < 0) {
      int err = errno;
      ::close(dir);
      return {kStepListFds, err, 0};
    }
    if (got == 0) break;
    for (long off = 0; off < got;) {
      auto* d = reinterpret_cast<struct dirent64*>(buf + off);
      off += d->d_reclen;
      int fd = 0;
      bool number = d->d_name[0] != '\0';
      for (const char* c = d->d_name; *c != '\0' && number; ++c) {
        number = *c >= '0' && *c <= '9' && fd < (1 << 27);
        fd = fd * 10 + (*c - '0');
      }
      if (!number || fd < first || fd == dir) continue;
      int flags = ::fcntl(fd, F_GETFD);
      if (flags < 0 && errno == EBADF) continue;  // closed since the listing
      if (flags < 0 ||
          ((flags & FD_CLOEXEC) == 0 && ::fcntl(fd, F_SETFD, flags | FD_CLOEXEC) < 0)) {
        int err = errno;
        ::close(dir);
        return {kStepMarkFd, err, fd};
      }
    }
  }
  ::close(dir);
  return {};
}

long clone3_raw(uint64_t flags, int cgroup_fd, int* pidfd) noexcept {
  struct clone_args args {};
  args.flags = flags;
  if (pidfd != nullptr) {
    args.flags |= CLONE_PIDFD;
    args.pidfd = reinterpret_cast<uint64_t>(pidfd);
  }
  // With CLONE_PARENT the kernel takes the caller's own exit signal and refuses any other.
  args.exit_signal = (flags & CLONE_PARENT) ? 0 : SIGCHLD;
  if (cgroup_fd >= 0) {
    args.flags |= CLONE_INTO_CGROUP;
    args.cgroup = static_cast<__u64>(static_cast<unsigned>(cgroup_fd));
  }
  // SAFETY: no stack is given, so the child continues on a copy of this stack like fork(2).
  long r = ::syscall(SYS_clone3, &args, sizeof args);
  return r < 0 ? -errno : r;
}

Result<std::vector<ChildReport>> read_child_reports(FdRef report, size_t max) {
  std::vector<ChildReport> out;
  for (;;) {
    ChildReport r;
    // SAFETY: a ChildReport is read as its bytes; the child wrote it the same way.
    std::span<char> buf(reinterpret_cast<char*>(&r), sizeof r);
    size_t got = TRY(read_some(report, buf, "child report pipe"));
    if (got == 0) return out;
    if (got != sizeof r)
      return base::fail(base::Error::protocol("child report pipe: short record"));
    if (out.size() < max) out.push_back(r);
  }
}

}  // namespace hull::sys

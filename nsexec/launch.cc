#include "nsexec/launch.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <linux/capability.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>

#include "nsexec/bootstrap.h"
#include "sys/file.h"
#include "sys/socket.h"

namespace hull::nsexec {

using base::Error;
using base::fail;

namespace {

// Steps of the helper (sys/child.h numbers exec_in_child's own).
constexpr int32_t kStepSetns = 10;
constexpr int32_t kStepUnshareTime = 11;
constexpr int32_t kStepTimeOffsets = 12;
constexpr int32_t kStepClone = 13;
constexpr int32_t kStepPid = 14;  // success: the program's pid
constexpr int32_t kStepAffinity = 15;

constexpr int32_t kStepKeepCaps = 16;

// The program's process, just before it executes: capabilities kept (LaunchRequest), then exec.
[[noreturn]] void exec_program(const LaunchRequest& r, int report_fd) noexcept {
  if (r.keep_caps_last >= 0) {
    // SAFETY: capget/capset on this thread with structs on the stack; prctl with integers.
    struct __user_cap_header_struct head = {_LINUX_CAPABILITY_VERSION_3, 0};
    struct __user_cap_data_struct data[2] = {};
    if (::syscall(SYS_capget, &head, data) < 0) sys::child_fail(report_fd, kStepKeepCaps, errno);
    for (auto& d : data) d.inheritable = d.permitted;
    if (::syscall(SYS_capset, &head, data) < 0) sys::child_fail(report_fd, kStepKeepCaps, errno);
    for (int cap = 0; cap <= r.keep_caps_last && cap < 64; ++cap) {
      if ((data[cap / 32].permitted & (1U << (cap % 32))) == 0) continue;
      if (::prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) < 0)
        sys::child_fail(report_fd, kStepKeepCaps, errno, cap);
    }
  }
  sys::exec_in_child(r.image, report_fd);
}

void set_affinity(const LaunchRequest& r, int report_fd) noexcept {
  if (r.affinity.empty()) return;
  // SAFETY: the mask is the caller's memory, read only.
  if (::sched_setaffinity(0, r.affinity.size_bytes(),
                          reinterpret_cast<const cpu_set_t*>(r.affinity.data())) < 0)
    sys::child_fail(report_fd, kStepAffinity, errno);
}

// The helper: joins, the time namespace, then the program's clone. Never returns.
[[noreturn]] void run_helper(const LaunchRequest& r, int report_fd) noexcept {
  // SAFETY: a §8 child (sys/child.h): system calls on data prepared before clone only.
  set_affinity(r, report_fd);
  for (size_t i = 0; i < r.joins.size(); ++i) {
    if (::setns(r.joins[i].fd, r.joins[i].nstype) < 0)
      sys::child_fail(report_fd, kStepSetns, errno, static_cast<int32_t>(i));
  }
  uint64_t flags = r.clone_flags;
  if ((flags & CLONE_NEWTIME) && !r.time_offsets.empty()) {
    // Offsets can only be written while no process is in the namespace: unshare it for our
    // children, write them, and let the program be born inside.
    if (::unshare(CLONE_NEWTIME) < 0) sys::child_fail(report_fd, kStepUnshareTime, errno);
    int fd = ::open("/proc/self/timens_offsets", O_WRONLY | O_CLOEXEC);
    if (fd < 0) sys::child_fail(report_fd, kStepTimeOffsets, errno);
    ssize_t n = ::write(fd, r.time_offsets.data(), r.time_offsets.size());
    if (n < 0 || static_cast<size_t>(n) != r.time_offsets.size())
      sys::child_fail(report_fd, kStepTimeOffsets, n < 0 ? errno : EIO);
    ::close(fd);
    flags &= ~static_cast<uint64_t>(CLONE_NEWTIME);
  }
  long pid = sys::clone3_raw(flags | CLONE_PARENT, r.cgroup_fd, nullptr);
  if (pid < 0) sys::child_fail(report_fd, kStepClone, static_cast<int32_t>(-pid));
  if (pid == 0) exec_program(r, report_fd);
  sys::child_report(report_fd, kStepPid, static_cast<int32_t>(pid));
  ::_exit(0);
}

Error step_error(const LaunchRequest& r, const sys::ChildReport& rec) {
  switch (rec.step) {
    case kStepSetns: {
      size_t i = static_cast<size_t>(rec.index);
      int fd = i < r.joins.size() ? r.joins[i].fd : -1;
      int type = i < r.joins.size() ? r.joins[i].nstype : 0;
      std::string_view name = namespace_name(static_cast<uint32_t>(type));
      return Error::from_errno(
          rec.value, fmt::format("setns {}", name.empty() ? fmt::format("{:#x}", type) : name),
          fmt::format("(fd {})", fd));
    }
    case kStepUnshareTime: return Error::from_errno(rec.value, "unshare", "time namespace");
    case kStepTimeOffsets:
      return Error::from_errno(rec.value, "write", "/proc/self/timens_offsets");
    case kStepClone: return Error::from_errno(rec.value, "clone3");
    case kStepKeepCaps:
      return Error::from_errno(rec.value, "keeping capabilities across execve",
                               fmt::format("capability {}", rec.index));
    case kStepAffinity:
      return Error::from_errno(rec.value, "sched_setaffinity", "execCPUAffinity.initial");
    case sys::kStepSigmask: return Error::from_errno(rec.value, "sigprocmask");
    case sys::kStepDup:
      return Error::from_errno(rec.value, "dup", fmt::format("descriptor slot {}", rec.index));
    case sys::kStepCloseRange: return Error::from_errno(rec.value, "close_range");
    case sys::kStepChdir: return Error::from_errno(rec.value, "fchdir");
    case sys::kStepExec:
      return Error::from_errno(rec.value, r.image.exe_fd >= 0 ? "execveat" : "execve",
                               r.image.path != nullptr ? r.image.path : "");
    default: return Error::protocol(fmt::format("launch: unknown report step {}", rec.step));
  }
}

}  // namespace

Result<sys::ChildProcess> launch(const LaunchRequest& r) {
  auto report = TRY(sys::pipe());
  bool needs_helper =
      !r.joins.empty() || ((r.clone_flags & CLONE_NEWTIME) && !r.time_offsets.empty());
  if (!needs_helper) {
    sys::Cloned c = TRY(sys::clone3(r.clone_flags, r.cgroup_fd));
    if (c.is_child()) {
      set_affinity(r, report.second.get());
      exec_program(r, report.second.get());
    }
    sys::ChildProcess child(c.pid, std::move(c.pidfd));
    report.second.reset();
    auto records = TRY(sys::read_child_reports(report.first));
    if (!records.empty()) return fail(step_error(r, records.front()));  // child reaped by its guard
    return child;
  }
  sys::Cloned h = TRY(sys::clone3(0));
  if (h.is_child()) run_helper(r, report.second.get());
  sys::ChildProcess helper(h.pid, std::move(h.pidfd));
  report.second.reset();
  auto records = TRY(sys::read_child_reports(report.first));
  (void)helper.wait();
  pid_t pid = 0;
  const sys::ChildReport* failure = nullptr;
  for (const auto& rec : records) {
    if (rec.step == kStepPid)
      pid = rec.value;
    else if (!failure)
      failure = &rec;
  }
  // The program's process is ours (CLONE_PARENT): hold it by a pidfd before anything else.
  sys::ChildProcess program;
  if (pid > 0) program = sys::ChildProcess(pid, TRY(sys::pidfd_open(pid)));
  if (failure) return fail(step_error(r, *failure));
  if (pid <= 0) return fail(Error::protocol("launch: the helper ended without reporting a pid"));
  return program;
}

}  // namespace hull::nsexec

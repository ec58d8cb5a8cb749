// What a child may do between clone and exec (STYLE §8): no allocation, no locks, only system
// calls on data the parent prepared, leaving with execve or _exit. Failures travel back as
// fixed-size ChildReport records on a CLOEXEC pipe, so the parent sees EOF once the exec happened.
//
// These functions are what makes it safe to start processes from a multithreaded caller: the
// child is a copy of one thread of a process whose other threads may hold malloc's or anyone's
// locks, so it must never touch them.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "base/result.h"
#include "sys/unique_fd.h"

namespace hull::sys {

using base::Result;

// One record on the report pipe. `step` is the caller's own numbering of what failed; `value` is
// an errno, or (for steps that report success) a payload such as a pid.
struct ChildReport {
  int32_t step = 0;
  int32_t value = 0;
  int32_t index = 0;  // which item of a list, when the step works through one
};
static_assert(sizeof(ChildReport) == 12, "ChildReport is a wire record");

// Writes one record; for use in the child only.
void child_report(int fd, int32_t step, int32_t value, int32_t index = 0) noexcept;
// Writes a record and _exits with status 127.
[[noreturn]] void child_fail(int fd, int32_t step, int32_t err, int32_t index = 0) noexcept;

// Steps of exec_in_child.
inline constexpr int32_t kStepSigmask = 1;
inline constexpr int32_t kStepDup = 2;
inline constexpr int32_t kStepCloseRange = 3;
inline constexpr int32_t kStepChdir = 4;
inline constexpr int32_t kStepExec = 5;

// Steps of cloexec_walk.
inline constexpr int32_t kStepOpenProcFd = 6;
inline constexpr int32_t kStepProcNotProcfs = 7;  // value: 0
inline constexpr int32_t kStepListFds = 8;
inline constexpr int32_t kStepMarkFd = 9;  // index: the fd

// Marks every fd from `first` up FD_CLOEXEC one at a time, for each fd listed in /proc/self/fd,
// which must be procfs (a container may mount anything there, and a listing from it could miss
// fds). For when close_range is refused (a seccomp profile older than it). Allocates nothing:
// the listing goes through a stack buffer. Returns {0, 0} or the failed step and its errno.
struct StepError {
  int32_t step = 0;
  int32_t err = 0;
  int32_t index = 0;
};
StepError cloexec_walk(int first) noexcept;

// Everything exec_in_child needs, prepared before clone.
struct ExecImage {
  int exe_fd = -1;  // executed with execveat(AT_EMPTY_PATH) when >= 0, else `path`
  const char* path = nullptr;
  char* const* argv = nullptr;  // NULL-terminated
  char* const* envp = nullptr;  // NULL-terminated
  std::span<const int> fds;     // fd i of the program = fds[i]; -1 leaves i closed
  std::span<int> scratch;       // at least fds.size() ints, owned by the caller
  int cwd_fd = -1;              // fchdir before exec when >= 0
};

// In the child: empties the signal mask, lays out the descriptor table (every other fd closes at
// exec: close_range, or cloexec_walk where that is refused), optionally changes directory, and
// executes the image. On failure reports through
// `report_fd` (which must be CLOEXEC and may be any number) and _exits 127.
[[noreturn]] void exec_in_child(const ExecImage& image, int report_fd) noexcept;

// clone3 with fork semantics, for a child that is already a §8 child: no Result, no allocation.
// Returns the child's pid (0 in the child) or -errno. `flags` may hold CLONE_PARENT (then the
// exit signal is the caller's own) and CLONE_NEW* bits; `cgroup_fd` >= 0 adds CLONE_INTO_CGROUP;
// a non-null `pidfd` adds CLONE_PIDFD.
long clone3_raw(uint64_t flags, int cgroup_fd, int* pidfd) noexcept;

// The parent's side of the report pipe: reads records until EOF (every writer exec'd or exited).
// Returns the records read, at most `max` of them (more are drained and dropped).
Result<std::vector<ChildReport>> read_child_reports(FdRef report, size_t max = 8);

}  // namespace hull::sys

// Starting a program in new namespaces without changing the caller (hull's launcher).
//
// The program's process is born in the namespaces of `clone_flags` (and, for cgroup v2, in
// `cgroup_fd`), runs the ExecImage and is the caller's child. Everything between clone and exec
// follows STYLE §8 (sys/child.h), so the caller may be multithreaded, and nothing of the caller's
// own state changes: no setns, unshare, chdir or signal disposition happens in it.
//
// Two shapes, chosen by the request:
//   direct   clone3(CLONE_NEW* | CLONE_INTO_CGROUP | CLONE_PIDFD), then exec. One process.
//   helper   when namespaces must be joined before the clone (a user namespace or pid namespace
//            by path, namespaces by path next to a new user namespace, exec's pid and time
//            namespace through init's pidfd) or a time namespace needs offsets: a short-lived
//            helper (clone3 of this process) does the setns calls, unshares the time namespace
//            and writes its offsets, then clones the program's process with CLONE_PARENT and
//            exits. The helper is reaped here.
// Errors name the step and its errno: "setns pid (fd 9): Operation not permitted (EPERM)",
// "execveat: Exec format error (ENOEXEC)". ErrorKind::Sys for a failed step, Protocol for a
// malformed report.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <span>
#include <string_view>

#include "base/result.h"
#include "sys/child.h"
#include "sys/process.h"

namespace hull::nsexec {

using base::Result;

// setns(fd, nstype) by the helper, in order. `fd` is a namespace file (nstype: its CLONE_NEW* bit)
// or a pidfd (nstype: every CLONE_NEW* bit to join through it, in one call).
struct Join {
  int fd = -1;
  int nstype = 0;
};

struct LaunchRequest {
  sys::ExecImage image;           // the program and its descriptor table
  uint64_t clone_flags = 0;       // CLONE_NEW* bits for the program's process
  int cgroup_fd = -1;             // a cgroup2 directory to be born in, or -1
  std::span<const Join> joins;    // done by the helper before the program's clone
  std::string_view time_offsets;  // with CLONE_NEWTIME: /proc/self/timens_offsets text
  // The CPUs the program starts on (a cpu_set_t bit mask; empty: the caller's), set before
  // its clone, so it runs there from its first instruction (execCPUAffinity.initial).
  std::span<const unsigned long> affinity;
  // A process born in (or joined to) a user namespace has every capability there, but as an
  // unmapped uid it would lose them at execve. With `keep_caps_last` >= 0 the child raises every
  // permitted capability up to that number as ambient (inheritable first) before it executes, so
  // the program keeps them; the program is expected to set its final sets itself.
  int keep_caps_last = -1;
};

// The program's process, a child of the caller (killed and reaped if dropped unreleased).
Result<sys::ChildProcess> launch(const LaunchRequest& request);

}  // namespace hull::nsexec

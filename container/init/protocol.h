// hull-init: the program that becomes the container's init (and `hull exec`'s process) until it
// execs the user's program. The parent (container/launcher.h) starts it from a sealed memfd in
// the new namespaces, with its InitPlan (container/init/plan.h) in a memfd, and then talks to it
// over a SOCK_SEQPACKET socketpair, one record per packet:
//   parent -> init   'M' + mount index, with one fd: a bind tree the parent built
//                    (container/mount_trees.h), zero or more of these, before
//   parent -> init   'B' + bootstrap message (nsexec/bootstrap.h): the namespaces it was created
//                    in and those to join, setgroups, oom_score_adj; sent once the id maps are
//                    written
//   init -> parent   'H'  mounts are ready: run prestart/createRuntime hooks now
//   parent -> init   'h' + state  hooks done (the state for createContainer hooks, if any)
//   init -> parent   'N'  with one fd: the seccomp notify listener, for listenerPath
//   init -> parent   'R'  ready: rootfs pivoted, executable found; init now waits for `start`
//   init -> parent   'E' + ErrorRecord (base/error.h, base::wire) a failure; then it exits
// `start` connects to the exec socket (<state>/exec.sock) that init accepts on and sends 'S' +
// state; init execs the user process, and the accepted connection (CLOEXEC) closes on a
// successful exec, or carries 'E' + ErrorRecord when it failed.
#pragma once

namespace hull::container {

inline constexpr char kMsgMountTree = 'M';
inline constexpr char kMsgBootstrap = 'B';
inline constexpr char kMsgHooks = 'H';
inline constexpr char kMsgHooksDone = 'h';
inline constexpr char kMsgReady = 'R';
inline constexpr char kMsgError = 'E';
inline constexpr char kMsgStart = 'S';
inline constexpr char kMsgSeccompFd = 'N';

// hull-init's argv[0]; argv[1] is the descriptor holding the encoded InitPlan.
inline constexpr const char* kInitProgramName = "hull-init";

}  // namespace hull::container

// The foreground terminal of `hull run` / `hull exec -t` when no --console-socket is given: hull
// plays the engine's part, takes the pty master itself and copies between it and its own stdio,
// with the caller's terminal in raw mode, until the container process exits.
#pragma once

#include "base/result.h"
#include "container/container.h"
#include "sys/process.h"
#include "sys/socket.h"
#include "sys/unique_fd.h"

namespace hull::cli {

// The socketpair whose second end goes to the container as its console socket.
base::Result<sys::FdPair> console_pair();
// Receives the master from the pair's first end.
base::Result<sys::UniqueFd> receive_master(sys::FdRef ours);
// Forwards signals to `child` (and the proxy's window size) until it exits; with a master, also
// copies stdio. Returns the child's exit status in the shell's encoding.
base::Result<int> supervise(sys::ChildProcess& child, sys::FdRef master);
// `run` and `restore` in the foreground: supervises the container's init (kept as hull's child)
// with the container unlocked, so others may `state`, `kill` or `exec` meanwhile; then deletes
// the container (under runtime root `root`) unless `keep`, as runc does once the process is gone.
base::Result<int> supervise_container(container::Container& c, const std::string& root,
                                      sys::FdRef master, bool keep);

}  // namespace hull::cli

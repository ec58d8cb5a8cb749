// The engine's side of a unix socket that hull sends a descriptor to (--console-socket, a seccomp
// listener). Plain libc, no gtest: console_receiver, a program of its own, uses it too.
#pragma once

#include <string>

namespace hull::testing {

// A listening unix stream socket at `path` (CLOEXEC). It is bound under "<path>.tmp" and renamed,
// so that `path` appears only once a connection can be made. -1 with errno set on failure.
int listen_unix(const std::string& path);
// Receives one message on `conn` and the descriptor it carries (SCM_RIGHTS, received CLOEXEC):
// the fd, or -1 when the message has none (errno set when recvmsg failed). `message` gets its
// bytes.
int receive_fd(int conn, std::string& message);

}  // namespace hull::testing

// Sockets and pipes: socketpairs for parent/child sync, unix-socket connect/listen, and fd passing
// with SCM_RIGHTS (console masters, seccomp listeners). Everything is created CLOEXEC.
#pragma once

#include <sys/socket.h>

#include <span>
#include <string>
#include <utility>
#include <vector>

#include "base/result.h"
#include "sys/unique_fd.h"

namespace hull::sys {

using base::Result;

struct FdPair {
  UniqueFd first, second;
};

Result<FdPair> socketpair(int type);  // AF_UNIX; type SOCK_SEQPACKET or SOCK_STREAM
Result<FdPair> pipe();                // first = read end, second = write end

Result<UniqueFd> unix_connect(const std::string& path, int type);
// Binds and listens on `path` (which must not exist).
Result<UniqueFd> unix_listen(const std::string& path, int type);
Result<UniqueFd> accept(FdRef listener, const std::string& what);

// Sends `data` (at least one byte) with `fds` attached as SCM_RIGHTS.
Result<> send_with_fds(FdRef sock, std::string_view data, std::span<const int> fds,
                       const std::string& what);
struct Received {
  std::string data;
  std::vector<UniqueFd> fds;
};
// Receives one message of at most `max` bytes with up to 4 fds; a truncated message is an error.
// When a peer closed with data of ours unread (the kernel's ECONNRESET), the records it sent
// before closing are still returned, then end of file (an empty message), as after a clean close.
Result<Received> recv_with_fds(FdRef sock, size_t max, const std::string& what);

}  // namespace hull::sys

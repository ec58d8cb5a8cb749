#include "sys/socket.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <string>

namespace hull::sys {

using base::Error;
using base::fail;

Result<FdPair> socketpair(int type) {
  int fds[2];
  if (::socketpair(AF_UNIX, type | SOCK_CLOEXEC, 0, fds) < 0)
    return fail(Error::from_errno(errno, "socketpair"));
  return FdPair{UniqueFd(fds[0]), UniqueFd(fds[1])};
}

Result<FdPair> pipe() {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) < 0) return fail(Error::from_errno(errno, "pipe2"));
  return FdPair{UniqueFd(fds[0]), UniqueFd(fds[1])};
}

namespace {

// A socket address for `path`. sun_path holds 107 bytes; engines put state in deep directories
// (Docker: <exec-root>/runtime-runc/moby/<64 hex id>/exec.sock), so a longer path is reached
// through its directory: `dir` is opened O_PATH and the address becomes /proc/self/fd/N/<name>.
struct UnixAddress {
  sockaddr_un addr{};
  UniqueFd dir;  // keeps /proc/self/fd/N valid until bind/connect is done
};

Result<UnixAddress> unix_address(const std::string& path) {
  UnixAddress a;
  a.addr.sun_family = AF_UNIX;
  std::string name = path;
  if (path.size() >= sizeof a.addr.sun_path) {
    size_t slash = path.rfind('/');
    if (slash == std::string::npos || path.size() - slash >= sizeof a.addr.sun_path - 32)
      return fail(Error::from_errno(ENAMETOOLONG, "unix socket path", path));
    std::string parent = slash == 0 ? "/" : path.substr(0, slash);
    a.dir = UniqueFd(::open(parent.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!a.dir) return fail(Error::from_errno(errno, "open", parent));
    name = "/proc/self/fd/" + std::to_string(a.dir.get()) + path.substr(slash);
  }
  std::memcpy(a.addr.sun_path, name.c_str(), name.size() + 1);
  return a;
}

}  // namespace

Result<UniqueFd> unix_connect(const std::string& path, int type) {
  UnixAddress a = TRY(unix_address(path));
  UniqueFd fd(::socket(AF_UNIX, type | SOCK_CLOEXEC, 0));
  if (!fd) return fail(Error::from_errno(errno, "socket"));
  // SAFETY: sockaddr_un is the address type for AF_UNIX sockets.
  if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&a.addr), sizeof a.addr) < 0)
    return fail(Error::from_errno(errno, "connect", path));
  return fd;
}

Result<UniqueFd> unix_listen(const std::string& path, int type) {
  UnixAddress a = TRY(unix_address(path));
  UniqueFd fd(::socket(AF_UNIX, type | SOCK_CLOEXEC, 0));
  if (!fd) return fail(Error::from_errno(errno, "socket"));
  // SAFETY: sockaddr_un is the address type for AF_UNIX sockets.
  if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&a.addr), sizeof a.addr) < 0)
    return fail(Error::from_errno(errno, "bind", path));
  if (::listen(fd.get(), 4) < 0) return fail(Error::from_errno(errno, "listen", path));
  return fd;
}

Result<UniqueFd> accept(FdRef listener, const std::string& what) {
  for (;;) {
    int fd = ::accept4(listener.get(), nullptr, nullptr, SOCK_CLOEXEC);
    if (fd >= 0) return UniqueFd(fd);
    if (errno != EINTR) return fail(Error::from_errno(errno, "accept", what));
  }
}

Result<> send_with_fds(FdRef sock, std::string_view data, std::span<const int> fds,
                       const std::string& what) {
  if (data.empty() || fds.size() > 4) return fail(Error::invalid("send_with_fds: bad arguments"));
  iovec iov{const_cast<char*>(data.data()), data.size()};
  alignas(cmsghdr) char control[CMSG_SPACE(4 * sizeof(int))] = {};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  if (!fds.empty()) {
    msg.msg_control = control;
    msg.msg_controllen = CMSG_SPACE(fds.size() * sizeof(int));
    cmsghdr* cmsg = CMSG_FIRSTHDR(&msg);
    cmsg->cmsg_level = SOL_SOCKET;
    cmsg->cmsg_type = SCM_RIGHTS;
    cmsg->cmsg_len = CMSG_LEN(fds.size() * sizeof(int));
    std::memcpy(CMSG_DATA(cmsg), fds.data(), fds.size() * sizeof(int));
  }
  for (;;) {
    ssize_t n = ::sendmsg(sock.get(), &msg, MSG_NOSIGNAL);
    if (n >= 0) {
      if (static_cast<size_t>(n) != data.size())
        return fail(
            Error::protocol(fmt::format("{}: short send ({} of {} bytes)", what, n, data.size())));
      return {};
    }
    if (errno != EINTR) return fail(Error::from_errno(errno, "sendmsg", what));
  }
}

Result<Received> recv_with_fds(FdRef sock, size_t max, const std::string& what) {
  Received out;
  // Uninitialised, so that only the pages the message lands on are touched: zeroing a 1 MiB
  // buffer (string::resize) cost every container start 256 page faults.
  std::unique_ptr<char[]> buf(new char[max]);
  iovec iov{buf.get(), max};
  alignas(cmsghdr) char control[CMSG_SPACE(4 * sizeof(int))] = {};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  ssize_t n;
  bool reset = false;
  for (;;) {
    n = ::recvmsg(sock.get(), &msg, MSG_CMSG_CLOEXEC | (reset ? MSG_DONTWAIT : 0));
    if (n >= 0) break;
    if (errno == EINTR) continue;
    // A peer that closed with our data unread resets the socket, and the kernel reports that
    // before the records the peer had sent: fetch those (its last words, often an error); with
    // none left the next read is end of file.
    if (errno == ECONNRESET && !reset) {
      reset = true;
      continue;
    }
    return fail(Error::from_errno(errno, "recvmsg", what));
  }
  for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
    if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
    size_t count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
    for (size_t i = 0; i < count; ++i) {
      int fd;
      std::memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof fd);
      out.fds.emplace_back(fd);
    }
  }
  if (msg.msg_flags & (MSG_TRUNC | MSG_CTRUNC))
    return fail(Error::protocol(fmt::format("{}: message truncated (buffer {} bytes)", what, max)));
  out.data.assign(buf.get(), static_cast<size_t>(n));
  return out;
}

}  // namespace hull::sys

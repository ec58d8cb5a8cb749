// Plays an engine's side of --console-socket: listens on a unix socket, receives the pty
// master over SCM_RIGHTS, optionally types `input` into it, then copies everything the
// container writes to stdout until the last slave closes (EIO) or `timeout_s` passes.
//
// usage: console_receiver SOCKET_PATH [TIMEOUT_S [INPUT]]
// Exit: 0 after EIO/EOF, 2 usage, 3 socket errors, 4 no fd received, 5 timeout (alarm).
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

namespace {

int fail(int code, const char* what) {
  fprintf(stderr, "console_receiver: %s: %s\n", what, strerror(errno));
  return code;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || argc > 4) {
    fprintf(stderr, "usage: console_receiver SOCKET_PATH [TIMEOUT_S [INPUT]]\n");
    return 2;
  }
  alarm(argc >= 3 ? static_cast<unsigned>(atoi(argv[2])) : 20U);
  int srv = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (srv < 0) return fail(3, "socket");
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (strlen(argv[1]) >= sizeof addr.sun_path) return fail(2, "socket path too long");
  strcpy(addr.sun_path, argv[1]);
  // Bind under a temporary name and rename: the test waits for the final name to appear.
  char tmp[sizeof addr.sun_path + 8];
  snprintf(tmp, sizeof tmp, "%s.tmp", argv[1]);
  sockaddr_un tmp_addr = addr;
  if (strlen(tmp) >= sizeof tmp_addr.sun_path) return fail(2, "socket path too long");
  strcpy(tmp_addr.sun_path, tmp);
  unlink(tmp);
  if (bind(srv, reinterpret_cast<sockaddr*>(&tmp_addr), sizeof tmp_addr) < 0) return fail(3, "bind");
  if (listen(srv, 1) < 0) return fail(3, "listen");
  if (rename(tmp, argv[1]) < 0) return fail(3, "rename");
  int conn = accept4(srv, nullptr, nullptr, SOCK_CLOEXEC);
  if (conn < 0) return fail(3, "accept");

  char data[256];
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))];
  iovec iov{data, sizeof data};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  ssize_t n;
  do {
    n = recvmsg(conn, &msg, MSG_CMSG_CLOEXEC);
  } while (n < 0 && errno == EINTR);
  if (n < 0) return fail(3, "recvmsg");
  int master = -1;
  for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
    if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) memcpy(&master, CMSG_DATA(c), sizeof master);
  }
  if (master < 0) {
    fprintf(stderr, "console_receiver: no fd in a %zd-byte message\n", n);
    return 4;
  }
  close(conn);
  close(srv);
  struct stat st;
  if (fstat(master, &st) == 0) fprintf(stderr, "console_receiver: got a %s\n", S_ISCHR(st.st_mode) ? "char device" : "non-device");
  if (argc == 4) {
    size_t len = strlen(argv[3]);
    if (write(master, argv[3], len) != static_cast<ssize_t>(len)) return fail(3, "write");
  }
  char buf[4096];
  for (;;) {
    n = read(master, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;  // EIO: every slave is closed, the container's process is gone
    if (write(1, buf, static_cast<size_t>(n)) != n) return fail(3, "write stdout");
  }
  return 0;
}

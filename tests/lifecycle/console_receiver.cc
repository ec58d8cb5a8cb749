// Plays an engine's side of --console-socket: listens on a unix socket, receives the pty
// master over SCM_RIGHTS, optionally types `input` into it, then copies everything the
// container writes to stdout until the last slave closes (EIO) or `timeout_s` passes.
//
// usage: console_receiver SOCKET_PATH [TIMEOUT_S [INPUT]]
// Exit: 0 after EIO/EOF, 2 usage, 3 socket errors, 4 no fd received, SIGALRM on timeout.
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string>

#include "tests/harness/unix_socket.h"

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
  // The socket appears under its final name only once it listens: the test waits for that name.
  int srv = hull::testing::listen_unix(argv[1]);
  if (srv < 0) return fail(3, "listen");
  int conn = accept4(srv, nullptr, nullptr, SOCK_CLOEXEC);
  if (conn < 0) return fail(3, "accept");

  std::string message;
  int master = hull::testing::receive_fd(conn, message);
  if (master < 0) {
    fprintf(stderr, "console_receiver: no fd in a %zu-byte message\n", message.size());
    return 4;
  }
  close(conn);
  close(srv);
  struct stat st;
  if (fstat(master, &st) == 0)
    fprintf(stderr, "console_receiver: got a %s\n",
            S_ISCHR(st.st_mode) ? "char device" : "non-device");
  if (argc == 4) {
    size_t len = strlen(argv[3]);
    if (write(master, argv[3], len) != static_cast<ssize_t>(len)) return fail(3, "write");
  }
  char buf[4096];
  for (;;) {
    ssize_t n = read(master, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;  // EIO: every slave is closed, the container's process is gone
    if (write(1, buf, static_cast<size_t>(n)) != n) return fail(3, "write stdout");
  }
  return 0;
}

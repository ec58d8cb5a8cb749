// Container::start: created -> running.
#include <sys/socket.h>

#include "base/log.h"
#include "container/container.h"
#include "container/hooks.h"
#include "container/init/protocol.h"
#include "container/internal/operation.h"
#include "container/launcher.h"
#include "sys/file.h"
#include "sys/socket.h"

namespace hull::container {

using base::Error;
using base::fail;
using sys::FdRef;

Result<> Container::start() {
  return in_operation("start", id(), [&] { return start_process(); });
}

Result<> Container::start_process() {
  Status s = TRY(status());
  if (s != Status::Created) {
    // runc's words for each refusal.
    return fail(Error::invalid_state(
        s == Status::Stopped ? "cannot start a container that has stopped"
        : s == Status::Running
            ? "cannot start an already running container"
            : fmt::format("cannot start a container in the {} state", status_name(s))));
  }
  std::string sock = dir() + "/exec.sock";
  sys::UniqueFd conn = TRY(sys::unix_connect(sock, SOCK_SEQPACKET));
  std::string msg(1, kMsgStart);
  // Only startContainer hooks need the state; a huge one would not fit one SEQPACKET record.
  if (m_config->hooks && !m_config->hooks->start_container.empty())
    msg += oci_state_json(m_state, Status::Created, false);
  TRY(sys::write_all(conn, msg, "exec socket"));
  // init closes the connection by exec'ing (CLOEXEC), or reports why it could not.
  auto reply = TRY(sys::recv_with_fds(conn, 1 << 16, "exec socket"));
  (void)sys::unlinkat(AT_FDCWD, sock, 0);
  if (!reply.data.empty()) {
    if (reply.data[0] == kMsgError) return fail(init_error(std::string_view(reply.data).substr(1)));
    return fail(Error::protocol("exec socket: unexpected reply"));
  }
  if (m_config->hooks && !m_config->hooks->poststart.empty()) {
    // poststart failures are warnings, as the spec says; the container keeps running.
    auto r = run_hooks_in(m_state.bundle, "poststart", m_config->hooks->poststart,
                          oci_state_json(m_state, Status::Running, false));
    if (!r.has_value()) HULL_LOG_WARN("{}", r.error().message());
  }
  return {};
}

}  // namespace hull::container

#include "criu/criu_client.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <signal.h>

#include <vector>

#include "criu/internal/codec.h"
#include "sys/file.h"
#include "sys/socket.h"
#include "sys/spawn.h"

namespace hull::criu {

using base::Error;
using base::ErrorKind;
using base::fail;

std::string_view request_type_name(RequestType type) {
  switch (type) {
    case RequestType::Empty: return "EMPTY";
    case RequestType::Dump: return "DUMP";
    case RequestType::Restore: return "RESTORE";
    case RequestType::Check: return "CHECK";
    case RequestType::PreDump: return "PRE_DUMP";
    case RequestType::PageServer: return "PAGE_SERVER";
    case RequestType::Notify: return "NOTIFY";
    case RequestType::CpuinfoDump: return "CPUINFO_DUMP";
    case RequestType::CpuinfoCheck: return "CPUINFO_CHECK";
    case RequestType::FeatureCheck: return "FEATURE_CHECK";
    case RequestType::Version: return "VERSION";
    case RequestType::WaitPid: return "WAIT_PID";
    case RequestType::PageServerChild: return "PAGE_SERVER_CHLD";
    case RequestType::SinglePreDump: return "SINGLE_PRE_DUMP";
  }
  return "unknown request type";
}

std::string default_log_file(RequestType type) {
  switch (type) {
    case RequestType::Dump: return "dump.log";
    case RequestType::PreDump:
    case RequestType::SinglePreDump: return "pre-dump.log";
    case RequestType::Restore: return "restore.log";
    case RequestType::Empty:
    case RequestType::Check:
    case RequestType::PageServer:
    case RequestType::Notify:
    case RequestType::CpuinfoDump:
    case RequestType::CpuinfoCheck:
    case RequestType::FeatureCheck:
    case RequestType::Version:
    case RequestType::WaitPid:
    case RequestType::PageServerChild: return "criu.log";
  }
  return "criu.log";
}

std::string log_hint(const CriuOptions* opts, RequestType type) {
  if (opts == nullptr) return {};
  int dir_fd = opts->work_dir_fd >= 0 ? opts->work_dir_fd : opts->images_dir_fd;
  std::string file = opts->log_file.empty() ? default_log_file(type) : opts->log_file;
  // criu chdir()s to the work dir through /proc/<hull>/fd/N; the same link names it for humans.
  auto dir = sys::readlinkat(AT_FDCWD, fmt::format("/proc/self/fd/{}", dir_fd));
  if (!dir.has_value()) return fmt::format("see {} in the work directory (fd {})", file, dir_fd);
  return fmt::format("see {}/{}", *dir, file);
}

namespace {

// "(00.096368) Error (criu/protobuf.c:72): Unexpected EOF" -> "Unexpected EOF"; trims the newline.
std::string_view strip_log_prefix(std::string_view line) {
  size_t error = line.find("Error (");
  if (error != std::string_view::npos) {
    size_t end = line.find("): ", error);
    if (end != std::string_view::npos) line.remove_prefix(end + 3);
  }
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r' || line.back() == ' '))
    line.remove_suffix(1);
  return line;
}

}  // namespace

std::string last_log_error(std::string_view log) {
  std::string_view last;
  while (!log.empty()) {
    size_t nl = log.find('\n');
    std::string_view line = log.substr(0, nl);
    log = nl == std::string_view::npos ? std::string_view() : log.substr(nl + 1);
    if (line.find(" Error (") == std::string_view::npos) continue;
    std::string_view text = strip_log_prefix(line);
    if (text.ends_with("FAILED.")) continue;  // "Dumping FAILED.", "Restoring FAILED."
    last = text;
  }
  return std::string(last);
}

Result<> check_response(const Response& resp, RequestType requested, std::string_view hint,
                        std::string_view last_error) {
  if (resp.success) return {};
  std::string msg = fmt::format("criu {} failed", request_type_name(requested));
  if (resp.type != requested)
    msg += fmt::format(" (criu answered {})", request_type_name(resp.type));
  if (resp.cr_errno && *resp.cr_errno != 0)
    msg += fmt::format(": errno {} ({})", *resp.cr_errno, base::errno_name(*resp.cr_errno));
  std::string_view first = strip_log_prefix(resp.cr_errmsg);
  if (!first.empty()) msg += fmt::format(": {}", first);
  if (!last_error.empty() && last_error != first)
    msg += fmt::format("; last error: {}", last_error);
  if (!hint.empty()) msg += fmt::format("; {}", hint);
  return fail(Error::make(ErrorKind::Child, std::move(msg)));
}

namespace {

// The cause of a failure as criu logged it; empty when there is no log to read.
std::string read_last_error(const Request& req) {
  if (req.opts == nullptr) return {};
  int dir = req.opts->work_dir_fd >= 0 ? req.opts->work_dir_fd : req.opts->images_dir_fd;
  std::string file = req.opts->log_file.empty() ? default_log_file(req.type) : req.opts->log_file;
  auto log = sys::read_file_at(dir, file);
  return log.has_value() ? last_log_error(*log) : std::string();
}

}  // namespace

Result<CriuClient> CriuClient::start(const std::string& criu_path, std::span<const int> inherited) {
  sys::FdPair pair = TRY(sys::socketpair(SOCK_SEQPACKET));
  std::vector<int> fds = {-1, -1, -1, pair.second.get()};
  fds.insert(fds.end(), inherited.begin(), inherited.end());
  std::vector<std::string> argv = {criu_path, "swrk", "3"};
  sys::ChildProcess child =
      TRY(sys::spawn(argv, fds).map_error(base::context("starting criu swrk")));
  pair.second.reset();  // criu holds its end; ours must go so criu's exit reads as EOF
  return CriuClient(std::move(pair.first), std::move(child), criu_path);
}

CriuClient CriuClient::adopt(sys::UniqueFd socket, sys::ChildProcess child, std::string criu_path) {
  return CriuClient(std::move(socket), std::move(child), std::move(criu_path));
}

CriuClient::~CriuClient() {
  // Close first: a criu still waiting for a request (pre-dump) then sees EOF. ChildProcess's own
  // destructor kills and reaps whatever is left.
  m_socket.reset();
}

Error CriuClient::unexpected_eof(RequestType type, const std::string& hint) {
  std::string msg =
      fmt::format("unexpected EOF: criu closed the RPC socket before answering {} ({})",
                  request_type_name(type), exit_description());
  if (!hint.empty()) msg += "; " + hint;
  return Error::protocol(std::move(msg));
}

Result<> CriuClient::send(const Request& req, RequestType call_type, const std::string& hint) {
  std::string data = internal::encode_request(req);
  auto sent = sys::send_with_fds(m_socket, data, {},
                                 fmt::format("criu {} request", request_type_name(req.type)));
  // A criu that died before reading gets the same report as one that died before answering.
  if (!sent.has_value() &&
      (sent.error().errno_code() == EPIPE || sent.error().errno_code() == ECONNRESET))
    return fail(unexpected_eof(call_type, hint));
  return sent;
}

std::string CriuClient::exit_description() {
  if (m_child.pid() <= 0) return "criu is gone";
  // criu closes its socket only when it exits; give it a moment to be reaped for the message.
  auto exited = sys::pidfd_exited(m_child.pidfd(), 2000);
  if (!exited.has_value() || !*exited) return "criu is still running";
  auto status = m_child.wait();
  if (!status.has_value()) return "criu's exit status is unknown";
  if (status->signal != 0) return fmt::format("criu was killed by signal {}", status->signal);
  return fmt::format("criu exited with status {}", status->code);
}

Result<CriuClient::Packet> CriuClient::receive(const Request& req, const std::string& hint) {
  auto what = fmt::format("criu response to {}", request_type_name(req.type));
  auto received = sys::recv_with_fds(m_socket, kMaxResponseSize, what);
  if (!received.has_value()) {
    Error e = std::move(received).error();
    // A peer that exits with our request unread resets the connection instead of closing it.
    if (e.errno_code() == ECONNRESET) return fail(unexpected_eof(req.type, hint));
    // SEQPACKET keeps packet boundaries: a larger packet is cut and flagged MSG_TRUNC.
    if (e.kind() == ErrorKind::Protocol)
      return fail(Error::protocol(
          fmt::format("{} truncated: the packet is larger than the {}-byte receive buffer", what,
                      kMaxResponseSize)));
    return fail(std::move(e));
  }
  // criu never sends an empty packet: zero bytes is the peer's close.
  if (received->data.empty()) return fail(unexpected_eof(req.type, hint));
  Response resp = TRY(internal::decode_response(received->data).map_error(base::context(what)));
  return Packet{std::move(resp), std::move(received->fds)};
}

Result<> CriuClient::answer_notify(const Notify& notify, std::vector<sys::UniqueFd>& fds,
                                   CriuNotifyHandler* handler,
                                   std::optional<base::Error>& handler_error, RequestType call_type,
                                   const std::string& hint) {
  // After one handler failure criu is told to stop; later scripts are acknowledged as failed
  // without running the handler again.
  bool ok = !handler_error.has_value();
  if (ok && handler != nullptr) {
    Result<> r = {};
    if (notify.script == "orphan-pts-master") {
      if (fds.empty()) {
        r = fail(Error::protocol("criu sent orphan-pts-master without a descriptor"));
      } else {
        r = handler->on_orphan_pts_master(std::move(fds.front()));
      }
    } else {
      r = handler->on_notify(notify.script, notify.pid);
    }
    if (!r.has_value()) {
      handler_error = std::move(r).error().context("criu notify " + notify.script);
      ok = false;
    }
  }
  Request reply;
  reply.type = RequestType::Notify;
  reply.notify_success = ok;
  return send(reply, call_type, hint);
}

Result<Response> CriuClient::call(const Request& req, CriuNotifyHandler* handler) {
  VERIFY(m_socket.is_valid());
  std::string hint = log_hint(req.opts, req.type);
  TRY(send(req, req.type, hint));
  std::optional<Error> handler_error;
  for (;;) {
    Packet packet = TRY(receive(req, hint));
    Response& resp = packet.response;
    switch (resp.type) {
      case RequestType::Notify:
        if (!resp.notify)
          return fail(Error::protocol("criu sent a NOTIFY message without its notify field"));
        TRY(answer_notify(*resp.notify, packet.fds, handler, handler_error, req.type, hint));
        continue;
      case RequestType::Empty:
        // criu's answer to a request it cannot parse or does not know ("Invalid req").
        if (!resp.success) {
          if (handler_error) return fail(std::move(*handler_error));
          TRY(check_response(resp, req.type, hint, read_last_error(req)));
        }
        return fail(Error::protocol(
            fmt::format("criu answered {} with an EMPTY response", request_type_name(req.type))));
      case RequestType::Dump:
      case RequestType::Restore:
      case RequestType::Check:
      case RequestType::PreDump:
      case RequestType::PageServer:
      case RequestType::CpuinfoDump:
      case RequestType::CpuinfoCheck:
      case RequestType::FeatureCheck:
      case RequestType::Version:
      case RequestType::WaitPid:
      case RequestType::PageServerChild:
      case RequestType::SinglePreDump:
        if (resp.type != req.type)
          return fail(Error::protocol(fmt::format("criu answered a {} request with {}",
                                                  request_type_name(req.type),
                                                  request_type_name(resp.type))));
        // The handler's own error explains a rollback better than criu's "script error".
        if (handler_error) return fail(std::move(*handler_error));
        if (!resp.success) TRY(check_response(resp, req.type, hint, read_last_error(req)));
        return std::move(resp);
    }
    return fail(Error::protocol("criu response of unknown type"));
  }
}

Result<> CriuClient::finish() {
  m_socket.reset();
  if (m_child.pid() <= 0) return {};
  sys::ExitStatus status = TRY(m_child.wait().map_error(base::context("waiting for criu")));
  if (status.signal != 0)
    return fail(Error::make(
        ErrorKind::Child, fmt::format("criu ({}) was killed by signal {}", m_path, status.signal)));
  if (status.code != 0)
    return fail(Error::make(ErrorKind::Child,
                            fmt::format("criu ({}) exited with status {}", m_path, status.code)));
  return {};
}

}  // namespace hull::criu

// The RPC session with one `criu swrk 3` child, following runc's criuSwrk
// (libcontainer/criu_linux.go): a SOCK_SEQPACKET socketpair whose far end is criu's fd 3, one
// protobuf message per packet each way, an explicit NOTIFY loop, a truncation check, and an
// exhaustive switch on the response type. Request and Response mirror rpc.proto's criu_req and
// criu_resp without exposing protobuf; criu/internal/codec.h converts.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "criu/criu.h"
#include "sys/process.h"
#include "sys/unique_fd.h"

namespace hull::criu {

// criu_req_type, value for value.
enum class RequestType : int32_t {
  Empty = 0,
  Dump = 1,
  Restore = 2,
  Check = 3,
  PreDump = 4,
  PageServer = 5,
  Notify = 6,
  CpuinfoDump = 7,
  CpuinfoCheck = 8,
  FeatureCheck = 9,
  Version = 10,
  WaitPid = 11,
  PageServerChild = 12,
  SinglePreDump = 13,
};
// "DUMP", "RESTORE", ... as rpc.proto spells them; "type <n>" for values outside the enum.
std::string_view request_type_name(RequestType type);

// criu_features: a query (true = "tell me") or an answer (true = supported).
struct Features {
  bool mem_track = false;
  bool lazy_pages = false;
  bool pidfd_store = false;
  bool operator==(const Features&) const = default;
};

// criu's fd number of inherit_fds[i] is kFirstInheritedFd + i (fd 3 is the RPC socket).
inline constexpr int kFirstInheritedFd = 4;

struct Request {
  RequestType type = RequestType::Empty;
  const CriuOptions* opts = nullptr;  // borrowed; needed by DUMP, PRE_DUMP, RESTORE
  std::optional<Features> features;   // FEATURE_CHECK
  bool notify_scripts = false;        // ask criu for NOTIFY messages (set when a handler exists)
  bool notify_success = false;        // NOTIFY replies
};

struct Notify {
  std::string script;
  int32_t pid = 0;
  bool operator==(const Notify&) const = default;
};

struct Response {
  RequestType type = RequestType::Empty;
  bool success = false;
  std::optional<int32_t> cr_errno;
  std::string cr_errmsg;
  std::optional<bool> dump_restored;    // DUMP: true if this was the "restored" side of a self-dump
  std::optional<int32_t> restored_pid;  // RESTORE
  std::optional<Notify> notify;         // NOTIFY
  std::optional<Features> features;     // FEATURE_CHECK
  std::optional<Version> version;       // VERSION
  std::optional<int32_t> status;        // WAIT_PID
  bool operator==(const Response&) const = default;
};

// The largest response hull accepts. criu's answers are a few hundred bytes (cr_errmsg is one
// log line); runc reads into 40 KiB.
inline constexpr size_t kMaxResponseSize = 64 * 1024;

// Owns the RPC socket and the criu child. Destruction closes the socket, then kills and reaps
// criu if it is still there, so no failure path leaves a criu process behind.
class CriuClient {
 public:
  // Starts `<criu_path> swrk 3`: fd 3 is criu's end of the socketpair, fds 4, 5, ... are
  // `inherited` in order, stdio is /dev/null, every other fd is closed.
  static Result<CriuClient> start(const std::string& criu_path,
                                  std::span<const int> inherited = {});
  // A client over an existing socket and child: for tests that play criu's side with crafted
  // packets (faults that real criu cannot be made to produce).
  static CriuClient adopt(sys::UniqueFd socket, sys::ChildProcess child, std::string criu_path);

  CriuClient(CriuClient&&) = default;
  CriuClient& operator=(CriuClient&&) = default;
  ~CriuClient();

  // Sends `req`, answers NOTIFY messages through `handler` (which may be null), and returns the
  // response to `req`. A response with success=false is a Child error naming cr_errno, cr_errmsg
  // and the log file ("see /path/dump.log"). A NOTIFY reply uses no options.
  Result<Response> call(const Request& req, CriuNotifyHandler* handler = nullptr);
  // Closes the socket and waits for criu: a non-zero exit or a signal is a Child error.
  Result<> finish();

 private:
  CriuClient(sys::UniqueFd socket, sys::ChildProcess child, std::string criu_path)
      : m_socket(std::move(socket)), m_child(std::move(child)), m_path(std::move(criu_path)) {}

  // `call_type` and `hint` describe the call in progress for the EOF report.
  Result<> send(const Request& req, RequestType call_type, const std::string& hint);
  base::Error unexpected_eof(RequestType call_type, const std::string& hint);
  // One response packet and any descriptors attached to it.
  struct Packet {
    Response response;
    std::vector<sys::UniqueFd> fds;
  };
  Result<Packet> receive(const Request& req, const std::string& log_hint);
  Result<> answer_notify(const Notify& notify, std::vector<sys::UniqueFd>& fds,
                         CriuNotifyHandler* handler, std::optional<base::Error>& handler_error,
                         RequestType call_type, const std::string& hint);
  std::string exit_description();

  sys::UniqueFd m_socket;
  sys::ChildProcess m_child;
  std::string m_path;
};

// "see /var/lib/x/work/dump.log": where criu wrote the log for `opts` (work dir, else images dir),
// read back from /proc/self/fd. Empty when opts is null.
std::string log_hint(const CriuOptions* opts, RequestType type);
// The default log file name per operation: "dump.log", "pre-dump.log", "restore.log".
std::string default_log_file(RequestType type);

// The last "Error (file:line): ..." message in a criu log, without its prefix, skipping the final
// "Dumping FAILED." summary; empty if there is none. criu's cr_errmsg is the *first* error,
// which is often noise (e.g. "rlimit: Can't setup RLIMIT_NOFILE"), the last one is the cause.
std::string last_log_error(std::string_view log);

// Maps a response that ends the call to an error when it reports failure: Child with
// "criu <TYPE> failed: errno N (ENAME): <cr_errmsg>; last error: <last>; see <log>".
Result<> check_response(const Response& resp, RequestType requested, std::string_view log_hint,
                        std::string_view last_error = {});

}  // namespace hull::criu

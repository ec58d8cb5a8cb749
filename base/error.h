// hull's one error type. Every fallible call in hull returns Result<T> (base/result.h) whose error
// is an Error: a kind to branch on, the errno when a system call failed, the operation and its
// subject (path, id, pid), a free-form detail, and a chain of context frames added on the way up.
//
//   Error::from_errno(EACCES, "mount proc on", "/run/x/rootfs/proc").context("create \"web\"")
//   .message() == "create \"web\": mount proc on /run/x/rootfs/proc: Permission denied (EACCES)"
//
// Errors are move-only so that one failure is reported once.
#pragma once

#include <fmt/format.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

namespace hull::base {

// Where an error was made. SourceLocation needs a builtin that clang 14 (the fuzz build)
// lacks, so this uses the older __builtin_FILE/__builtin_LINE that g++ and clang both have.
struct SourceLocation {
  static constexpr SourceLocation current(const char* file = __builtin_FILE(),
                                          int line = __builtin_LINE()) {
    return SourceLocation{file, line};
  }
  const char* file_name() const { return m_file; }
  int line() const { return m_line; }
  const char* m_file = "";
  int m_line = 0;
};

enum class ErrorKind {
  Sys,              // a system call failed; errno_code() says why
  InvalidArgument,  // the caller's input is wrong (config, flags, id)
  NotFound,         // the named thing does not exist (container id, file)
  InvalidState,     // the request does not fit the object's state (start of a running container)
  Protocol,         // a peer sent something malformed (bootstrap message, CRIU, console socket)
  Unsupported,      // this host or build lacks what the request needs
  AlreadyExists,    // the named thing exists already (container id)
  Child,            // a child process failed (hook, criu); detail has its status
};

// An Error's content without its source location, to carry it to another process (hull's init
// reports its failures to the parent this way, base/wire.h) and rebuild it there: the kind and
// errno survive, so the parent can branch on them as on its own errors.
struct ErrorRecord {
  ErrorKind kind = ErrorKind::Sys;
  int32_t err = 0;
  std::string op, subject, detail;
  std::vector<std::string> context;
  auto fields() { return std::tie(kind, err, op, subject, detail, context); }
  auto fields() const { return std::tie(kind, err, op, subject, detail, context); }
};

class [[nodiscard]] Error {
 public:
  // A failed system call: `op` names the call ("openat2", "mount proc on"), `subject` what it
  // acted on.
  static Error from_errno(int err, std::string op, std::string subject = {},
                          SourceLocation where = SourceLocation::current());
  // Any other failure, with a message that stands on its own.
  static Error make(ErrorKind kind, std::string detail,
                    SourceLocation where = SourceLocation::current());
  static Error invalid(std::string detail, SourceLocation where = SourceLocation::current()) {
    return make(ErrorKind::InvalidArgument, std::move(detail), where);
  }
  static Error protocol(std::string detail, SourceLocation where = SourceLocation::current()) {
    return make(ErrorKind::Protocol, std::move(detail), where);
  }
  static Error not_found(std::string detail, SourceLocation where = SourceLocation::current()) {
    return make(ErrorKind::NotFound, std::move(detail), where);
  }
  static Error invalid_state(std::string detail, SourceLocation where = SourceLocation::current()) {
    return make(ErrorKind::InvalidState, std::move(detail), where);
  }
  static Error unsupported(std::string detail, SourceLocation where = SourceLocation::current()) {
    return make(ErrorKind::Unsupported, std::move(detail), where);
  }

  Error(Error&&) = default;
  Error& operator=(Error&&) = default;
  Error(const Error&) = delete;
  Error& operator=(const Error&) = delete;

  // Appends one frame; the newest frame is printed first ("outer: inner: cause").
  Error&& context(std::string frame) &&;
  Error& context(std::string frame) &;

  ErrorKind kind() const { return m_kind; }
  int errno_code() const { return m_errno; }
  const std::string& op() const { return m_op; }
  const std::string& subject() const { return m_subject; }
  const std::string& detail() const { return m_detail; }
  const SourceLocation& where() const { return m_where; }
  // The cause alone, without context frames.
  std::string cause() const;
  // One line a user can act on: frames, then the cause.
  std::string message() const;
  // An explicit copy, for the rare place that must both keep and return an error.
  Error clone() const;
  // The content, and an Error rebuilt from it (located where from_record is called).
  ErrorRecord record() const;
  static Error from_record(ErrorRecord r, SourceLocation where = SourceLocation::current());

 private:
  Error(ErrorKind kind, int err, SourceLocation where)
      : m_kind(kind), m_errno(err), m_where(where) {}

  ErrorKind m_kind;
  int m_errno = 0;
  std::string m_op;
  std::string m_subject;
  std::string m_detail;
  std::vector<std::string> m_context;
  SourceLocation m_where;
};

// "ENOENT" for ENOENT; "E<n>" for an errno the C library cannot name.
std::string errno_name(int err);
// "No such file or directory (ENOENT)".
std::string describe_errno(int err);

}  // namespace hull::base

template <>
struct fmt::formatter<hull::base::Error> : fmt::formatter<std::string_view> {
  template <typename Ctx>
  auto format(const hull::base::Error& e, Ctx& ctx) const {
    return fmt::formatter<std::string_view>::format(e.message(), ctx);
  }
};

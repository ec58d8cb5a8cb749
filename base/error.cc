#include "base/error.h"

#include <cstring>

namespace hull::base {

Error Error::from_errno(int err, std::string op, std::string subject, SourceLocation where) {
  Error e(ErrorKind::Sys, err, where);
  e.m_op = std::move(op);
  e.m_subject = std::move(subject);
  return e;
}

Error Error::make(ErrorKind kind, std::string detail, SourceLocation where) {
  Error e(kind, 0, where);
  e.m_detail = std::move(detail);
  return e;
}

Error&& Error::context(std::string frame) && {
  m_context.push_back(std::move(frame));
  return std::move(*this);
}

Error& Error::context(std::string frame) & {
  m_context.push_back(std::move(frame));
  return *this;
}

std::string Error::cause() const {
  std::string out = m_op;
  if (!m_subject.empty()) {
    if (!out.empty()) out += ' ';
    out += m_subject;
  }
  if (!m_detail.empty()) {
    if (!out.empty()) out += ": ";
    out += m_detail;
  }
  if (m_errno != 0) {
    if (!out.empty()) out += ": ";
    out += describe_errno(m_errno);
  }
  return out;
}

std::string Error::message() const {
  std::string out;
  for (auto it = m_context.rbegin(); it != m_context.rend(); ++it) {
    out += *it;
    out += ": ";
  }
  out += cause();
  return out;
}

Error Error::clone() const {
  Error e(m_kind, m_errno, m_where);
  e.m_op = m_op;
  e.m_subject = m_subject;
  e.m_detail = m_detail;
  e.m_context = m_context;
  return e;
}

ErrorRecord Error::record() const {
  return ErrorRecord{m_kind, m_errno, m_op, m_subject, m_detail, m_context};
}

Error Error::from_record(ErrorRecord r, SourceLocation where) {
  // A kind this build does not know came from a confused peer.
  auto k = static_cast<int>(r.kind);
  if (k < static_cast<int>(ErrorKind::Sys) || k > static_cast<int>(ErrorKind::Child))
    r.kind = ErrorKind::Protocol;
  Error e(r.kind, r.err, where);
  e.m_op = std::move(r.op);
  e.m_subject = std::move(r.subject);
  e.m_detail = std::move(r.detail);
  e.m_context = std::move(r.context);
  return e;
}

std::string errno_name(int err) {
  const char* name = strerrorname_np(err);
  return name != nullptr ? std::string(name) : fmt::format("E{}", err);
}

std::string describe_errno(int err) {
  return fmt::format("{} ({})", strerrordesc_np(err) ? strerrordesc_np(err) : "Unknown error",
                     errno_name(err));
}

}  // namespace hull::base

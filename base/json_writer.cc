#include "base/json_writer.h"

#include <fmt/format.h>

namespace hull::base {

void json_quote(std::string& out, std::string_view s) {
  out += '"';
  for (char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out += fmt::format("\\u{:04x}", static_cast<unsigned>(static_cast<unsigned char>(c)));
        } else {
          out += c;
        }
    }
  }
  out += '"';
}

void JsonWriter::newline() {
  if (m_indent == 0) return;
  m_out += '\n';
  m_out.append(m_first.size() * static_cast<size_t>(m_indent), ' ');
}

void JsonWriter::before_value() {
  if (m_after_key) {
    m_after_key = false;
    return;
  }
  if (!m_first.empty()) {
    if (!m_first.back()) m_out += ',';
    m_first.back() = false;
    newline();
  }
}

JsonWriter& JsonWriter::begin_object() {
  before_value();
  m_out += '{';
  m_first.push_back(true);
  return *this;
}

JsonWriter& JsonWriter::close(char bracket) {
  bool empty = m_first.back();
  m_first.pop_back();
  if (!empty) newline();
  m_out += bracket;
  return *this;
}

JsonWriter& JsonWriter::end_object() { return close('}'); }

JsonWriter& JsonWriter::begin_array() {
  before_value();
  m_out += '[';
  m_first.push_back(true);
  return *this;
}

JsonWriter& JsonWriter::end_array() { return close(']'); }

JsonWriter& JsonWriter::key(std::string_view k) {
  before_value();
  json_quote(m_out, k);
  m_out += m_indent ? ": " : ":";
  m_after_key = true;
  return *this;
}

JsonWriter& JsonWriter::value(std::string_view s) {
  before_value();
  json_quote(m_out, s);
  return *this;
}

JsonWriter& JsonWriter::value(bool b) {
  before_value();
  m_out += b ? "true" : "false";
  return *this;
}

JsonWriter& JsonWriter::value(int64_t n) {
  before_value();
  m_out += fmt::format("{}", n);
  return *this;
}

JsonWriter& JsonWriter::value(uint64_t n) {
  before_value();
  m_out += fmt::format("{}", n);
  return *this;
}

JsonWriter& JsonWriter::value(double d) {
  before_value();
  m_out += fmt::format("{}", d);
  return *this;
}

JsonWriter& JsonWriter::null() {
  before_value();
  m_out += "null";
  return *this;
}

JsonWriter& JsonWriter::raw(std::string_view json) {
  before_value();
  m_out += json;
  return *this;
}

}  // namespace hull::base

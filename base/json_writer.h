// A small streaming JSON writer. simdjson only reads; hull writes state.json, `hull spec`,
// `hull state`, events and log lines with this. Output is compact unless `indent` is set.
//
//   JsonWriter w;  w.begin_object(); w.key("id"); w.value("web"); w.end_object();
//   w.str() == R"({"id":"web"})"
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace hull::base {

// Appends `s` to `out` as a quoted JSON string (UTF-8 passes through, controls are escaped).
void json_quote(std::string& out, std::string_view s);

class JsonWriter {
 public:
  explicit JsonWriter(int indent = 0) : m_indent(indent) {}

  JsonWriter& begin_object();
  JsonWriter& end_object();
  JsonWriter& begin_array();
  JsonWriter& end_array();
  JsonWriter& key(std::string_view k);
  JsonWriter& value(std::string_view s);
  JsonWriter& value(const char* s) { return value(std::string_view(s)); }
  JsonWriter& value(const std::string& s) { return value(std::string_view(s)); }
  JsonWriter& value(bool b);
  JsonWriter& value(int64_t n);
  JsonWriter& value(uint64_t n);
  JsonWriter& value(int n) { return value(static_cast<int64_t>(n)); }
  JsonWriter& value(uint32_t n) { return value(static_cast<uint64_t>(n)); }
  JsonWriter& value(double d);
  JsonWriter& null();
  // Inserts already-serialised JSON (e.g. a stored config) as one value.
  JsonWriter& raw(std::string_view json);

  // Shorthands for "key": value.
  template <typename V>
  JsonWriter& field(std::string_view k, const V& v) {
    key(k);
    return value(v);
  }

  const std::string& str() const { return m_out; }
  std::string take() { return std::move(m_out); }

 private:
  void before_value();
  JsonWriter& close(char bracket);
  void newline();

  std::string m_out;
  std::vector<bool> m_first;  // one per open container: no element written yet
  bool m_after_key = false;
  int m_indent;
};

}  // namespace hull::base

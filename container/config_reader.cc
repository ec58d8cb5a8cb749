#include "container/internal/config_reader.h"

#include <fmt/format.h>

#include "base/json_writer.h"

namespace hull::container::detail {

std::string_view json_type_name(dom::element_type t) {
  switch (t) {
    case dom::element_type::ARRAY: return "array";
    case dom::element_type::OBJECT: return "object";
    case dom::element_type::INT64:
    case dom::element_type::UINT64:
    case dom::element_type::DOUBLE: return "number";
    case dom::element_type::STRING: return "string";
    case dom::element_type::BOOL: return "boolean";
    case dom::element_type::NULL_VALUE: return "null";
  }
  return "unknown";
}

base::Error path_error(std::string_view path, std::string_view what) {
  return base::Error::invalid(fmt::format("{}: {}", path.empty() ? "top level" : path, what));
}

base::Error type_error(std::string_view path, std::string_view expected, dom::element e) {
  return path_error(path, fmt::format("expected {}, got {}", expected, json_type_name(e.type())));
}

std::string index_path(std::string_view path, size_t i) { return fmt::format("{}[{}]", path, i); }

std::string entry_path(std::string_view path, std::string_view key) {
  std::string out(path);
  out += '[';
  base::json_quote(out, key);
  out += ']';
  return out;
}

Result<std::string> to_string(dom::element e, const std::string& path) {
  std::string_view s;
  if (e.get(s) != simdjson::SUCCESS) return base::fail(type_error(path, "string", e));
  return std::string(s);
}

Result<bool> to_bool(dom::element e, const std::string& path) {
  bool b = false;
  if (e.get(b) != simdjson::SUCCESS) return base::fail(type_error(path, "boolean", e));
  return b;
}

namespace {

base::Error not_integer(const std::string& path, dom::element e) {
  if (e.type() == dom::element_type::DOUBLE) {
    double d = 0;
    VERIFY(e.get(d) == simdjson::SUCCESS);
    return path_error(path, fmt::format("expected integer, got {}", d));
  }
  return type_error(path, "integer", e);
}

}  // namespace

Result<int64_t> to_int64(dom::element e, const std::string& path, int64_t min, int64_t max) {
  int64_t v = 0;
  if (e.type() == dom::element_type::UINT64) {
    uint64_t u = 0;
    VERIFY(e.get(u) == simdjson::SUCCESS);
    return base::fail(path_error(path, fmt::format("{} is out of range ({} to {})", u, min, max)));
  }
  if (e.type() != dom::element_type::INT64 || e.get(v) != simdjson::SUCCESS) {
    return base::fail(not_integer(path, e));
  }
  if (v < min || v > max) {
    return base::fail(path_error(path, fmt::format("{} is out of range ({} to {})", v, min, max)));
  }
  return v;
}

Result<uint64_t> to_uint64(dom::element e, const std::string& path, uint64_t max) {
  uint64_t v = 0;
  if (e.type() == dom::element_type::INT64) {
    int64_t s = 0;
    VERIFY(e.get(s) == simdjson::SUCCESS);
    if (s < 0) {
      return base::fail(path_error(path, fmt::format("must not be negative, got {}", s)));
    }
    v = static_cast<uint64_t>(s);
  } else if (e.type() != dom::element_type::UINT64 || e.get(v) != simdjson::SUCCESS) {
    return base::fail(not_integer(path, e));
  }
  if (v > max) {
    return base::fail(path_error(path, fmt::format("{} is out of range (0 to {})", v, max)));
  }
  return v;
}

Result<JsonObject> JsonObject::from(dom::element e, std::string path) {
  dom::object obj;
  if (e.get(obj) != simdjson::SUCCESS) return base::fail(type_error(path, "object", e));
  return JsonObject(obj, std::move(path));
}

std::string JsonObject::path_of(std::string_view key) const {
  return fmt::format("{}.{}", m_path, key);
}

std::optional<dom::element> JsonObject::find(std::string_view key) const {
  dom::element e;
  if (m_obj.at_key(key).get(e) != simdjson::SUCCESS) return std::nullopt;
  if (e.is_null()) return std::nullopt;
  return e;
}

Result<> JsonObject::require(std::string_view key) const {
  if (!has(key)) return base::fail(path_error(path_of(key), "required field missing"));
  return {};
}

Result<> JsonObject::get(std::string_view key, std::string& out) const {
  if (auto e = find(key)) out = TRY(to_string(*e, path_of(key)));
  return {};
}

Result<> JsonObject::get(std::string_view key, bool& out) const {
  if (auto e = find(key)) out = TRY(to_bool(*e, path_of(key)));
  return {};
}

Result<> JsonObject::get(std::string_view key, std::optional<bool>& out) const {
  if (auto e = find(key)) out = TRY(to_bool(*e, path_of(key)));
  return {};
}

Result<> JsonObject::get(std::string_view key, std::vector<std::string>& out) const {
  std::vector<std::string> v;
  auto each_string = [&](dom::element e, const std::string& p) -> Result<> {
    v.push_back(TRY(to_string(e, p)));
    return {};
  };
  TRY(each(key, each_string));
  if (has(key)) out = std::move(v);
  return {};
}

Result<> JsonObject::get(std::string_view key, std::map<std::string, std::string>& out) const {
  std::map<std::string, std::string> m;
  auto each_entry = [&](std::string_view k, dom::element e, const std::string& p) -> Result<> {
    m[std::string(k)] = TRY(to_string(e, p));
    return {};
  };
  TRY(each_member(key, each_entry));
  if (has(key)) out = std::move(m);
  return {};
}

Result<std::optional<JsonObject>> JsonObject::object(std::string_view key) const {
  auto e = find(key);
  if (!e) return std::optional<JsonObject>();
  return std::optional<JsonObject>(TRY(from(*e, path_of(key))));
}

Result<dom::element> parse_json(dom::parser& parser, std::string_view json) {
  dom::element root;
  // The parser copies the input into a padded buffer; simdjson gives no error offset in DOM mode.
  auto err = parser.parse(json.data(), json.size(), true).get(root);
  if (err != simdjson::SUCCESS) {
    return base::fail(base::Error::invalid(
        fmt::format("invalid JSON: {}", simdjson::error_message(err))));
  }
  return root;
}

}  // namespace hull::container::detail

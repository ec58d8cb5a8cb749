#include "container/internal/config_reader.h"

#include <fmt/format.h>

#include "base/json_writer.h"

namespace hull::container::detail {

std::string_view json_type_name(json::Type t) { return json::type_name(t); }

base::Error path_error(std::string_view path, std::string_view what) {
  return base::Error::invalid(fmt::format("{}: {}", path.empty() ? "top level" : path, what));
}

base::Error type_error(std::string_view path, std::string_view expected, json::Value e) {
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

Result<std::string> to_string(json::Value e, const std::string& path) {
  if (!e.is_string()) return base::fail(type_error(path, "string", e));
  return std::string(e.as_string());
}

Result<bool> to_bool(json::Value e, const std::string& path) {
  if (!e.is_bool()) return base::fail(type_error(path, "boolean", e));
  return e.as_bool();
}

namespace {

base::Error not_integer(const std::string& path, json::Value e) {
  if (e.type() == json::Type::Double)
    return path_error(path, fmt::format("expected integer, got {}", e.as_double()));
  return type_error(path, "integer", e);
}

}  // namespace

Result<int64_t> to_int64(json::Value e, const std::string& path, int64_t min, int64_t max) {
  if (e.type() == json::Type::Uint64)
    return base::fail(
        path_error(path, fmt::format("{} is out of range ({} to {})", e.as_uint64(), min, max)));
  if (e.type() != json::Type::Int64) return base::fail(not_integer(path, e));
  int64_t v = e.as_int64();
  if (v < min || v > max) {
    return base::fail(path_error(path, fmt::format("{} is out of range ({} to {})", v, min, max)));
  }
  return v;
}

Result<uint64_t> to_uint64(json::Value e, const std::string& path, uint64_t max) {
  uint64_t v = 0;
  if (e.type() == json::Type::Int64) {
    int64_t s = e.as_int64();
    if (s < 0) {
      return base::fail(path_error(path, fmt::format("must not be negative, got {}", s)));
    }
    v = static_cast<uint64_t>(s);
  } else if (e.type() == json::Type::Uint64) {
    v = e.as_uint64();
  } else {
    return base::fail(not_integer(path, e));
  }
  if (v > max) {
    return base::fail(path_error(path, fmt::format("{} is out of range (0 to {})", v, max)));
  }
  return v;
}

Result<JsonObject> JsonObject::from(json::Value e, std::string path) {
  if (!e.is_object()) return base::fail(type_error(path, "object", e));
  return JsonObject(e, std::move(path));
}

std::string JsonObject::path_of(std::string_view key) const {
  return fmt::format("{}.{}", m_path, key);
}

std::optional<json::Value> JsonObject::find(std::string_view key) const {
  auto e = m_obj.find(key);
  if (!e || e->is_null()) return std::nullopt;
  return e;
}

Result<> JsonObject::require(std::string_view key) const {
  if (!has(key)) return base::fail(path_error(path_of(key), "required field missing"));
  return {};
}

Result<json::Document> parse_json(std::string_view text) { return json::parse(text); }

}  // namespace hull::container::detail

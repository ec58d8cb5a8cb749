// Private to the config parser: typed reads from a base::json DOM that name the JSON path of every
// error (".process.args[2]: expected string, got number"). Absent keys and JSON null both leave
// the output untouched, as Go's encoding/json does for runc; so optional fields stay unset.
#pragma once

#include <concepts>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/json.h"
#include "base/result.h"
#include "container/config.h"

namespace hull::container::detail {

namespace json = base::json;

// "string", "number", "object", ...
std::string_view json_type_name(json::Type t);
// "<path>: <what>" as an InvalidArgument error; the empty path reads "top level".
base::Error path_error(std::string_view path, std::string_view what);
base::Error type_error(std::string_view path, std::string_view expected, json::Value e);
std::string index_path(std::string_view path, size_t i);
std::string entry_path(std::string_view path, std::string_view key);

Result<std::string> to_string(json::Value e, const std::string& path);
Result<bool> to_bool(json::Value e, const std::string& path);
// Any integer type; negative values for unsigned T, fractions and out-of-range values fail.
Result<int64_t> to_int64(json::Value e, const std::string& path, int64_t min, int64_t max);
Result<uint64_t> to_uint64(json::Value e, const std::string& path, uint64_t max);

template <std::integral T>
Result<T> to_int(json::Value e, const std::string& path) {
  if constexpr (std::is_unsigned_v<T>) {
    return static_cast<T>(TRY(to_uint64(e, path, std::numeric_limits<T>::max())));
  } else {
    return static_cast<T>(TRY(to_int64(e, path, std::numeric_limits<T>::min(),
                                       std::numeric_limits<T>::max())));
  }
}

// A JSON object and its path, with typed getters keyed by field name.
class JsonObject {
 public:
  static Result<JsonObject> from(json::Value e, std::string path);

  const std::string& path() const { return m_path; }
  std::string path_of(std::string_view key) const;
  // The value of `key`, or nullopt when it is absent or null.
  std::optional<json::Value> find(std::string_view key) const;
  bool has(std::string_view key) const { return find(key).has_value(); }
  // Fails with "<path>.<key>: required field missing" unless `key` has a non-null value.
  Result<> require(std::string_view key) const;

  Result<> get(std::string_view key, std::string& out) const;
  Result<> get(std::string_view key, bool& out) const;
  Result<> get(std::string_view key, std::optional<bool>& out) const;
  Result<> get(std::string_view key, std::vector<std::string>& out) const;
  Result<> get(std::string_view key, std::map<std::string, std::string>& out) const;

  template <std::integral T>
  Result<> get(std::string_view key, T& out) const {
    if (auto e = find(key)) out = TRY(to_int<T>(*e, path_of(key)));
    return {};
  }
  template <std::integral T>
  Result<> get(std::string_view key, std::optional<T>& out) const {
    if (auto e = find(key)) out = TRY(to_int<T>(*e, path_of(key)));
    return {};
  }

  // The nested object under `key`, or nullopt when absent.
  Result<std::optional<JsonObject>> object(std::string_view key) const;

  // Calls fn(element, path) for every element of the array under `key`.
  template <typename Fn>
  Result<> each(std::string_view key, Fn&& fn) const {
    auto e = find(key);
    if (!e) return {};
    std::string p = path_of(key);
    if (!e->is_array()) return base::fail(type_error(p, "array", *e));
    for (size_t i = 0; i < e->size(); ++i) TRY(fn(e->element(i), index_path(p, i)));
    return {};
  }

  // Calls fn(name, element, path) for every member of the object under `key`.
  template <typename Fn>
  Result<> each_member(std::string_view key, Fn&& fn) const {
    auto sub = TRY(object(key));
    if (!sub) return {};
    for (size_t i = 0; i < sub->m_obj.size(); ++i) {
      TRY(fn(sub->m_obj.key(i), sub->m_obj.member(i), entry_path(sub->m_path, sub->m_obj.key(i))));
    }
    return {};
  }

 private:
  JsonObject(json::Value obj, std::string path) : m_obj(obj), m_path(std::move(path)) {}

  json::Value m_obj;  // an object
  std::string m_path;
};

// Parses JSON text (base::json: strict, duplicate keys refused with their path).
Result<json::Document> parse_json(std::string_view text);

// Shared between the top level, exec --process and update --resources.
Result<Process> parse_process_object(const JsonObject& o);
Result<Resources> parse_resources_object(const JsonObject& o);
Result<Linux> parse_linux_object(const JsonObject& o);
Result<std::vector<IdMapping>> parse_id_mappings(const JsonObject& o, std::string_view key);

}  // namespace hull::container::detail

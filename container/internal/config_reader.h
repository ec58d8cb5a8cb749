// Private to the config parser: typed reads from a simdjson DOM that name the JSON path of every
// error (".process.args[2]: expected string, got number"). Absent keys and JSON null both leave
// the output untouched, as Go's encoding/json does for runc; so optional fields stay unset.
#pragma once

#include <simdjson.h>

#include <concepts>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "container/config.h"

namespace hull::container::detail {

namespace dom = simdjson::dom;

// "string", "number", "object", ...
std::string_view json_type_name(dom::element_type t);
// "<path>: <what>" as an InvalidArgument error; the empty path reads "top level".
base::Error path_error(std::string_view path, std::string_view what);
base::Error type_error(std::string_view path, std::string_view expected, dom::element e);
std::string index_path(std::string_view path, size_t i);
std::string entry_path(std::string_view path, std::string_view key);

Result<std::string> to_string(dom::element e, const std::string& path);
Result<bool> to_bool(dom::element e, const std::string& path);
// Any integer type; negative values for unsigned T, fractions and out-of-range values fail.
Result<int64_t> to_int64(dom::element e, const std::string& path, int64_t min, int64_t max);
Result<uint64_t> to_uint64(dom::element e, const std::string& path, uint64_t max);

template <std::integral T>
Result<T> to_int(dom::element e, const std::string& path) {
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
  static Result<JsonObject> from(dom::element e, std::string path);

  const std::string& path() const { return m_path; }
  std::string path_of(std::string_view key) const;
  // The value of `key`, or nullopt when it is absent or null.
  std::optional<dom::element> find(std::string_view key) const;
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
    dom::array arr;
    if (e->get(arr) != simdjson::SUCCESS) return base::fail(type_error(p, "array", *e));
    size_t i = 0;
    for (dom::element item : arr) TRY(fn(item, index_path(p, i++)));
    return {};
  }

  // Calls fn(name, element, path) for every member of the object under `key`.
  template <typename Fn>
  Result<> each_member(std::string_view key, Fn&& fn) const {
    auto sub = TRY(object(key));
    if (!sub) return {};
    for (dom::key_value_pair kv : sub->m_obj) {
      TRY(fn(kv.key, kv.value, entry_path(sub->m_path, kv.key)));
    }
    return {};
  }

 private:
  JsonObject(dom::object obj, std::string path) : m_obj(obj), m_path(std::move(path)) {}

  dom::object m_obj;
  std::string m_path;
};

// Parses JSON text; the returned element lives as long as `parser`. An object anywhere that
// repeats a key is an error naming its path (".linux.resources: duplicate key \"memory\"").
Result<dom::element> parse_json(dom::parser& parser, std::string_view json);

// Shared between the top level, exec --process and update --resources.
Result<Process> parse_process_object(const JsonObject& o);
Result<Resources> parse_resources_object(const JsonObject& o);
Result<Linux> parse_linux_object(const JsonObject& o);
Result<std::vector<IdMapping>> parse_id_mappings(const JsonObject& o, std::string_view key);

}  // namespace hull::container::detail

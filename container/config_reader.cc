#include "container/internal/config_reader.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <vector>

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

namespace {

// One step of the path from the root to a value: a key, or an array index.
struct Step {
  bool is_index;
  size_t index;
  std::string_view key;
};

std::string render_path(const std::vector<Step>& at) {
  std::string out;
  for (const Step& s : at) {
    bool plain = !s.key.empty() && std::all_of(s.key.begin(), s.key.end(), [](char c) {
      return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
    });
    if (s.is_index) {
      out = index_path(out, s.index);
    } else if (plain) {
      out += '.';
      out += s.key;
    } else {
      out = entry_path(out, s.key);
    }
  }
  return out;
}

bool is_container(dom::element e) {
  auto t = e.type();
  return t == dom::element_type::OBJECT || t == dom::element_type::ARRAY;
}

// Finds the first object, at any depth, that repeats a key. One pass over the DOM: each key is
// compared with the earlier keys of its object (sizes first, so rarely a memcmp); an object with
// more than kLinear keys is also sorted at its end. Key lists are kept per depth and reused.
class DuplicateKeyCheck {
 public:
  Result<> run(dom::element root) { return walk(root); }

 private:
  static constexpr size_t kLinear = 16;

  base::Error duplicate(std::string_view key) const {
    std::string quoted;
    base::json_quote(quoted, key);
    return path_error(render_path(m_at), fmt::format("duplicate key {}", quoted));
  }

  Result<> walk(dom::element e) {
    dom::object obj;
    dom::array arr;
    if (e.get(obj) == simdjson::SUCCESS) {
      size_t depth = m_at.size();
      if (m_keys.size() <= depth) m_keys.resize(depth + 1);
      m_keys[depth].clear();
      for (dom::key_value_pair kv : obj) {
        std::vector<std::string_view>& keys = m_keys[depth];  // deeper levels may reallocate
        if (keys.size() < kLinear && std::find(keys.begin(), keys.end(), kv.key) != keys.end())
          return base::fail(duplicate(kv.key));
        keys.push_back(kv.key);
        if (!is_container(kv.value)) continue;
        m_at.push_back(Step{false, 0, kv.key});
        TRY(walk(kv.value));
        m_at.pop_back();
      }
      std::vector<std::string_view>& keys = m_keys[depth];
      if (keys.size() > kLinear) {
        std::sort(keys.begin(), keys.end());
        if (auto dup = std::adjacent_find(keys.begin(), keys.end()); dup != keys.end())
          return base::fail(duplicate(*dup));
      }
    } else if (e.get(arr) == simdjson::SUCCESS) {
      size_t i = 0;
      for (dom::element item : arr) {
        if (is_container(item)) {
          m_at.push_back(Step{true, i, {}});
          TRY(walk(item));
          m_at.pop_back();
        }
        ++i;
      }
    }
    return {};
  }

  std::vector<Step> m_at;  // the path from the root to the value being walked
  std::vector<std::vector<std::string_view>> m_keys;
};

}  // namespace

Result<dom::element> parse_json(dom::parser& parser, std::string_view json) {
  dom::element root;
  // The parser copies the input into a padded buffer; simdjson gives no error offset in DOM mode.
  auto err = parser.parse(json.data(), json.size(), true).get(root);
  if (err != simdjson::SUCCESS) {
    return base::fail(base::Error::invalid(
        fmt::format("invalid JSON: {}", simdjson::error_message(err))));
  }
  // Go's encoding/json (runc, containerd, Docker) keeps the last of two equal keys and simdjson
  // finds the first: the engine and hull would disagree on what runs. Refuse repeats.
  TRY(DuplicateKeyCheck().run(root));
  return root;
}

}  // namespace hull::container::detail

// Private to the config parser: typed reads from a base::json DOM that name the JSON path of every
// error (".process.args[2]: expected string, got number"). Absent keys and JSON null both leave
// the output untouched, as Go's encoding/json does for runc; so optional fields stay unset.
//
// Each struct of config.h is read from a table, kJsonFields<S>, that names every member once with
// its JSON key, in document order (which is also the order errors are found in):
//
//   template <>
// The tables keep one member per line (clang-format would pack them in columns).
// clang-format off
//   constexpr auto kJsonFields<Root> = std::tuple{
//       field("path", &Root::path, kNonEmpty),
//       field("readonly", &Root::readonly),
//   };
//
// read_object<S> walks the table; resources.cc writes and merges linux.resources from the same
// tables, so a member named there is read, written and merged alike. A table that leaves a member
// out does not compile (read_object counts them).
#pragma once

#include <concepts>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
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

// Calls fn(element, path) for every element of the array `e`.
template <typename Fn>
Result<> each_element(json::Value e, const std::string& path, Fn&& fn) {
  if (!e.is_array()) return base::fail(type_error(path, "array", e));
  for (size_t i = 0; i < e.size(); ++i) TRY(fn(e.element(i), index_path(path, i)));
  return {};
}

// Calls fn(name, value, path) for every member of the object `e`.
template <typename Fn>
Result<> each_member(json::Value e, const std::string& path, Fn&& fn) {
  if (!e.is_object()) return base::fail(type_error(path, "object", e));
  for (size_t i = 0; i < e.size(); ++i) TRY(fn(e.key(i), e.member(i), entry_path(path, e.key(i))));
  return {};
}

// Reads `e` into `out`: strings, booleans, integers, std::optional, std::vector, string-keyed
// std::map, and structs with a kJsonFields table. Defined below.
template <typename T>
Result<> read_value(json::Value e, const std::string& path, T& out);

// The structs whose table is in another file than a table that holds them; read_value picks
// these over the template (each is defined beside its table).
Result<> read_value(json::Value e, const std::string& path, IdMapping& out);  // config.cc
Result<> read_value(json::Value e, const std::string& path, Linux& out);      // config_linux.cc
Result<> read_value(json::Value e, const std::string& path, Resources& out);  // resources.cc

// A JSON object and its path, with typed getters keyed by field name.
class JsonObject {
 public:
  static Result<JsonObject> from(json::Value e, std::string path);

  std::string path_of(std::string_view key) const;
  // The value of `key`, or nullopt when it is absent or null.
  std::optional<json::Value> find(std::string_view key) const;
  bool has(std::string_view key) const { return find(key).has_value(); }
  // Fails with "<path>.<key>: required field missing" unless `key` has a non-null value.
  Result<> require(std::string_view key) const;

  // Reads `key` into `out` (read_value); absent or null leaves `out` as it is.
  template <typename T>
  Result<> get(std::string_view key, T& out) const {
    if (auto e = find(key)) TRY(read_value(*e, path_of(key), out));
    return {};
  }

 private:
  JsonObject(json::Value obj, std::string path) : m_obj(obj), m_path(std::move(path)) {}

  json::Value m_obj;  // an object
  std::string m_path;
};
// clang-format on

// --- tables ---

// What a member's value means beyond its type.
enum class Rule : uint8_t {
  Plain,
  Required,     // absent or null fails: "required field missing"
  NonEmpty,     // required, and an empty string or list fails: "must not be empty"
  ZeroIsUnset,  // an update's zero means "leave unchanged" (runc's update, Docker)
};
inline constexpr Rule kRequired = Rule::Required;
inline constexpr Rule kNonEmpty = Rule::NonEmpty;
inline constexpr Rule kZeroIsUnset = Rule::ZeroIsUnset;

// One member and its JSON key.
template <typename S, typename M>
struct Field {
  std::string_view key;
  M S::*member;
  Rule rule = Rule::Plain;
};

// A member read by a function of its own instead of read_value (a range or rule of its own).
template <typename S, typename M>
struct CustomField : Field<S, M> {
  Result<> (*read)(json::Value e, const std::string& path, M& out);
};

// One member kept one object further down: {"pids": {"limit": N}} for Resources::pids_limit.
template <typename S, typename M>
struct InnerField {
  std::string_view key, inner_key;
  M S::*member;
  Rule rule = Rule::Plain;
};

// A rule across members, run once the members before it in the table are read.
template <typename S>
struct Check {
  Result<> (*check)(const S& s, const JsonObject& o);
};

template <typename S, typename M>
constexpr Field<S, M> field(std::string_view key, M S::*member, Rule rule = Rule::Plain) {
  return {key, member, rule};
}
template <typename S, typename M>
constexpr CustomField<S, M> custom(std::string_view key, M S::*member,
                                   Result<> (*read)(json::Value, const std::string&, M&)) {
  return {{key, member, Rule::Plain}, read};
}
template <typename S, typename M>
constexpr InnerField<S, M> inner_field(std::string_view key, std::string_view inner_key,
                                       M S::*member, Rule rule = Rule::Plain) {
  return {key, inner_key, member, rule};
}
template <typename S>
constexpr Check<S> check(Result<> (*fn)(const S&, const JsonObject&)) {
  return {fn};
}

struct NoJsonFields {};
// Specialised next to each struct's other rules (config.cc, config_linux.cc, resources.cc).
template <typename S>
constexpr NoJsonFields kJsonFields{};

template <typename S>
concept HasJsonFields =
    !std::is_same_v<std::remove_cvref_t<decltype(kJsonFields<S>)>, NoJsonFields>;

template <typename T>
inline constexpr bool kIsOptional = false;
template <typename T>
inline constexpr bool kIsOptional<std::optional<T>> = true;
template <typename T>
inline constexpr bool kIsVector = false;
template <typename T>
inline constexpr bool kIsVector<std::vector<T>> = true;
template <typename T>
inline constexpr bool kIsStringMap = false;
template <typename T>
inline constexpr bool kIsStringMap<std::map<std::string, T>> = true;

// Calls fn(entry) for every entry of a table, in order, until one fails.
template <typename Table, typename Fn>
Result<> each_entry(const Table& table, Fn&& fn) {
  Result<> r;
  std::apply([&](const auto&... entry) { (void)((r = fn(entry)).has_value() && ...); }, table);
  return r;
}

// How many members an aggregate has: the most initialisers S{...} accepts (each one converts to
// anything). What proves that a table names every member.
struct AnyMember {
  template <typename T>
  operator T() const;
};
template <typename S, size_t... I>
constexpr bool takes_initializers(std::index_sequence<I...>) {
  return requires { S{(void(I), AnyMember{})...}; };
}
template <typename S, size_t N = 0>
constexpr size_t member_count() {
  if constexpr (!takes_initializers<S>(std::make_index_sequence<N + 1>())) {
    return N;
  } else {
    return member_count<S, N + 1>();
  }
}
template <typename T>
inline constexpr bool kIsCheck = false;
template <typename S>
inline constexpr bool kIsCheck<Check<S>> = true;
template <typename... Entry>
constexpr size_t field_count(const std::tuple<Entry...>&) {
  return (size_t{0} + ... + size_t{!kIsCheck<Entry>});
}

template <typename S, typename M, typename Read>
Result<> read_member(const JsonObject& o, S& s, const Field<S, M>& f, Read&& read) {
  if (f.rule == Rule::Required || f.rule == Rule::NonEmpty) TRY(o.require(f.key));
  auto e = o.find(f.key);
  if (!e) return {};
  std::string path = o.path_of(f.key);
  M& out = s.*f.member;
  TRY(read(*e, path, out));
  if constexpr (requires { out.empty(); }) {
    if (f.rule == Rule::NonEmpty && out.empty()) {
      return base::fail(path_error(path, "must not be empty"));
    }
  }
  return {};
}

template <typename S, typename M>
Result<> read_entry(const JsonObject& o, S& s, const Field<S, M>& f) {
  return read_member(o, s, f, [](json::Value e, const std::string& path, M& out) {
    return read_value(e, path, out);
  });
}

template <typename S, typename M>
Result<> read_entry(const JsonObject& o, S& s, const CustomField<S, M>& f) {
  return read_member(o, s, f, f.read);
}

template <typename S, typename M>
Result<> read_entry(const JsonObject& o, S& s, const InnerField<S, M>& f) {
  auto outer = o.find(f.key);
  if (!outer) return {};
  auto sub = TRY(JsonObject::from(*outer, o.path_of(f.key)));
  return sub.get(f.inner_key, s.*f.member);
}

template <typename S>
Result<> read_entry(const JsonObject& o, S& s, const Check<S>& c) {
  return c.check(s, o);
}

template <typename S>
Result<S> read_object(const JsonObject& o) {
  static_assert(member_count<S>() == field_count(kJsonFields<S>),
                "kJsonFields<S> must name every member of S: give the new member its line");
  S s;
  TRY(each_entry(kJsonFields<S>, [&](const auto& entry) { return read_entry(o, s, entry); }));
  return s;
}

template <typename S>
Result<S> read_object(json::Value e, const std::string& path) {
  JsonObject o = TRY(JsonObject::from(e, path));
  return read_object<S>(o);
}

template <typename T>
Result<> read_value(json::Value e, const std::string& path, T& out) {
  if constexpr (std::is_same_v<T, std::string>) {
    out = TRY(to_string(e, path));
  } else if constexpr (std::is_same_v<T, bool>) {
    out = TRY(to_bool(e, path));
  } else if constexpr (std::is_integral_v<T>) {
    out = TRY(to_int<T>(e, path));
  } else if constexpr (kIsOptional<T>) {
    typename T::value_type v{};
    TRY(read_value(e, path, v));
    out = std::move(v);
  } else if constexpr (kIsVector<T>) {
    T list;
    TRY(each_element(e, path, [&](json::Value item, const std::string& p) {
      return read_value(item, p, list.emplace_back());
    }));
    out = std::move(list);
  } else if constexpr (kIsStringMap<T>) {
    T map;
    TRY(each_member(e, path, [&](std::string_view key, json::Value item, const std::string& p) {
      return read_value(item, p, map[std::string(key)]);
    }));
    out = std::move(map);
  } else {
    static_assert(HasJsonFields<T>, "read_value: no kJsonFields<T> for this struct");
    out = TRY(read_object<T>(e, path));
  }
  return {};
}

// Parses JSON text (base::json: strict, duplicate keys refused with their path).
Result<json::Document> parse_json(std::string_view text);

// The struct of the whole text `json`, its paths relative to the top level.
template <typename S>
Result<S> parse_text(std::string_view json) {
  json::Document doc = TRY(parse_json(json));
  return read_object<S>(doc.root(), "");
}

}  // namespace hull::container::detail

// A bounds-checked binary encoding for plain structs passed between hull and its own init
// program (container/init), which are always built together: no versioning, no field tags.
//
// A struct takes part by naming its fields once:
//   struct Hook { std::string path; std::vector<std::string> args; std::optional<int> timeout;
//                 HULL_WIRE_FIELDS(path, args, timeout) };
//   std::string bytes = base::wire::encode(hook);
//   Hook back = TRY(base::wire::decode<Hook>(bytes));
//
// Supported: bool, integers, enums, std::string, std::vector, std::optional, std::map, std::pair,
// structs with fields(), and C structs without padding (as their bytes). Integers are 8 bytes
// little-endian; strings and containers a 4-byte count first. decode() checks every length against
// what is left, refuses values out of the target type's range and trailing bytes, and never
// allocates more than the input could hold.
#pragma once

#include <bit>
#include <concepts>
#include <cstdint>
#include <cstring>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "base/result.h"

// fields(), for reading and for writing: a std::tie of the members, in wire order.
#define HULL_WIRE_FIELDS(...)                     \
  auto fields() { return std::tie(__VA_ARGS__); } \
  auto fields() const { return std::tie(__VA_ARGS__); }

namespace hull::base::wire {

namespace detail {

template <typename T>
concept HasFields = requires(T& t) {
  t.fields();
};

// A C struct such as sock_filter, which cannot be given fields(): its bytes, when it has no
// padding (both ends are the same build, so layout and byte order agree).
template <typename T>
concept PlainBytes = std::is_class_v<T> && !HasFields<T> && std::is_trivially_copyable_v<T> &&
                     std::has_unique_object_representations_v<T>;

template <typename T>
struct IsVector : std::false_type {};
template <typename T>
struct IsVector<std::vector<T>> : std::true_type {};
template <typename T>
struct IsOptional : std::false_type {};
template <typename T>
struct IsOptional<std::optional<T>> : std::true_type {};
template <typename T>
struct IsMap : std::false_type {};
template <typename K, typename V>
struct IsMap<std::map<K, V>> : std::true_type {};
template <typename T>
struct IsPair : std::false_type {};
template <typename A, typename B>
struct IsPair<std::pair<A, B>> : std::true_type {};

static_assert(std::endian::native == std::endian::little, "wire assumes a little-endian host");

class Writer {
 public:
  template <typename T>
  void put(const T& v) {
    if constexpr (std::is_same_v<T, bool>) {
      m_out.push_back(v ? '\1' : '\0');
    } else if constexpr (std::is_enum_v<T>) {
      put(static_cast<std::underlying_type_t<T>>(v));
    } else if constexpr (std::is_integral_v<T>) {
      uint64_t u = static_cast<uint64_t>(v);  // sign-extended for negative values
      char b[8];
      std::memcpy(b, &u, 8);
      m_out.append(b, 8);
    } else if constexpr (std::is_same_v<T, std::string>) {
      count(v.size());
      m_out.append(v);
    } else if constexpr (IsVector<T>::value || IsMap<T>::value) {
      count(v.size());
      for (const auto& e : v) put(e);
    } else if constexpr (IsOptional<T>::value) {
      put(v.has_value());
      if (v) put(*v);
    } else if constexpr (IsPair<T>::value) {
      put(v.first);
      put(v.second);
    } else if constexpr (PlainBytes<T>) {
      m_out.append(reinterpret_cast<const char*>(&v), sizeof v);
    } else {
      static_assert(HasFields<T>, "wire: type has no fields()");
      std::apply([&](const auto&... f) { (put(f), ...); }, v.fields());
    }
  }
  std::string take() { return std::move(m_out); }

 private:
  void count(size_t n) {
    VERIFY(n <= UINT32_MAX);
    auto c = static_cast<uint32_t>(n);
    char b[4];
    std::memcpy(b, &c, 4);
    m_out.append(b, 4);
  }
  std::string m_out;
};

class Reader {
 public:
  explicit Reader(std::string_view in) : m_in(in) {}

  template <typename T>
  Result<> get(T& v) {
    if constexpr (std::is_same_v<T, bool>) {
      std::string_view b = TRY(take(1));
      if (b[0] != '\0' && b[0] != '\1') return fail("bad boolean");
      v = b[0] == '\1';
    } else if constexpr (std::is_enum_v<T>) {
      std::underlying_type_t<T> u{};
      TRY(get(u));
      v = static_cast<T>(u);
    } else if constexpr (std::is_integral_v<T>) {
      std::string_view b = TRY(take(8));
      uint64_t u = 0;
      std::memcpy(&u, b.data(), 8);
      if constexpr (std::is_signed_v<T>) {
        auto s = static_cast<int64_t>(u);
        if (!std::in_range<T>(s)) return fail("integer out of range");
        v = static_cast<T>(s);
      } else {
        if (!std::in_range<T>(u)) return fail("integer out of range");
        v = static_cast<T>(u);
      }
    } else if constexpr (std::is_same_v<T, std::string>) {
      uint32_t n = TRY(count());
      v = std::string(TRY(take(n)));
    } else if constexpr (IsVector<T>::value) {
      uint32_t n = TRY(count());
      v.clear();
      v.reserve(n);
      for (uint32_t i = 0; i < n; ++i) TRY(get(v.emplace_back()));
    } else if constexpr (IsMap<T>::value) {
      uint32_t n = TRY(count());
      v.clear();
      for (uint32_t i = 0; i < n; ++i) {
        std::pair<typename T::key_type, typename T::mapped_type> kv;
        TRY(get(kv));
        if (!v.insert(std::move(kv)).second) return fail("duplicate map key");
      }
    } else if constexpr (IsOptional<T>::value) {
      bool has = false;
      TRY(get(has));
      v.reset();
      if (has) TRY(get(v.emplace()));
    } else if constexpr (IsPair<T>::value) {
      TRY(get(v.first));
      TRY(get(v.second));
    } else if constexpr (PlainBytes<T>) {
      std::string_view b = TRY(take(sizeof v));
      std::memcpy(&v, b.data(), sizeof v);
    } else {
      static_assert(HasFields<T>, "wire: type has no fields()");
      Result<> r;
      std::apply([&](auto&... f) { ((r = r.has_value() ? get(f) : std::move(r)), ...); },
                 v.fields());
      return r;
    }
    return {};
  }

  bool done() const { return m_pos == m_in.size(); }

 private:
  static base::Error error(std::string_view what) {
    return base::Error::protocol(std::string("wire: ") + std::string(what));
  }
  static tl::unexpected<base::Error> fail(std::string_view what) {
    return tl::unexpected(error(what));
  }

  Result<std::string_view> take(size_t n) {
    if (n > m_in.size() - m_pos) return fail("truncated");
    std::string_view out = m_in.substr(m_pos, n);
    m_pos += n;
    return out;
  }
  // A count can be no larger than the bytes left: every element takes at least one.
  Result<uint32_t> count() {
    std::string_view b = TRY(take(4));
    uint32_t n = 0;
    std::memcpy(&n, b.data(), 4);
    if (n > m_in.size() - m_pos) return fail("count larger than the input");
    return n;
  }

  std::string_view m_in;
  size_t m_pos = 0;
};

}  // namespace detail

template <typename T>
std::string encode(const T& v) {
  detail::Writer w;
  w.put(v);
  return w.take();
}

// Errors are Protocol errors ("wire: truncated", ...).
template <typename T>
Result<T> decode(std::string_view bytes) {
  detail::Reader r(bytes);
  T v{};
  TRY(r.get(v));
  if (!r.done()) return tl::unexpected(base::Error::protocol("wire: trailing bytes"));
  return v;
}

}  // namespace hull::base::wire

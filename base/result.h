// Result<T> = tl::expected<T, Error>, marked [[nodiscard]], and the macros that move errors up:
//   TRY(expr)    evaluates a Result; returns its error from the enclosing function, else yields
//                its value (void-aware). Lambdas that use TRY must spell their return type.
//   MUST(expr)   for a Result that cannot fail by construction; aborts with file:line if it does.
//   VERIFY(cond) an invariant; aborts with file:line when false. Bugs are not errors.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <tl/expected.hpp>
#include <utility>

#include "base/error.h"

namespace hull::base {

template <typename T = void, typename E = Error>
class [[nodiscard]] Result : public tl::expected<T, E> {
 public:
  using tl::expected<T, E>::expected;
  Result(tl::expected<T, E>&& b) : tl::expected<T, E>(std::move(b)) {}  // NOLINT: from map/and_then
};

inline tl::unexpected<Error> fail(Error e) { return tl::unexpected<Error>(std::move(e)); }

// Adds one context frame to an error: `r.map_error(context("loading state of " + id))`.
inline auto context(std::string frame) {
  return [frame = std::move(frame)](Error e) { return std::move(e).context(frame); };
}

[[noreturn]] void verify_failed(const char* what, const char* file, int line);

namespace detail {
template <typename R>
decltype(auto) take_value(R&& r) {
  if constexpr (std::is_void_v<typename std::remove_cvref_t<R>::value_type>) {
    return;
  } else {
    return std::move(*r);
  }
}
}  // namespace detail

}  // namespace hull::base

#define TRY(expr)                                              \
  __extension__({                                              \
    auto&& try_result_ = (expr);                               \
    if (!try_result_.has_value()) [[unlikely]]                 \
      return ::tl::unexpected(std::move(try_result_).error()); \
    ::hull::base::detail::take_value(std::move(try_result_));  \
  })

#define MUST(expr)                                                                             \
  __extension__({                                                                              \
    auto&& must_result_ = (expr);                                                              \
    if (!must_result_.has_value()) [[unlikely]]                                                \
      ::hull::base::verify_failed(must_result_.error().message().c_str(), __FILE__, __LINE__); \
    ::hull::base::detail::take_value(std::move(must_result_));                                 \
  })

#define VERIFY(cond)                                                        \
  do {                                                                      \
    if (!(cond)) [[unlikely]]                                               \
      ::hull::base::verify_failed("VERIFY(" #cond ")", __FILE__, __LINE__); \
  } while (0)

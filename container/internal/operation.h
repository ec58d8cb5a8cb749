// The context frame of a public Container operation: `pause "web": container not running`.
// Every operation adds it here, once, around its whole body, so the CLI (which adds none) and
// library users read the same messages; errors made inside an operation do not repeat its verb
// or id. The verb is runc's (kill, delete, ps), which engines and users know.
#pragma once

#include <fmt/format.h>

#include <string>
#include <string_view>
#include <utility>

#include "base/result.h"

namespace hull::container {

// Runs `body` (returning a Result) and prefixes its error with `verb "id"`; the frame is
// formatted only on failure.
template <typename Body>
auto in_operation(std::string_view verb, const std::string& id, Body&& body) -> decltype(body()) {
  auto r = std::forward<Body>(body)();
  if (!r.has_value()) [[unlikely]]
    return tl::unexpected(std::move(r).error().context(fmt::format("{} \"{}\"", verb, id)));
  return r;
}

}  // namespace hull::container

// Lexical path cleaning, as Go's filepath.Clean (runc compares and resolves paths this way):
// repeated slashes collapse, "." components go, ".." removes the component before it (and at the
// root stays at the root). No file system access.
#pragma once

#include <string>
#include <string_view>

namespace hull::base {

// "/a//b/./c/../d" -> "/a/b/d"; "/../x" -> "/x"; "a/../.." -> ".."; "" -> ".".
std::string clean_path(std::string_view path);

}  // namespace hull::base

// Lexical path cleaning, as Go's filepath.Clean (runc compares and resolves paths this way):
// repeated slashes collapse, "." components go, ".." removes the component before it (and at the
// root stays at the root). No file system access.
#pragma once

#include <string>
#include <string_view>

namespace hull::base {

// "/a//b/./c/../d" -> "/a/b/d"; "/../x" -> "/x"; "a/../.." -> ".."; "" -> ".".
std::string clean_path(std::string_view path);

// True if `path` is `dir` or lies below it, comparing whole components ("/a/bc" is not below
// "/a/b"). Both are absolute and clean.
bool is_at_or_below(std::string_view path, std::string_view dir);

}  // namespace hull::base

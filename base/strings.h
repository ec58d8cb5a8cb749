// Splitting text without copying it: the pieces are views into the input, which must outlive
// them. For the kernel's line- and field-oriented files (mountinfo, flat-keyed cgroup files,
// /proc/net/dev) and path components.
#pragma once

#include <string_view>
#include <vector>

namespace hull::base {

// Every `sep` splits, so empty pieces stay: "a,,b" -> {"a", "", "b"}; "a\n" -> {"a", ""};
// "" -> {""}. Callers skip the empty ones they do not want.
std::vector<std::string_view> split(std::string_view text, char sep);
// The fields of `text` separated by runs of white space (space, tab, newline, ...); no empty
// ones: "  a\t b " -> {"a", "b"}.
std::vector<std::string_view> split_fields(std::string_view text);
// `text` without leading and trailing spaces, tabs and newlines (a cgroup file's "512\n").
std::string_view trim(std::string_view text);

}  // namespace hull::base

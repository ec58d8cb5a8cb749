// hull's JSON output (state, list, ps, events, state.json) read with simdjson: an independent
// reader, so the tests do not check hull's writer with hull's own parser.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>

namespace hull::testing {

// The value at a JSON pointer ("/status", "/0/id"): strings without quotes, numbers and
// booleans as text, objects/arrays as minified JSON; nullopt when the text does not parse or
// the pointer does not resolve.
std::optional<std::string> json_at(const std::string& json, const std::string& pointer);
// Number of elements of the array at `pointer`; nullopt when it is not an array.
std::optional<size_t> json_array_size(const std::string& json, const std::string& pointer);
// The string members of the object at `pointer` (e.g. state.json's "/cgroup_paths"); empty when
// there is none.
std::map<std::string, std::string> json_string_map(const std::string& json,
                                                   const std::string& pointer);

}  // namespace hull::testing

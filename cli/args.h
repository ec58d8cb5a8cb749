// runc-style argument parsing: flags as "--name value", "--name=value", "-name value" or a short
// alias ("-d"); boolean flags take no value ("--detach", or "--detach=false"). Flags stop at the
// first positional argument (so `exec ID sh -c x` keeps "-c" for the command) or at "--".
#pragma once

#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace hull::cli {

using base::Result;

struct FlagSpec {
  std::string_view name;   // "bundle"
  std::string_view alias;  // "b", or empty
  bool takes_value;
};

class Args {
 public:
  bool has(std::string_view name) const;  // a bool flag set true, or a value flag given
  std::optional<std::string> get(std::string_view name) const;  // last value
  std::vector<std::string> all(std::string_view name) const;    // every value, in order
  std::string get_or(std::string_view name, std::string def) const;
  const std::vector<std::string>& positional() const { return m_positional; }

  std::map<std::string, std::vector<std::string>, std::less<>> m_values;
  std::map<std::string, bool, std::less<>> m_bools;
  std::vector<std::string> m_positional;
};

// `interspersed`: flags may also follow positionals (runc's kill, delete...); off for exec/run
// where the tail is the container's command.
Result<Args> parse_args(std::span<const std::string> argv, std::span<const FlagSpec> specs,
                        bool interspersed = false);

// Parses an integer flag value, naming the flag in the error.
Result<int64_t> parse_int(std::string_view flag, const std::string& value);

}  // namespace hull::cli

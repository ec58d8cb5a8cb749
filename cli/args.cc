#include "cli/args.h"

#include <charconv>

namespace hull::cli {

using base::Error;
using base::fail;

bool Args::has(std::string_view name) const {
  if (auto it = m_bools.find(name); it != m_bools.end()) return it->second;
  return m_values.find(name) != m_values.end();
}

std::optional<std::string> Args::get(std::string_view name) const {
  auto it = m_values.find(name);
  if (it == m_values.end() || it->second.empty()) return std::nullopt;
  return it->second.back();
}

std::vector<std::string> Args::all(std::string_view name) const {
  auto it = m_values.find(name);
  return it == m_values.end() ? std::vector<std::string>{} : it->second;
}

std::string Args::get_or(std::string_view name, std::string def) const {
  auto v = get(name);
  return v ? *v : std::move(def);
}

Result<Args> parse_args(std::span<const std::string> argv, std::span<const FlagSpec> specs,
                        bool interspersed) {
  Args out;
  bool flags_done = false;
  for (size_t i = 0; i < argv.size(); ++i) {
    const std::string& a = argv[i];
    if (flags_done || a.size() < 2 || a[0] != '-') {
      out.m_positional.push_back(a);
      if (!interspersed) flags_done = true;
      continue;
    }
    if (a == "--") {
      flags_done = true;
      continue;
    }
    std::string_view body = a;
    body.remove_prefix(a[1] == '-' ? 2 : 1);
    std::optional<std::string> inline_value;
    if (size_t eq = body.find('='); eq != std::string_view::npos) {
      inline_value = std::string(body.substr(eq + 1));
      body = body.substr(0, eq);
    }
    const FlagSpec* spec = nullptr;
    for (const auto& s : specs)
      if (s.name == body || (!s.alias.empty() && s.alias == body)) spec = &s;
    if (spec == nullptr)
      return fail(Error::invalid(fmt::format("flag provided but not defined: -{}", body)));
    std::string name(spec->name);
    if (!spec->takes_value) {
      bool v = true;
      if (inline_value) {
        if (*inline_value == "true" || *inline_value == "1")
          v = true;
        else if (*inline_value == "false" || *inline_value == "0")
          v = false;
        else
          return fail(Error::invalid(
              fmt::format("invalid boolean value \"{}\" for -{}", *inline_value, body)));
      }
      out.m_bools[name] = v;
      continue;
    }
    if (!inline_value) {
      if (i + 1 >= argv.size())
        return fail(Error::invalid(fmt::format("flag needs an argument: -{}", body)));
      inline_value = argv[++i];
    }
    out.m_values[name].push_back(*inline_value);
  }
  return out;
}

Result<int64_t> parse_int(std::string_view flag, const std::string& value) {
  int64_t v = 0;
  auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
  if (ec != std::errc() || p != value.data() + value.size())
    return fail(Error::invalid(fmt::format("invalid value \"{}\" for flag --{}", value, flag)));
  return v;
}

}  // namespace hull::cli

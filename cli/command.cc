#include "cli/command.h"

#include <algorithm>
#include <cctype>

#include "base/result.h"

namespace hull::cli {

using base::Error;
using base::fail;

namespace {

// Built during static initialization, read-only once main runs.
std::vector<Command>& table() {
  static std::vector<Command> t;
  return t;
}

// The first description line: after the usage lines, it starts with two spaces and a capital.
std::string_view summary(std::string_view text) {
  for (size_t i = text.find('\n'); i != std::string_view::npos; i = text.find('\n', i + 1)) {
    std::string_view rest = text.substr(i + 1);
    if (rest.size() > 2 && rest.substr(0, 2) == "  " &&
        std::isupper(static_cast<unsigned char>(rest[2])))
      return rest.substr(2, rest.find('\n') == std::string_view::npos ? std::string_view::npos
                                                                      : rest.find('\n') - 2);
  }
  return {};
}

}  // namespace

Registration::Registration(Command c) {
  auto& t = table();
  auto at = std::lower_bound(t.begin(), t.end(), c.name,
                             [](const Command& a, std::string_view n) { return a.name < n; });
  VERIFY(at == t.end() || at->name != c.name);
  VERIFY(c.run != nullptr);
  t.insert(at, std::move(c));
}

std::span<const Command> commands() { return table(); }

const Command* find_command(std::string_view name) {
  for (const auto& c : table())
    if (c.name == name) return &c;
  return nullptr;
}

std::vector<FlagSpec> with_flags(std::span<const FlagSpec> flags, std::vector<FlagSpec> more) {
  more.insert(more.begin(), flags.begin(), flags.end());
  return more;
}

bool print_usage(std::string_view name) {
  if (name.empty()) {
    fmt::print(
        "hull: an OCI container runtime (runc-compatible)\n\n"
        "usage: hull [--root DIR] [--log FILE] [--log-format text|json] [--debug] [--criu PATH]\n"
        "            [--systemd-cgroup] COMMAND [ARGS...]\n\ncommands:\n");
    for (const auto& c : table()) fmt::print("  {:<11} {}\n", c.name, summary(c.usage));
    fmt::print("\n  hull --version   print the version\n  hull COMMAND --help\n");
    return true;
  }
  const Command* c = find_command(name);
  if (c == nullptr) return false;
  fmt::print("usage: {}\n", c->usage);
  return true;
}

bool wants_help(std::span<const std::string> args) {
  for (const auto& a : args) {
    if (a == "--help" || a == "-h" || a == "-help") return true;
    if (a.empty() || a[0] != '-') return false;  // the command's own args follow
  }
  return false;
}

Result<std::string> require_id(const Globals& g, const Args& a) {
  const auto& positional = a.positional();
  if (positional.empty())
    return fail(Error::invalid(fmt::format("{}: container id cannot be empty", g.command)));
  if (positional.size() > 1)
    return fail(Error::invalid(fmt::format(
        "{}: expected exactly one container id, got {} arguments", g.command, positional.size())));
  return positional[0];
}

Result<container::Container> load_container(const Globals& g, const Args& a) {
  return container::Container::load(g.root, TRY(require_id(g, a)));
}

}  // namespace hull::cli

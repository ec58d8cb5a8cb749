// The command table. Each subcommand is one file, cli/cmd_<verb>.cc, which declares everything
// about it in one place (name, flags, usage text, handler) and registers it:
//
//   Result<int> pause(Globals& g, const Args& a) {
//     Container c = TRY(load_container(g, a));
//     TRY(c.pause());
//     return 0;
//   }
//   const Registration kPause({
//       .name = "pause",
//       .usage = "hull pause ID\n  Suspend all processes inside the container.",
//       .flags = {},            // FlagSpecs, e.g. {{"force", "f", false}, {"bundle", "b", true}}
//       .interspersed = false,  // g++ 12 wants every field spelled out
//       .run = pause,
//   });
//
// main.cc looks the verb up, answers --help from `usage`, parses the flags, and calls `run`.
// Registration happens during static initialization; the verb files are linked whole
// (alwayslink in cli/BUILD.bazel), so a file nothing refers to still registers its verb.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "cli/args.h"
#include "container/container.h"

namespace hull::cli {

using base::Result;

inline constexpr const char* kHullVersion = "0.1.0";

struct Globals {
  std::string root = "/run/hull";
  std::string log_path;
  std::string log_format = "text";
  std::string criu = "criu";
  bool debug = false;
  bool systemd_cgroup =
      false;                // create/run/restore: the systemd cgroup driver (others: state.json)
  std::string command;      // the subcommand being run, for error prefixes
  int error_exit_code = 1;  // what main exits with when the subcommand fails (exec: 255)
};

struct Command {
  std::string_view name;
  // The usage lines, then the description, each description line indented by two spaces; its
  // first line is the summary `hull --help` shows.
  std::string_view usage;
  std::vector<FlagSpec> flags;
  // Flags may also follow the id (runc's kill, delete...); off where the tail is a command.
  bool interspersed = false;
  Result<int> (*run)(Globals& g, const Args& a) = nullptr;
};

// Adds a command to the table; two commands of one name are a bug (aborts at start-up).
struct Registration {
  explicit Registration(Command c);
};

// Every command, sorted by name.
std::span<const Command> commands();
const Command* find_command(std::string_view name);

// `flags` followed by `more`: a verb's own flags after a shared set (criu_flags.h).
std::vector<FlagSpec> with_flags(std::span<const FlagSpec> flags, std::vector<FlagSpec> more);

// Usage text of one command (or of hull when `name` is empty); false if unknown.
bool print_usage(std::string_view name);
// `--help` among a command's leading flags prints its usage and exits 0, like runc.
bool wants_help(std::span<const std::string> args);
// Exactly one positional argument, the container id, with runc's wording when it is missing.
Result<std::string> require_id(const Globals& g, const Args& a);
// The container named by the one positional argument, loaded (and locked).
Result<container::Container> load_container(const Globals& g, const Args& a);

}  // namespace hull::cli

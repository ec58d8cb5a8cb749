// One function per subcommand (cmd_<name>.cc). Each parses its own flags, calls container/, and
// returns the process exit code; errors go back to main, which reports them once.
#pragma once

#include <span>
#include <string>

#include "base/result.h"

namespace hull::cli {

using base::Result;

struct Globals {
  std::string root = "/run/hull";
  std::string log_path;
  std::string log_format = "text";
  std::string criu = "criu";
  bool debug = false;
  bool systemd_cgroup = false;  // create/run/restore: the systemd cgroup driver (others: state.json)
  std::string command;  // the subcommand being run, for error prefixes
  int error_exit_code = 1;  // what main exits with when the subcommand fails (exec: 255)
};

using Argv = std::span<const std::string>;

inline constexpr const char* kHullVersion = "0.1.0";

Result<int> cmd_spec(Globals& g, Argv args);
Result<int> cmd_create(Globals& g, Argv args);
Result<int> cmd_run(Globals& g, Argv args);
Result<int> cmd_start(Globals& g, Argv args);
Result<int> cmd_state(Globals& g, Argv args);
Result<int> cmd_list(Globals& g, Argv args);
Result<int> cmd_kill(Globals& g, Argv args);
Result<int> cmd_delete(Globals& g, Argv args);
Result<int> cmd_ps(Globals& g, Argv args);
Result<int> cmd_exec(Globals& g, Argv args);
Result<int> cmd_pause(Globals& g, Argv args);
Result<int> cmd_resume(Globals& g, Argv args);
Result<int> cmd_checkpoint(Globals& g, Argv args);
Result<int> cmd_restore(Globals& g, Argv args);
Result<int> cmd_update(Globals& g, Argv args);
Result<int> cmd_events(Globals& g, Argv args);
Result<int> cmd_features(Globals& g, Argv args);

// Usage text of one subcommand (or of hull when `name` is empty); false if unknown.
bool print_usage(std::string_view name);
// `--help` anywhere in a subcommand's flags prints its usage and exits 0, like runc.
bool wants_help(Argv args);
// "container id cannot be empty" / exactly one ID argument, runc's wording.
Result<std::string> require_id(const std::vector<std::string>& positional, std::string_view cmd);

}  // namespace hull::cli

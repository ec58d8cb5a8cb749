// Running programs from a test: the hull binary's path, and a command with a timeout whose
// output, exit code and timing out are captured.
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <vector>

namespace hull::testing {

struct RunResult {
  int exit_code = -1;    // the process's exit code, or 128+signal
  std::string out, err;  // captured stdout / stderr
  bool timed_out = false;
};

// Absolute path of a data dependency of the test ("cli/hull", "tests/lifecycle/console_receiver")
// in the runfiles tree.
std::string runfile(const std::string& path);
// Absolute path of the hull binary from runfiles (//cli:hull as a data dependency); outside
// Bazel, $HULL_BINARY.
std::string hull_binary();

// Runs `argv` (argv[0] is a path) with a timeout; stdin is /dev/null unless `input` is given.
RunResult run_command(const std::vector<std::string>& argv,
                      std::chrono::milliseconds timeout = std::chrono::seconds(30),
                      const std::string& input = {},
                      const std::map<std::string, std::string>& env = {});
// The same, started in directory `cwd` (empty: the caller's).
RunResult run_command_in(const std::string& cwd, const std::vector<std::string>& argv,
                         std::chrono::milliseconds timeout = std::chrono::seconds(30),
                         const std::string& input = {},
                         const std::map<std::string, std::string>& env = {});

}  // namespace hull::testing

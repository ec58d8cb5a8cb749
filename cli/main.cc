// hull: a runc-compatible OCI runtime. Parses the global flags, runs one subcommand, and reports
// its error once, the way runc does: to the log (text or JSON), and to stderr when the log is a
// file, so that engines find `{"level":"error","msg":...}` as the last line of --log.
#include <fcntl.h>
#include <seccomp.h>
#include <unistd.h>

#include <cstdio>

#include "base/log.h"
#include "cli/args.h"
#include "cli/command.h"
#include "container/container.h"
#include "container/init/entry.h"
#include "sys/file.h"

namespace hull::cli {
namespace {

constexpr const char* kSpecVersion = "1.2.0";

constexpr FlagSpec kGlobalFlags[] = {
    {"root", "", true},     {"log", "", true},    {"log-format", "", true},
    {"debug", "", false},   {"criu", "", true},   {"systemd-cgroup", "", false},
    {"rootless", "", true}, {"help", "h", false}, {"version", "v", false},
};

// runc's shape: `docker info` takes the runtime's commit from the `commit:` line (it reports
// "N/A" and warns without one); podman shows the first line.
void print_version() {
  const scmp_version* v = seccomp_version();
  fmt::print("hull version {}\ncommit: {}\nspec: {}\ngo: none (C++20)\nlibseccomp: {}.{}.{}\n",
             kHullVersion, kHullVersion, kSpecVersion, v ? v->major : 0, v ? v->minor : 0,
             v ? v->micro : 0);
}

int report(const Globals& g, const base::Error& e) {
  HULL_LOG_ERROR("{}", e.message());
  if (base::log_config().fd != 2) fmt::print(stderr, "{}\n", e.message());
  return g.error_exit_code;
}

int real_main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  // Global flags come before the subcommand.
  size_t i = 0;
  std::vector<std::string> global;
  while (i < args.size() && args[i].size() > 1 && args[i][0] == '-') {
    global.push_back(args[i]);
    bool has_inline = args[i].find('=') != std::string::npos;
    std::string name = args[i].substr(args[i][1] == '-' ? 2 : 1);
    name = name.substr(0, name.find('='));
    bool takes_value = false;
    for (const auto& f : kGlobalFlags)
      if (f.name == name || (!f.alias.empty() && f.alias == name)) takes_value = f.takes_value;
    ++i;
    if (takes_value && !has_inline && i < args.size()) global.push_back(args[i++]);
  }
  Globals g;
  auto parsed = parse_args(global, kGlobalFlags, true);
  if (!parsed.has_value()) {
    fmt::print(stderr, "{}\n", parsed.error().message());
    return 1;
  }
  g.root = parsed->get_or("root", g.root);
  // runc's reviseRootDir: `create` chdirs into the bundle, so a relative root is fixed here.
  if (!g.root.empty() && g.root[0] != '/') {
    auto cwd = sys::getcwd();
    if (!cwd.has_value()) {
      fmt::print(stderr, "--root {}: {}\n", g.root, cwd.error().message());
      return 1;
    }
    g.root = *cwd + "/" + g.root;
  }
  g.log_path = parsed->get_or("log", "");
  g.log_format = parsed->get_or("log-format", "text");
  g.criu = parsed->get_or("criu", "criu");
  g.debug = parsed->has("debug");
  g.systemd_cgroup = parsed->has("systemd-cgroup");

  base::LogConfig lc;
  if (g.log_format == "json")
    lc.format = base::LogFormat::Json;
  else if (g.log_format != "text") {
    fmt::print(stderr, "invalid log-format: {}\n", g.log_format);
    return 1;
  }
  if (g.debug) lc.min_level = base::LogLevel::Debug;
  if (!g.log_path.empty()) {
    auto fd = sys::open(g.log_path, O_WRONLY | O_APPEND | O_CREAT, 0644);
    if (!fd.has_value()) {
      fmt::print(stderr, "{}\n", fd.error().message());
      return 1;
    }
    lc.fd = fd->release();  // lives as long as the process
  }
  base::set_log_config(lc);

  if (parsed->has("version")) {
    print_version();
    return 0;
  }
  if (i >= args.size() || parsed->has("help")) {
    print_usage("");
    return parsed->has("help") ? 0 : 1;
  }
  g.command = args[i];
  const Command* cmd = find_command(g.command);
  if (cmd == nullptr) {
    if (g.command == "help") {
      print_usage(i + 1 < args.size() ? args[i + 1] : "");
      return 0;
    }
    return report(g, base::Error::invalid(fmt::format("No help topic for '{}'", g.command)));
  }
  std::span<const std::string> rest(args.data() + i + 1, args.size() - i - 1);
  if (wants_help(rest)) {
    print_usage(g.command);
    return 0;
  }
  auto a = parse_args(rest, cmd->flags, cmd->interspersed);
  if (!a.has_value()) return report(g, a.error());
  auto r = cmd->run(g, *a);
  if (!r.has_value()) return report(g, r.error());
  return *r;
}

}  // namespace
}  // namespace hull::cli

// hull is hull-init as well: started as "hull-init" it is a container's init or exec'd process,
// run from a read-only view of this file (no copy of the program at each start).
int main(int argc, char** argv) {
  if (hull::container::is_init_invocation(argc, argv))
    return hull::container::init_entry(argc, argv);
  hull::container::use_own_executable_for_init();
  return hull::cli::real_main(argc, argv);
}

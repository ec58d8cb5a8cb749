// Usage texts, and the small argument checks every subcommand shares.
#include <map>

#include "cli/commands.h"

namespace hull::cli {

using base::Error;
using base::fail;

namespace {

const std::map<std::string_view, std::string_view>& usages() {
  static const std::map<std::string_view, std::string_view> m = {
      {"spec", "hull spec [--bundle DIR] [--rootless]\n  Create a new specification file (config.json)."},
      {"create", "hull create [--bundle DIR] [--console-socket PATH] [--pid-file F] [--preserve-fds N]\n"
                 "            [--no-pivot] [--no-new-keyring] ID\n  Create a container; its process waits for `hull start`."},
      {"run", "hull run [--bundle DIR] [--console-socket PATH] [--pid-file F] [--detach] [--keep]\n"
              "         [--preserve-fds N] [--no-pivot] [--no-new-keyring] ID\n  Create and start a container."},
      {"start", "hull start ID\n  Execute the user process in a created container."},
      {"state", "hull state ID\n  Output the state of a container (OCI state JSON)."},
      {"list", "hull list [--format table|json] [--quiet]\n  List containers started by hull with the given root."},
      {"kill", "hull kill [--all] ID [SIGNAL]\n  Send a signal (name or number; default SIGTERM) to the container's init."},
      {"delete", "hull delete [--force] ID\n  Delete a container and the resources it holds."},
      {"ps", "hull ps [--format table|json] ID [ps options]\n  Display the processes running inside a container."},
      {"exec", "hull exec [--process F | ARGS...] [--env K=V] [--cwd DIR] [--user UID[:GID]]\n"
               "          [--additional-gids G] [--cap CAP] [--tty] [--console-socket PATH] [--detach]\n"
               "          [--pid-file F] [--preserve-fds N] [--no-new-privs] [--ignore-paused]\n"
               "          [--cgroup [CONTROLLER[,CONTROLLER]:]PATH]... ID [COMMAND [ARGS...]]\n"
               "  Execute a new process inside the container (--cgroup: an existing sub-cgroup).\n"
               "  Fails with exit status 255, as runc."},
      {"pause", "hull pause ID\n  Suspend all processes inside the container."},
      {"resume", "hull resume ID\n  Resume all processes that were previously paused."},
      {"checkpoint", "hull checkpoint [--image-path DIR] [--work-path DIR] [--leave-running]\n"
                     "                [--tcp-established] [--ext-unix-sk] [--shell-job] [--file-locks]\n"
                     "                [--pre-dump] [--parent-path DIR] [--page-server ADDR:PORT]\n"
                     "                [--manage-cgroups-mode soft|full|strict|ignore] [--empty-ns network]\n"
                     "                [--auto-dedup] [--lazy-pages] [--status-fd FD] ID\n"
                     "  Checkpoint a running container with criu (images default to ./checkpoint)."},
      {"restore", "hull restore [--image-path DIR] [--work-path DIR] [--bundle DIR] [--detach]\n"
                  "             [--pid-file F] [--console-socket PATH] [--tcp-established]\n"
                  "             [--ext-unix-sk] [--shell-job] [--file-locks]\n"
                  "             [--manage-cgroups-mode soft|full|strict|ignore] [--empty-ns network]\n"
                  "             [--lazy-pages] [--no-pivot] ID\n"
                  "  Restore a container from a checkpoint (images default to ./checkpoint)."},
      {"update", "hull update [--memory N] [--memory-reservation N] [--memory-swap N] [--kernel-memory N]\n"
                 "            [--kernel-memory-tcp N] [--cpu-share N] [--cpu-quota N] [--cpu-period N]\n"
                 "            [--cpu-rt-period N] [--cpu-rt-runtime N] [--cpuset-cpus S] [--cpuset-mems S]\n"
                 "            [--pids-limit N] [--blkio-weight N] [-r|--resources FILE|-] ID\n"
                 "  Update container resource constraints. Sizes take k, m, g, t, p suffixes (\"64m\");\n"
                 "  zero leaves a limit unchanged. With --resources (LinuxResources JSON; '-' is stdin)\n"
                 "  every other flag is ignored."},
      {"features", "hull features\n  Show what this build of hull supports (the OCI runtime features document, JSON)."},
      {"events", "hull events [--stats] [--interval 5s] ID\n"
                 "  Display container events (OOM notifications, and cpu, memory, pids, IO statistics\n"
                 "  every interval) as JSON lines until the container exits; --stats prints once."},
  };
  return m;
}

// The first description line: after the usage lines, it starts with two spaces and a capital.
std::string_view summary(std::string_view text) {
  for (size_t i = text.find('\n'); i != std::string_view::npos; i = text.find('\n', i + 1)) {
    std::string_view rest = text.substr(i + 1);
    if (rest.size() > 2 && rest.substr(0, 2) == "  " && std::isupper(static_cast<unsigned char>(rest[2])))
      return rest.substr(2, rest.find('\n') == std::string_view::npos ? std::string_view::npos : rest.find('\n') - 2);
  }
  return {};
}

}  // namespace

bool print_usage(std::string_view name) {
  if (name.empty()) {
    fmt::print(
        "hull: an OCI container runtime (runc-compatible)\n\n"
        "usage: hull [--root DIR] [--log FILE] [--log-format text|json] [--debug] [--criu PATH]\n"
        "            [--systemd-cgroup] COMMAND [ARGS...]\n\ncommands:\n");
    for (const auto& [cmd, text] : usages()) fmt::print("  {:<11} {}\n", cmd, summary(text));
    fmt::print("\n  hull --version   print the version\n  hull COMMAND --help\n");
    return true;
  }
  auto it = usages().find(name);
  if (it == usages().end()) return false;
  fmt::print("usage: {}\n", it->second);
  return true;
}

bool wants_help(Argv args) {
  for (const auto& a : args) {
    if (a == "--help" || a == "-h" || a == "-help") return true;
    if (a.empty() || a[0] != '-') return false;  // the command's own args follow
  }
  return false;
}

Result<std::string> require_id(const std::vector<std::string>& positional, std::string_view cmd) {
  if (positional.empty()) return fail(Error::invalid(fmt::format("{}: container id cannot be empty", cmd)));
  if (positional.size() > 1)
    return fail(Error::invalid(fmt::format("{}: expected exactly one container id, got {} arguments", cmd, positional.size())));
  return positional[0];
}

}  // namespace hull::cli

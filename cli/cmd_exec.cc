// hull exec [--process F | ARGS...] ID: a new process in a running container.
#include <algorithm>
#include <map>

#include "cli/command.h"
#include "cli/pid_file.h"
#include "cli/tty_proxy.h"
#include "sys/file.h"
#include "sys/process.h"

namespace hull::cli {

using base::Error;
using base::fail;

namespace {

Result<uint32_t> parse_id(std::string_view what, const std::string& s) {
  int64_t v = TRY(parse_int(what, s));
  if (v < 0 || v > 0xffffffffLL)
    return fail(Error::invalid(fmt::format("--{}: out of range", what)));
  return static_cast<uint32_t>(v);
}

Result<container::Process> build_process(const Args& a, const container::Config& cfg) {
  if (auto path = a.get("process")) {
    std::string json = TRY(sys::read_file(*path));
    return container::parse_process(json).map_error(base::context(*path));
  }
  // runc starts from the container's own process and overrides what the flags give.
  container::Process p = cfg.process.value_or(container::Process{});
  const auto& pos = a.positional();
  p.args.assign(pos.begin() + 1, pos.end());  // none: exec says "process args cannot be empty"
  p.terminal = a.has("tty");
  if (auto cwd = a.get("cwd")) p.cwd = *cwd;
  for (const auto& e : a.all("env")) p.env.push_back(e);
  if (auto u = a.get("user")) {
    size_t colon = u->find(':');
    p.user.uid = TRY(parse_id("user", u->substr(0, colon)));
    if (colon != std::string::npos) p.user.gid = TRY(parse_id("user", u->substr(colon + 1)));
  }
  for (const auto& g : a.all("additional-gids"))
    p.user.additional_gids.push_back(TRY(parse_id("additional-gids", g)));
  if (a.has("no-new-privs")) p.no_new_privileges = true;
  if (auto aa = a.get("apparmor")) p.apparmor_profile = *aa;
  if (auto l = a.get("process-label")) p.selinux_label = *l;
  auto caps = a.all("cap");
  if (!caps.empty()) {
    if (!p.capabilities) p.capabilities = container::Capabilities{};
    for (const auto& c : caps) {
      p.capabilities->bounding.push_back(c);
      p.capabilities->effective.push_back(c);
      p.capabilities->permitted.push_back(c);
    }
  }
  return p;
}

// runc's getSubCgroupPaths: each --cgroup is `path` (alone: every hierarchy) or
// `ctrl[,ctrl]:path`.
Result<std::map<std::string, std::string>> parse_sub_cgroups(
    const std::vector<std::string>& flags) {
  std::map<std::string, std::string> out;
  for (const auto& f : flags) {
    size_t colon = f.find(':');
    if (colon != std::string::npos && f.find(':', colon + 1) != std::string::npos)
      return fail(Error::invalid(fmt::format("invalid --cgroup argument: {}", f)));
    if (colon == std::string::npos) {
      if (flags.size() != 1)
        return fail(Error::invalid(
            fmt::format("invalid --cgroup argument: {} (missing <controller>: prefix)", f)));
      out[""] = f;
      continue;
    }
    std::string controllers = f.substr(0, colon);
    for (size_t i = 0; i <= controllers.size();) {
      size_t comma = std::min(controllers.find(',', i), controllers.size());
      out[controllers.substr(i, comma - i)] = f.substr(colon + 1);
      i = comma + 1;
    }
  }
  return out;
}

Result<int> exec(Globals& g, const Args& a) {
  if (a.positional().empty()) return fail(Error::invalid("exec: container id cannot be empty"));
  // Past its arguments, runc's exec reports every failure with 255 (a process's own exit code
  // is what it is), so a caller can tell them apart.
  g.error_exit_code = 255;
  container::ExecOptions o;
  o.pid_file = TRY(pid_file_flag(a));
  o.sub_cgroups = TRY(parse_sub_cgroups(a.all("cgroup")));
  o.ignore_paused = a.has("ignore-paused");
  o.console_socket = a.get_or("console-socket", "");
  // The container's lock is held only while the process is set up, not while it runs.
  container::Container c = TRY(container::Container::load(g.root, a.positional()[0]));
  o.process = TRY(build_process(a, c.config()));
  std::optional<sys::FdPair> console;
  if (o.process.terminal && o.console_socket.empty() && !a.has("detach")) {
    console = TRY(console_pair());
    o.console_fd = console->second.get();
  }
  if (auto p = a.get("preserve-fds"))
    o.preserve_fds = static_cast<int>(TRY(parse_int("preserve-fds", *p)));
  auto child = c.exec(o);
  c.unlock();
  if (!child.has_value()) return fail(std::move(child).error());
  if (a.has("detach")) {
    child->release();
    return 0;
  }
  sys::UniqueFd master;
  if (console) master = TRY(receive_master(console->first));
  return supervise(*child, master.is_valid() ? sys::FdRef(master) : sys::FdRef(-1));
}

const Registration kExec({
    .name = "exec",
    .usage = "hull exec [--process F | ARGS...] [--env K=V] [--cwd DIR] [--user UID[:GID]]\n"
             "          [--additional-gids G] [--cap CAP] [--tty] [--console-socket PATH] "
             "[--detach]\n"
             "          [--pid-file F] [--preserve-fds N] [--no-new-privs] [--ignore-paused]\n"
             "          [--cgroup [CONTROLLER[,CONTROLLER]:]PATH]... ID [COMMAND [ARGS...]]\n"
             "  Execute a new process inside the container (--cgroup: an existing sub-cgroup).\n"
             "  Fails with exit status 255, as runc.",
    .flags =
        {
            {"process", "p", true},
            {"console-socket", "", true},
            {"cwd", "", true},
            {"env", "e", true},
            {"tty", "t", false},
            {"user", "u", true},
            {"additional-gids", "g", true},
            {"process-label", "", true},
            {"apparmor", "", true},
            {"no-new-privs", "", false},
            {"cap", "c", true},
            {"detach", "d", false},
            {"pid-file", "", true},
            {"preserve-fds", "", true},
            {"cgroup", "", true},
            {"ignore-paused", "", false},
        },
    .interspersed = false,
    .run = exec,
});

}  // namespace
}  // namespace hull::cli

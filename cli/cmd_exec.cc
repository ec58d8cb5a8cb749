// hull exec [--process F | ARGS...] ID: a new process in a running container.
#include "cli/args.h"
#include "cli/commands.h"
#include "cli/pid_file.h"
#include "cli/tty_proxy.h"
#include "container/container.h"
#include "container/security/sealed_exe.h"
#include "sys/file.h"
#include "sys/process.h"

namespace hull::cli {

using base::Error;
using base::fail;

namespace {

constexpr FlagSpec kFlags[] = {
    {"process", "p", true},      {"console-socket", "", true}, {"cwd", "", true},
    {"env", "e", true},          {"tty", "t", false},          {"user", "u", true},
    {"additional-gids", "g", true}, {"process-label", "", true}, {"apparmor", "", true},
    {"no-new-privs", "", false}, {"cap", "c", true},           {"detach", "d", false},
    {"pid-file", "", true},      {"preserve-fds", "", true},   {"cgroup", "", true},
    {"ignore-paused", "", false},
};

Result<uint32_t> parse_id(std::string_view what, const std::string& s) {
  int64_t v = TRY(parse_int(what, s));
  if (v < 0 || v > 0xffffffffLL) return fail(Error::invalid(fmt::format("--{}: out of range", what)));
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
  p.args.assign(pos.begin() + 1, pos.end());
  if (p.args.empty()) return fail(Error::invalid("exec: no command given: need ARGS or --process"));
  p.terminal = a.has("tty");
  if (auto cwd = a.get("cwd")) p.cwd = *cwd;
  for (const auto& e : a.all("env")) p.env.push_back(e);
  if (auto u = a.get("user")) {
    size_t colon = u->find(':');
    p.user.uid = TRY(parse_id("user", u->substr(0, colon)));
    if (colon != std::string::npos) p.user.gid = TRY(parse_id("user", u->substr(colon + 1)));
  }
  for (const auto& g : a.all("additional-gids")) p.user.additional_gids.push_back(TRY(parse_id("additional-gids", g)));
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

}  // namespace

Result<int> cmd_exec(Globals& g, Argv argv) {
  Args a = TRY(parse_args(argv, kFlags));
  if (a.positional().empty()) return fail(Error::invalid("exec: container id cannot be empty"));
  std::string id = a.positional()[0];
  TRY(container::security::ensure_sealed_self());
  // The container's lock is held only while the process is set up, not while it runs.
  std::optional<sys::FdPair> console;
  auto child = [&]() -> Result<sys::ChildProcess> {
    container::Container c = TRY(container::Container::load(g.root, id));
    container::ExecOptions o;
    o.process = TRY(build_process(a, c.config()));
    o.console_socket = a.get_or("console-socket", "");
    if (o.process.terminal && o.console_socket.empty() && !a.has("detach")) {
      console = TRY(console_pair());
      o.console_fd = console->second.get();
    }
    if (auto p = a.get("preserve-fds")) o.preserve_fds = static_cast<int>(TRY(parse_int("preserve-fds", *p)));
    return c.exec(o);
  }();
  if (!child.has_value()) return fail(std::move(child).error().context(fmt::format("exec \"{}\"", id)));
  if (auto pf = a.get("pid-file")) TRY(write_pid_file(*pf, child->pid()));
  if (a.has("detach")) {
    child->release();
    return 0;
  }
  sys::UniqueFd master;
  if (console) master = TRY(receive_master(console->first));
  return supervise(*child, master.is_valid() ? sys::FdRef(master) : sys::FdRef(-1));
}

}  // namespace hull::cli

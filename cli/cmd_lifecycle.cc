// hull start / state / kill / delete / pause / resume: one container, one state change.
#include <signal.h>
#include <string.h>

#include <cctype>
#include <cstdio>

#include "cli/args.h"
#include "cli/commands.h"
#include "container/container.h"
#include "sys/file.h"

namespace hull::cli {

using base::Error;
using base::ErrorKind;
using base::fail;
using container::Container;

namespace {

Result<Container> load(const Globals& g, const std::string& id) { return Container::load(g.root, id); }

// "9", "KILL", "SIGKILL", "kill" -> 9, as runc accepts them.
Result<int> parse_signal(const std::string& s) {
  if (!s.empty() && std::isdigit(static_cast<unsigned char>(s[0]))) {
    auto n = parse_int("signal", s);
    // 0 checks that init is alive (runc passes it on to kill(2)).
    if (!n.has_value() || *n < 0 || *n >= NSIG)
      return fail(Error::invalid(fmt::format("unknown signal \"{}\"", s)));
    return static_cast<int>(*n);
  }
  std::string up;
  for (char c : s) up += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (up.rfind("SIG", 0) == 0) up = up.substr(3);
  for (int i = 1; i < NSIG; ++i) {
    const char* abbrev = sigabbrev_np(i);
    if (abbrev != nullptr && up == abbrev) return i;
  }
  if (up.rfind("RTMIN+", 0) == 0 || up.rfind("RTMAX-", 0) == 0) {
    auto n = parse_int("signal", up.substr(6));
    if (n.has_value()) {
      int sig = up[2] == 'M' && up[4] == 'N' ? SIGRTMIN + static_cast<int>(*n) : SIGRTMAX - static_cast<int>(*n);
      if (sig >= SIGRTMIN && sig <= SIGRTMAX) return sig;
    }
  }
  return fail(Error::invalid(fmt::format("unknown signal \"{}\"", s)));
}

}  // namespace

Result<int> cmd_start(Globals& g, Argv argv) {
  Args a = TRY(parse_args(argv, {}));
  std::string id = TRY(require_id(a.positional(), "start"));
  Container c = TRY(load(g, id));
  TRY(c.start());
  return 0;
}

Result<int> cmd_state(Globals& g, Argv argv) {
  Args a = TRY(parse_args(argv, {}));
  std::string id = TRY(require_id(a.positional(), "state"));
  Container c = TRY(load(g, id));
  std::string json = TRY(c.oci_state(true));
  fmt::print("{}\n", json);
  return 0;
}

Result<int> cmd_kill(Globals& g, Argv argv) {
  static constexpr FlagSpec kFlags[] = {{"all", "a", false}};
  Args a = TRY(parse_args(argv, kFlags, true));
  const auto& pos = a.positional();
  if (pos.empty()) return fail(Error::invalid("kill: container id cannot be empty"));
  if (pos.size() > 2) return fail(Error::invalid("kill: too many arguments: expected ID [SIGNAL]"));
  int sig = pos.size() == 2 ? TRY(parse_signal(pos[1])) : SIGTERM;
  Container c = TRY(load(g, pos[0]));
  TRY(c.signal(sig, a.has("all")));
  return 0;
}

Result<int> cmd_delete(Globals& g, Argv argv) {
  static constexpr FlagSpec kFlags[] = {{"force", "f", false}};
  Args a = TRY(parse_args(argv, kFlags, true));
  std::string id = TRY(require_id(a.positional(), "delete"));
  bool force = a.has("force");
  auto c = load(g, id);
  if (!c.has_value()) {
    // containerd and Docker send `delete` then `delete --force`: gone is fine with --force.
    // A create killed before its first state.json leaves only the directory (no cgroup or
    // process exists yet): remove it, as runc does, so the id can be used again.
    if (force && c.error().kind() == ErrorKind::NotFound) {
      if (container::validate_id(id).has_value()) (void)sys::remove_tree(g.root + "/" + id);
      return 0;
    }
    // A corrupt state.json must not keep the container's cgroups and processes forever.
    if (force) {
      TRY(Container::destroy_unreadable(g.root, id));
      return 0;
    }
    return fail(std::move(c).error());
  }
  TRY(c->destroy(force));
  return 0;
}

Result<int> cmd_pause(Globals& g, Argv argv) {
  Args a = TRY(parse_args(argv, {}));
  std::string id = TRY(require_id(a.positional(), "pause"));
  Container c = TRY(load(g, id));
  TRY(c.pause());
  return 0;
}

Result<int> cmd_resume(Globals& g, Argv argv) {
  Args a = TRY(parse_args(argv, {}));
  std::string id = TRY(require_id(a.positional(), "resume"));
  Container c = TRY(load(g, id));
  TRY(c.resume());
  return 0;
}

}  // namespace hull::cli

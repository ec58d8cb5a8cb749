// hull kill [--all] ID [SIGNAL]: a signal to the container's init, or to every process in it.
#include <signal.h>
#include <string.h>

#include <cctype>

#include "cli/command.h"

namespace hull::cli {
namespace {

using base::Error;
using base::fail;

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
      int sig = up[2] == 'M' && up[4] == 'N' ? SIGRTMIN + static_cast<int>(*n)
                                             : SIGRTMAX - static_cast<int>(*n);
      if (sig >= SIGRTMIN && sig <= SIGRTMAX) return sig;
    }
  }
  return fail(Error::invalid(fmt::format("unknown signal \"{}\"", s)));
}

Result<int> kill(Globals& g, const Args& a) {
  const auto& pos = a.positional();
  if (pos.empty()) return fail(Error::invalid("kill: container id cannot be empty"));
  if (pos.size() > 2) return fail(Error::invalid("kill: too many arguments: expected ID [SIGNAL]"));
  int sig = pos.size() == 2 ? TRY(parse_signal(pos[1])) : SIGTERM;
  container::Container c = TRY(container::Container::load(g.root, pos[0]));
  TRY(c.signal(sig, a.has("all")));
  return 0;
}

const Registration kKill({
    .name = "kill",
    .usage = "hull kill [--all] ID [SIGNAL]\n"
             "  Send a signal (name or number; default SIGTERM) to the container's init.",
    .flags = {{"all", "a", false}},
    .interspersed = true,
    .run = kill,
});

}  // namespace
}  // namespace hull::cli

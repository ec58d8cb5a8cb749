#include "cli/create_flags.h"

#include <cstdlib>

#include "cli/pid_file.h"

namespace hull::cli {

using base::Error;
using base::fail;

Result<container::CreateOptions> create_options(const Globals& g, const Args& a) {
  container::CreateOptions o;
  o.root = g.root;
  o.id = TRY(require_id(g, a));
  o.pid_file = TRY(pid_file_flag(a));
  o.bundle = a.get_or("bundle", ".");
  o.console_socket = a.get_or("console-socket", "");
  o.no_pivot = a.has("no-pivot");
  o.no_new_keyring = a.has("no-new-keyring");
  o.systemd_cgroup = g.systemd_cgroup;
  if (auto p = a.get("preserve-fds")) {
    int64_t n = TRY(parse_int("preserve-fds", *p));
    if (n < 0 || n > 1 << 20) return fail(Error::invalid("--preserve-fds: out of range"));
    o.preserve_fds = static_cast<int>(n);
  }
  if (const char* lf = std::getenv("LISTEN_FDS")) {
    auto n = parse_int("LISTEN_FDS", lf);
    if (n.has_value() && *n > 0) {
      o.preserve_fds += static_cast<int>(*n);
      o.extra_env = {fmt::format("LISTEN_FDS={}", *n), "LISTEN_PID=1"};
    }
  }
  return o;
}

}  // namespace hull::cli

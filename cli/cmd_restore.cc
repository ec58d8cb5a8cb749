// hull restore: runc's restore.go over Container::restore.
#include "cli/command.h"
#include "cli/criu_flags.h"
#include "cli/pid_file.h"
#include "cli/tty_proxy.h"

namespace hull::cli {
namespace {

using container::Container;

Result<int> restore(Globals& g, const Args& a) {
  container::RestoreOptions o;
  o.root = g.root;
  o.id = TRY(require_id(g, a));
  o.pid_file = TRY(pid_file_flag(a));
  o.bundle = a.get_or("bundle", ".");
  o.criu = TRY(criu_options(g, a));
  o.console_socket = a.get_or("console-socket", "");
  o.systemd_cgroup = g.systemd_cgroup;
  // --no-pivot, --no-subreaper and --auto-dedup are accepted as runc accepts them: criu builds
  // the restored root itself, and hull never becomes a subreaper.
  bool foreground = !a.has("detach");
  o.keep_child = foreground;
  Container c = TRY(Container::restore(o));
  if (!foreground) return 0;
  return supervise_container(c, o.root, sys::FdRef(-1), false);
}

const Registration kRestore({
    .name = "restore",
    .usage = "hull restore [--image-path DIR] [--work-path DIR] [--bundle DIR] [--detach]\n"
             "             [--pid-file F] [--console-socket PATH] [--tcp-established]\n"
             "             [--ext-unix-sk] [--shell-job] [--file-locks]\n"
             "             [--manage-cgroups-mode soft|full|strict|ignore] [--empty-ns network]\n"
             "             [--lazy-pages] [--no-pivot] ID\n"
             "  Restore a container from a checkpoint (images default to ./checkpoint).",
    .flags = with_flags(kCriuFlags, {{"bundle", "b", true},
                                     {"detach", "d", false},
                                     {"pid-file", "", true},
                                     {"console-socket", "", true},
                                     {"no-pivot", "", false},
                                     {"no-subreaper", "", false}}),
    .interspersed = true,
    .run = restore,
});

}  // namespace
}  // namespace hull::cli

// hull restore: runc's restore.go over Container::restore.
#include "cli/args.h"
#include "cli/commands.h"
#include "cli/criu_flags.h"
#include "cli/pid_file.h"
#include "cli/tty_proxy.h"
#include "container/container.h"

namespace hull::cli {

using base::Error;
using base::fail;
using container::Container;

Result<int> cmd_restore(Globals& g, Argv argv) {
  static constexpr FlagSpec kFlags[] = {
      {"image-path", "", true},
      {"work-path", "", true},
      {"bundle", "b", true},
      {"detach", "d", false},
      {"pid-file", "", true},
      {"console-socket", "", true},
      {"tcp-established", "", false},
      {"ext-unix-sk", "", false},
      {"shell-job", "", false},
      {"file-locks", "", false},
      {"manage-cgroups-mode", "", true},
      {"empty-ns", "", true},
      {"lazy-pages", "", false},
      {"no-pivot", "", false},
      {"no-subreaper", "", false},
      {"auto-dedup", "", false},
  };
  Args a = TRY(parse_args(argv, kFlags, true));
  container::RestoreOptions o;
  o.root = g.root;
  o.id = TRY(require_id(a.positional(), "restore"));
  std::optional<std::string> pid_file = TRY(pid_file_flag(a));
  o.bundle = a.get_or("bundle", ".");
  o.criu_path = g.criu;
  o.image_path = a.has("image-path") ? a.get_or("image-path", "") : TRY(default_image_path());
  o.work_path = a.get_or("work-path", "");
  o.console_socket = a.get_or("console-socket", "");
  o.tcp_established = a.has("tcp-established");
  o.ext_unix_sk = a.has("ext-unix-sk");
  o.shell_job = a.has("shell-job");
  o.file_locks = a.has("file-locks");
  o.lazy_pages = a.has("lazy-pages");
  o.manage_cgroups_mode = a.get_or("manage-cgroups-mode", "");
  o.empty_ns = TRY(empty_ns_flags(a));
  o.systemd_cgroup = g.systemd_cgroup;
  // --no-pivot, --no-subreaper and --auto-dedup are accepted as runc accepts them: criu builds
  // the restored root itself, and hull never becomes a subreaper.
  bool foreground = !a.has("detach");
  o.keep_child = foreground;
  auto restored = Container::restore(o);
  if (!restored.has_value())
    return fail(std::move(restored).error().context(fmt::format("restore \"{}\"", o.id)));
  Container c = std::move(*restored);
  if (pid_file) {
    auto written = write_pid_file(*pid_file, c.state().init_pid);
    if (!written.has_value()) {
      (void)c.destroy(true);
      return fail(std::move(written).error());
    }
  }
  if (!foreground) return 0;
  sys::ChildProcess init = c.take_init();
  c.unlock();
  int code = TRY(supervise(init, sys::FdRef(-1)));
  // As `run` does in the foreground, and runc's restore: the container goes with its process.
  auto again = Container::load(o.root, o.id);
  if (again.has_value()) (void)again->destroy(true);
  return code;
}

}  // namespace hull::cli

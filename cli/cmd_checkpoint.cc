// hull checkpoint: runc's checkpoint.go over Container::checkpoint.
#include <climits>

#include "cli/args.h"
#include "cli/commands.h"
#include "cli/criu_flags.h"
#include "container/container.h"

namespace hull::cli {

using base::Error;
using base::fail;
using container::Container;

Result<int> cmd_checkpoint(Globals& g, Argv argv) {
  static constexpr FlagSpec kFlags[] = {
      {"image-path", "", true},     {"work-path", "", true},           {"parent-path", "", true},
      {"leave-running", "", false}, {"tcp-established", "", false},    {"ext-unix-sk", "", false},
      {"shell-job", "", false},     {"file-locks", "", false},         {"pre-dump", "", false},
      {"page-server", "", true},    {"manage-cgroups-mode", "", true}, {"empty-ns", "", true},
      {"auto-dedup", "", false},    {"lazy-pages", "", false},         {"status-fd", "", true},
  };
  Args a = TRY(parse_args(argv, kFlags, true));
  std::string id = TRY(require_id(a.positional(), "checkpoint"));
  container::CheckpointOptions o;
  o.criu_path = g.criu;
  o.image_path = a.has("image-path") ? a.get_or("image-path", "") : TRY(default_image_path());
  o.work_path = a.get_or("work-path", "");
  o.parent_path = a.get_or("parent-path", "");
  o.leave_running = a.has("leave-running");
  o.tcp_established = a.has("tcp-established");
  o.ext_unix_sk = a.has("ext-unix-sk");
  o.shell_job = a.has("shell-job");
  o.file_locks = a.has("file-locks");
  o.pre_dump = a.has("pre-dump");
  o.auto_dedup = a.has("auto-dedup");
  o.lazy_pages = a.has("lazy-pages");
  o.page_server = a.get_or("page-server", "");
  o.manage_cgroups_mode = a.get_or("manage-cgroups-mode", "");
  o.empty_ns = TRY(empty_ns_flags(a));
  if (auto fd = a.get("status-fd")) {
    int64_t n = TRY(parse_int("status-fd", *fd));
    if (n < 0 || n > INT_MAX) return fail(Error::invalid("--status-fd: out of range"));
    o.status_fd = static_cast<int>(n);
  }
  Container c = TRY(Container::load(g.root, id));
  auto r = c.checkpoint(o);
  if (!r.has_value())
    return fail(std::move(r).error().context(fmt::format("checkpoint \"{}\"", id)));
  // runc destroys the container unless criu left it running.
  if (!o.leave_running && !o.pre_dump) TRY(c.destroy(true));
  return 0;
}

}  // namespace hull::cli

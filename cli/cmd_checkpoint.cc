// hull checkpoint: runc's checkpoint.go over Container::checkpoint.
#include <climits>

#include "cli/command.h"
#include "cli/criu_flags.h"

namespace hull::cli {
namespace {

using base::Error;
using base::fail;

Result<int> checkpoint(Globals& g, const Args& a) {
  std::string id = TRY(require_id(g, a));
  container::CheckpointOptions o;
  o.criu = TRY(criu_options(g, a));
  o.parent_path = a.get_or("parent-path", "");
  o.leave_running = a.has("leave-running");
  o.pre_dump = a.has("pre-dump");
  o.auto_dedup = a.has("auto-dedup");
  o.page_server = a.get_or("page-server", "");
  if (auto fd = a.get("status-fd")) {
    int64_t n = TRY(parse_int("status-fd", *fd));
    if (n < 0 || n > INT_MAX) return fail(Error::invalid("--status-fd: out of range"));
    o.status_fd = static_cast<int>(n);
  }
  container::Container c = TRY(container::Container::load(g.root, id));
  TRY(c.checkpoint(o));
  // runc destroys the container unless criu left it running.
  if (!o.leave_running && !o.pre_dump) TRY(c.destroy(true));
  return 0;
}

const Registration kCheckpoint({
    .name = "checkpoint",
    .usage =
        "hull checkpoint [--image-path DIR] [--work-path DIR] [--leave-running]\n"
        "                [--tcp-established] [--ext-unix-sk] [--shell-job] [--file-locks]\n"
        "                [--pre-dump] [--parent-path DIR] [--page-server ADDR:PORT]\n"
        "                [--manage-cgroups-mode soft|full|strict|ignore] [--empty-ns network]\n"
        "                [--auto-dedup] [--lazy-pages] [--status-fd FD] ID\n"
        "  Checkpoint a running container with criu (images default to ./checkpoint).",
    .flags = with_flags(kCriuFlags, {{"parent-path", "", true},
                                     {"leave-running", "", false},
                                     {"pre-dump", "", false},
                                     {"page-server", "", true},
                                     {"status-fd", "", true}}),
    .interspersed = true,
    .run = checkpoint,
});

}  // namespace
}  // namespace hull::cli

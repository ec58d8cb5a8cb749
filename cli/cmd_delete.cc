// hull delete [--force] ID: removes a container and what it holds.
#include "cli/command.h"
#include "sys/file.h"

namespace hull::cli {
namespace {

using container::Container;

Result<int> remove(Globals& g, const Args& a) {
  std::string id = TRY(require_id(g, a));
  bool force = a.has("force");
  auto c = Container::load(g.root, id);
  if (!c.has_value()) {
    // containerd and Docker send `delete` then `delete --force`: gone is fine with --force.
    // A create killed before its first state.json leaves only the directory (no cgroup or
    // process exists yet): remove it, as runc does, so the id can be used again.
    if (force && c.error().kind() == base::ErrorKind::NotFound) {
      if (container::validate_id(id).has_value()) (void)sys::remove_tree(g.root + "/" + id);
      return 0;
    }
    // A corrupt state.json must not keep the container's cgroups and processes forever.
    if (force) {
      TRY(Container::destroy_unreadable(g.root, id));
      return 0;
    }
    return base::fail(std::move(c).error());
  }
  TRY(c->destroy(force));
  return 0;
}

const Registration kDelete({
    .name = "delete",
    .usage = "hull delete [--force] ID\n  Delete a container and the resources it holds.",
    .flags = {{"force", "f", false}},
    .interspersed = true,
    .run = remove,
});

}  // namespace
}  // namespace hull::cli

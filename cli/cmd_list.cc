// hull list [--format table|json] [--quiet]: the containers under --root.
#include <algorithm>

#include "base/json_writer.h"
#include "cli/command.h"

namespace hull::cli {
namespace {

using base::Error;
using base::fail;
using container::Container;

// Columns as Go's tabwriter lays out runc's list: at least 12 wide, 3 spaces of padding.
std::string tabulate(const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> width(rows[0].size(), 0);
  for (const auto& r : rows)
    for (size_t i = 0; i < r.size(); ++i)
      width[i] = std::max({width[i], r[i].size() + 3, size_t{12}});
  std::string out;
  for (const auto& r : rows) {
    for (size_t i = 0; i < r.size(); ++i) {
      out += r[i];
      if (i + 1 < r.size()) out.append(width[i] - r[i].size(), ' ');
    }
    out += '\n';
  }
  return out;
}

Result<int> list(Globals& g, const Args& a) {
  std::string format = a.get_or("format", "table");
  if (format != "table" && format != "json")
    return fail(Error::invalid(fmt::format("invalid format option \"{}\"", format)));
  auto ids = TRY(Container::list(g.root));
  if (a.has("quiet")) {
    for (const auto& id : ids) fmt::print("{}\n", id);
    return 0;
  }
  base::JsonWriter w;
  w.begin_array();
  std::vector<std::vector<std::string>> rows = {
      {"ID", "PID", "STATUS", "BUNDLE", "CREATED", "OWNER"}};
  for (const auto& id : ids) {
    auto c = Container::load(g.root, id);
    if (!c.has_value()) continue;  // deleted meanwhile
    auto st = c->status();
    if (!st.has_value()) continue;
    const auto& s = c->state();
    pid_t pid = *st == container::Status::Stopped ? 0 : s.init_pid;
    w.begin_object()
        .field("ociVersion", "1.2.0")
        .field("id", s.id)
        .field("pid", static_cast<int64_t>(pid))
        .field("status", container::status_name(*st))
        .field("bundle", s.bundle)
        .field("rootfs", s.rootfs)
        .field("created", s.created)
        .field("owner", "root")
        .end_object();
    rows.push_back({s.id, std::to_string(pid), std::string(container::status_name(*st)), s.bundle,
                    s.created, "root"});
  }
  w.end_array();
  if (format == "json") {
    fmt::print("{}\n", ids.empty() ? std::string("null") : w.str());
  } else {
    fmt::print("{}", tabulate(rows));
  }
  return 0;
}

const Registration kList({
    .name = "list",
    .usage = "hull list [--format table|json] [--quiet]\n"
             "  List containers started by hull with the given root.",
    .flags = {{"format", "f", true}, {"quiet", "q", false}},
    .interspersed = false,
    .run = list,
});

}  // namespace
}  // namespace hull::cli

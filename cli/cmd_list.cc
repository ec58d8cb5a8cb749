// hull list [--format table|json] [-q] and hull ps [--format table|json] ID.
#include <pwd.h>
#include <sys/stat.h>

#include <algorithm>

#include "base/json_writer.h"
#include "cli/args.h"
#include "cli/commands.h"
#include "container/container.h"
#include "sys/exec.h"
#include "sys/process.h"

namespace hull::cli {

using base::Error;
using base::fail;
using container::Container;

namespace {

// Columns as Go's tabwriter lays out runc's list: at least 12 wide, 3 spaces of padding.
std::string tabulate(const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> width(rows[0].size(), 0);
  for (const auto& r : rows)
    for (size_t i = 0; i < r.size(); ++i) width[i] = std::max({width[i], r[i].size() + 3, size_t{12}});
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

}  // namespace

Result<int> cmd_list(Globals& g, Argv argv) {
  static constexpr FlagSpec kFlags[] = {{"format", "f", true}, {"quiet", "q", false}};
  Args a = TRY(parse_args(argv, kFlags));
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
  std::vector<std::vector<std::string>> rows = {{"ID", "PID", "STATUS", "BUNDLE", "CREATED", "OWNER"}};
  for (const auto& id : ids) {
    auto c = Container::load(g.root, id);
    if (!c.has_value()) continue;  // deleted meanwhile
    auto st = c->status();
    if (!st.has_value()) continue;
    const auto& s = c->state();
    pid_t pid = *st == container::Status::Stopped ? 0 : s.init_pid;
    w.begin_object().field("ociVersion", "1.2.0").field("id", s.id).field("pid", static_cast<int64_t>(pid))
        .field("status", container::status_name(*st)).field("bundle", s.bundle).field("rootfs", s.rootfs)
        .field("created", s.created).field("owner", "root").end_object();
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

Result<int> cmd_ps(Globals& g, Argv argv) {
  static constexpr FlagSpec kFlags[] = {{"format", "f", true}};
  Args a = TRY(parse_args(argv, kFlags));
  std::string format = a.get_or("format", "table");
  if (format != "table" && format != "json")
    return fail(Error::invalid(fmt::format("invalid format option \"{}\"", format)));
  if (a.positional().empty()) return fail(Error::invalid("ps: container id cannot be empty"));
  Container c = TRY(Container::load(g.root, a.positional()[0]));
  auto status = TRY(c.status());
  if (status == container::Status::Stopped)
    return fail(Error::invalid_state(fmt::format("container {} is not running", c.id())));
  auto pids = TRY(c.processes());
  if (format == "json") {
    base::JsonWriter w;
    w.begin_array();
    for (pid_t p : pids) w.value(static_cast<int64_t>(p));
    w.end_array();
    fmt::print("{}\n", w.str());
    return 0;
  }
  // Table: `ps -ef` limited to the container's pids, with extra ps args passed through.
  std::vector<std::string> ps_args = {"ps"};
  if (a.positional().size() > 1) {
    ps_args.insert(ps_args.end(), a.positional().begin() + 1, a.positional().end());
  } else {
    ps_args.push_back("-ef");
  }
  std::string pidlist;
  for (pid_t p : pids) pidlist += (pidlist.empty() ? "" : ",") + std::to_string(p);
  if (pidlist.empty()) return 0;
  if (a.positional().size() == 1) {
    ps_args = {"ps", "-o", "uid,pid,ppid,c,stime,tty,time,cmd", "-p", pidlist};
  } else {
    ps_args.push_back("-p");
    ps_args.push_back(pidlist);
  }
  std::string ps = TRY(sys::look_path("ps", "/usr/bin:/bin:/usr/sbin:/sbin"));
  std::fflush(stdout);
  TRY(sys::execve(ps, ps_args, {"PATH=/usr/bin:/bin"}));
  return 1;
}

}  // namespace hull::cli

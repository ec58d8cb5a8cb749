// hull list [--format table|json] [-q] and hull ps [--format table|json] ID.
#include <pwd.h>
#include <sys/stat.h>

#include <algorithm>
#include <cctype>

#include "base/json_writer.h"
#include "cli/args.h"
#include "cli/commands.h"
#include "container/container.h"
#include "sys/file.h"
#include "sys/process.h"
#include "sys/socket.h"
#include "sys/spawn.h"

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

// Whitespace-separated fields of one line.
std::vector<std::string_view> fields(std::string_view line) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && std::isspace(static_cast<unsigned char>(line[i]))) ++i;
    size_t j = i;
    while (j < line.size() && !std::isspace(static_cast<unsigned char>(line[j]))) ++j;
    if (j > i) out.push_back(line.substr(i, j - i));
    i = j;
  }
  return out;
}

// Runs `argv` (looked up in $PATH) and returns its stdout and stderr together, as Go's
// CombinedOutput; a non-zero exit is an error carrying the output.
Result<std::string> combined_output(const std::vector<std::string>& argv) {
  sys::FdPair out = TRY(sys::pipe());
  const int fds[] = {-1, out.second.get(), out.second.get()};
  sys::ChildProcess child = TRY(sys::spawn(argv, fds));
  out.second.reset();
  std::string text = TRY(sys::read_all(out.first, argv[0] + " output"));
  sys::ExitStatus st = TRY(child.wait());
  if (st.shell_code() != 0)
    return fail(Error::make(base::ErrorKind::Child,
                            fmt::format("{}: exit status {}: {}", argv[0], st.shell_code(), text)));
  return text;
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
  // As runc: a stopped container has no processes (an empty table, or null), not an error.
  auto pids = TRY(c.processes());
  c.unlock();
  if (format == "json") {
    base::JsonWriter w;
    w.begin_array();
    for (pid_t p : pids) w.value(static_cast<int64_t>(p));
    w.end_array();
    fmt::print("{}\n", pids.empty() ? std::string("null") : w.str());
    return 0;
  }
  // runc's table: `ps ARGS` (default -ef) as it prints itself, header first, then the lines
  // whose PID column is one of the container's.
  std::vector<std::string> ps_args = {"ps"};
  if (a.positional().size() > 1) {
    ps_args.insert(ps_args.end(), a.positional().begin() + 1, a.positional().end());
  } else {
    ps_args.push_back("-ef");
  }
  std::string output = TRY(combined_output(ps_args));
  std::vector<std::string_view> lines;
  for (size_t i = 0; i < output.size();) {
    size_t nl = std::min(output.find('\n', i), output.size());
    lines.push_back(std::string_view(output).substr(i, nl - i));
    i = nl + 1;
  }
  if (lines.empty()) return fail(Error::protocol("ps printed nothing"));
  auto header = fields(lines[0]);
  auto pid_col = std::find(header.begin(), header.end(), "PID");
  if (pid_col == header.end()) return fail(Error::protocol("couldn't find PID field in ps output"));
  size_t index = static_cast<size_t>(pid_col - header.begin());
  std::string out = std::string(lines[0]) + "\n";
  for (size_t i = 1; i < lines.size(); ++i) {
    auto f = fields(lines[i]);
    if (f.size() <= index) continue;
    auto pid = parse_int("ps PID column", std::string(f[index]));
    if (!pid.has_value())
      return fail(Error::protocol(fmt::format("unable to parse pid: {}", lines[i])));
    if (std::find(pids.begin(), pids.end(), static_cast<pid_t>(*pid)) != pids.end())
      out += std::string(lines[i]) + "\n";
  }
  fmt::print("{}", out);
  return 0;
}

}  // namespace hull::cli

// hull ps [--format table|json] ID [ps options]: the container's processes, as runc lists them.
#include <algorithm>
#include <cctype>

#include "base/json_writer.h"
#include "cli/command.h"
#include "sys/file.h"
#include "sys/process.h"
#include "sys/socket.h"
#include "sys/spawn.h"

namespace hull::cli {
namespace {

using base::Error;
using base::fail;
using container::Container;

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

Result<int> ps(Globals& g, const Args& a) {
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

const Registration kPs({
    .name = "ps",
    .usage = "hull ps [--format table|json] ID [ps options]\n"
             "  Display the processes running inside a container.",
    .flags = {{"format", "f", true}},
    .interspersed = false,
    .run = ps,
});

}  // namespace
}  // namespace hull::cli

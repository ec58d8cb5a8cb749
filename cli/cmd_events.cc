// hull events: runc's event stream on stdout, one JSON object per line:
//   {"type":"stats","id":ID,"data":{...}}   every --interval (default 5s), or once with --stats
//   {"type":"oom","id":ID}                   when a task of the container is OOM-killed
// The stream ends when the container's init exits (its pidfd becomes readable).
#include <time.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstdio>

#include "base/json_writer.h"
#include "base/log.h"
#include "cli/command.h"
#include "container/container.h"
#include "sys/file.h"
#include "sys/poll.h"
#include "sys/process.h"

namespace hull::cli {

using base::Error;
using base::fail;
using container::Container;
using container::Status;
using Clock = std::chrono::steady_clock;

namespace {

// Go's time.ParseDuration: a sequence of decimal numbers with units ns, us (µs), ms, s, m, h
// ("5s", "1.5s", "1m30s", "250ms"); a bare "0" is zero. Returns nanoseconds.
Result<int64_t> parse_go_duration(const std::string& s) {
  auto invalid = [&] {
    return fail(Error::invalid(fmt::format(
        "invalid value \"{}\" for flag --interval: time: invalid duration \"{}\"", s, s)));
  };
  if (s == "0") return int64_t{0};
  std::string_view rest = s;
  bool negative = false;
  if (!rest.empty() && (rest[0] == '-' || rest[0] == '+')) {
    negative = rest[0] == '-';
    rest.remove_prefix(1);
  }
  if (rest.empty()) return invalid();
  double total = 0;
  while (!rest.empty()) {
    size_t i = 0;
    while (i < rest.size() && ((rest[i] >= '0' && rest[i] <= '9') || rest[i] == '.')) ++i;
    if (i == 0) return invalid();
    double v = 0;
    auto [p, ec] = std::from_chars(rest.data(), rest.data() + i, v);
    if (ec != std::errc() || p != rest.data() + i) return invalid();
    rest.remove_prefix(i);
    size_t u = 0;
    while (u < rest.size() && !((rest[u] >= '0' && rest[u] <= '9') || rest[u] == '.')) ++u;
    std::string_view unit = rest.substr(0, u);
    rest.remove_prefix(u);
    double scale = 0;
    if (unit == "ns")
      scale = 1;
    else if (unit == "us" || unit == "\xc2\xb5s" || unit == "\xce\xbcs")
      scale = 1e3;
    else if (unit == "ms")
      scale = 1e6;
    else if (unit == "s")
      scale = 1e9;
    else if (unit == "m")
      scale = 60e9;
    else if (unit == "h")
      scale = 3600e9;
    else
      return invalid();
    total += v * scale;
  }
  if (total > 9.2e18) return invalid();
  auto ns = static_cast<int64_t>(total);
  return negative ? -ns : ns;
}

// Writes one event line and flushes it: a consumer reads events as they happen.
Result<> emit(std::string_view type, const std::string& id, const std::string* data) {
  base::JsonWriter w;
  w.begin_object().field("type", type).field("id", id);
  if (data != nullptr) w.key("data").raw(*data);
  w.end_object();
  std::string line = w.take() + "\n";
  if (std::fwrite(line.data(), 1, line.size(), stdout) != line.size() || std::fflush(stdout) != 0)
    return fail(Error::from_errno(errno, "write", "stdout"));
  return {};
}

Result<> emit_stats(const Container& c) {
  auto stats = TRY(c.stats());
  std::string data = container::cgroups::stats_json(stats);
  return emit("stats", c.id(), &data);
}

// The memory cgroup directory (v1) or the unified one (v2): a v1 OOM eventfd also fires when
// the cgroup is removed, which is not an OOM.
bool cgroup_exists(const container::State& s) {
  auto it = s.cgroup_paths.find("memory");
  if (it == s.cgroup_paths.end()) it = s.cgroup_paths.find("");
  return it != s.cgroup_paths.end() && sys::exists(it->second);
}

Result<int> events(Globals& g, const Args& a) {
  std::string id = TRY(require_id(g, a));
  int64_t interval_ns = TRY(parse_go_duration(a.get_or("interval", "5s")));
  if (interval_ns <= 0) return fail(Error::invalid("duration interval must be greater than 0"));
  Container c = TRY(Container::load(g.root, id));
  // The pidfd first, then the status check: a recycled pid cannot pass both.
  auto pidfd = sys::pidfd_open(c.state().init_pid);
  Status status = TRY(c.status());
  if (status == Status::Stopped || !pidfd.has_value())
    return fail(Error::invalid_state(fmt::format("container with id {} is not running", id)));
  if (a.has("stats")) {
    TRY(emit_stats(c));
    return 0;
  }
  auto oom = TRY(c.notify_oom());
  // Streaming must not block pause, update or delete of this container.
  c.unlock();

  auto interval = std::chrono::nanoseconds(interval_ns);
  auto next = Clock::now() + interval;
  bool watch_oom = true;
  for (;;) {
    auto wait = std::chrono::ceil<std::chrono::milliseconds>(next - Clock::now()).count();
    struct pollfd fds[2] = {{pidfd->get(), POLLIN, 0},
                            {watch_oom ? oom.fd().get() : -1, oom.poll_events(), 0}};
    TRY(sys::poll(fds, static_cast<int>(std::clamp<int64_t>(wait, 0, 1 << 30))));
    // OOM before exit: an OOM kill of init is reported before the stream ends.
    if (fds[1].revents != 0) {
      uint64_t n = TRY(oom.consume());
      if (n > 0 && cgroup_exists(c.state()))
        TRY(emit("oom", id, nullptr));
      else if (n > 0)
        watch_oom = false;  // the cgroup is gone
    }
    if (fds[0].revents != 0) return 0;
    if (Clock::now() >= next) {
      // As runc: a failed sample is logged, the stream goes on.
      if (auto r = emit_stats(c); !r.has_value()) HULL_LOG_ERROR("{}", r.error().message());
      next += interval;
      if (next < Clock::now()) next = Clock::now() + interval;
    }
  }
}

const Registration kEvents({
    .name = "events",
    .usage = "hull events [--stats] [--interval 5s] ID\n"
             "  Display container events (OOM notifications, and cpu, memory, pids, IO statistics\n"
             "  every interval) as JSON lines until the container exits; --stats prints once.",
    .flags = {{"interval", "", true}, {"stats", "", false}},
    .interspersed = true,
    .run = events,
});

}  // namespace
}  // namespace hull::cli

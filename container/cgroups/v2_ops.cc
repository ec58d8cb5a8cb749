// V2Manager: freezer (cgroup.freeze), statistics and event notifications.
#include <fcntl.h>
#include <sys/inotify.h>

#include "base/strings.h"
#include "container/cgroups/internal/fs.h"
#include "container/cgroups/internal/v2.h"
#include "sys/file.h"
#include "sys/inotify.h"

namespace hull::container::cgroups::internal {

using base::Error;
using base::fail;

namespace {

Result<bool> is_frozen(const CgroupDir& d) {
  std::string events = TRY(d.read("cgroup.events"));
  return parse_flat_keyed(events)["frozen"] == 1;
}

Result<> set_frozen(const CgroupDir& d, bool frozen) {
  if (!d.has("cgroup.freeze"))
    return fail(Error::unsupported(d.path() + "/cgroup.freeze does not exist (kernel < 5.2?)"));
  TRY(d.write("cgroup.freeze", frozen ? "1" : "0"));
  bool done = wait_until(
      [&] {
        auto f = is_frozen(d);
        return f.has_value() && *f == frozen;
      },
      kFreezeAttempts);
  if (done) return {};
  if (frozen) (void)d.write("cgroup.freeze", "0");  // do not leave it half-frozen
  return fail(Error::invalid_state(std::string(frozen ? "freeze" : "thaw") + " of " + d.path() +
                                   " timed out"));
}

}  // namespace

// io.stat: "8:0 rbytes=1 wbytes=2 rios=3 wios=4 dbytes=0 dios=0" per device.
void parse_io_stat(std::string_view text, BlkioStats& out) {
  for (std::string_view line : base::split(text, '\n')) {
    std::vector<std::string_view> fields = base::split_fields(line);
    if (fields.empty()) continue;
    auto dev = parse_devno(fields[0], "io.stat");
    if (!dev) continue;
    for (size_t i = 1; i < fields.size(); ++i) {
      std::string_view kv = fields[i];
      size_t eq = kv.find('=');
      if (eq == std::string_view::npos) continue;
      auto v = parse_u64(kv.substr(eq + 1), "io.stat");
      if (!v.has_value()) continue;
      std::string_view key = kv.substr(0, eq);
      BlkioEntry e{dev->first, dev->second, "", *v};
      if (key == "rbytes" || key == "wbytes") {
        e.op = key == "rbytes" ? "Read" : "Write";
        out.io_service_bytes_recursive.push_back(e);
      } else if (key == "rios" || key == "wios") {
        e.op = key == "rios" ? "Read" : "Write";
        out.io_serviced_recursive.push_back(e);
      }
    }
  }
}

Result<> V2Manager::freeze() {
  CgroupDir d = TRY(open());
  return set_frozen(d, true);
}

Result<> V2Manager::thaw() {
  CgroupDir d = TRY(open());
  return set_frozen(d, false);
}

Result<FreezerState> V2Manager::freezer_state() {
  CgroupDir d = TRY(open());
  if (!d.has("cgroup.freeze"))
    return fail(Error::unsupported(d.path() + "/cgroup.freeze does not exist"));
  std::string want = TRY(d.read_trimmed("cgroup.freeze"));
  if (want != "1") return FreezerState::Thawed;
  bool frozen = TRY(is_frozen(d));
  return frozen ? FreezerState::Frozen : FreezerState::Freezing;
}

Result<Stats> V2Manager::stats() {
  CgroupDir d = TRY(open());
  Stats s;
  if (auto t = d.read("cpu.stat"); t.has_value()) {
    auto kv = parse_flat_keyed(*t);
    s.cpu.usage.total = kv["usage_usec"] * 1000;
    s.cpu.usage.user = kv["user_usec"] * 1000;
    s.cpu.usage.kernel = kv["system_usec"] * 1000;
    s.cpu.throttling.periods = kv["nr_periods"];
    s.cpu.throttling.throttled_periods = kv["nr_throttled"];
    s.cpu.throttling.throttled_time = kv["throttled_usec"] * 1000;
  }
  if (auto t = d.read("cpuset.cpus.effective"); t.has_value()) s.cpuset.cpus = parse_cpu_list(*t);
  if (auto t = d.read("cpuset.mems.effective"); t.has_value()) s.cpuset.mems = parse_cpu_list(*t);
  if (auto t = d.read("memory.stat"); t.has_value()) {
    s.memory.raw = parse_flat_keyed(*t);
    s.memory.cache = s.memory.raw["file"];
    read_opt(d, "memory.current", s.memory.usage.usage);
    read_opt(d, "memory.peak", s.memory.usage.max);
    read_opt(d, "memory.max", s.memory.usage.limit);
    if (auto e = d.read("memory.events"); e.has_value())
      s.memory.usage.failcnt = parse_flat_keyed(*e)["max"];
    // cgroup v1 reports swap as memory+swap; runc does the same on v2.
    read_opt(d, "memory.swap.current", s.memory.swap.usage);
    read_opt(d, "memory.swap.max", s.memory.swap.limit);
    s.memory.swap.usage += s.memory.usage.usage;
    if (s.memory.swap.limit != UINT64_MAX && s.memory.usage.limit != UINT64_MAX)
      s.memory.swap.limit += s.memory.usage.limit;
  }
  read_opt(d, "pids.current", s.pids.current);
  if (auto t = d.read_u64("pids.max"); t.has_value()) s.pids.limit = *t == UINT64_MAX ? 0 : *t;
  if (auto t = d.read("io.stat"); t.has_value()) parse_io_stat(*t, s.blkio);
  if (auto files = d.files(); files.has_value()) hugetlb_stats(d, *files, false, s.hugetlb);
  return s;
}

Result<EventNotifier> V2Manager::notify_oom() {
  CgroupDir d = TRY(open());
  if (!d.has("memory.events"))
    return fail(Error::unsupported("notify_oom: " + d.path() +
                                   "/memory.events does not exist (no memory controller)"));
  sys::UniqueFd inotify = TRY(sys::inotify_init1(IN_NONBLOCK));
  TRY(sys::inotify_add_watch(inotify, d.fd(), "memory.events", IN_MODIFY));
  std::string text = TRY(d.read("memory.events"));
  uint64_t kills = parse_flat_keyed(text)["oom_kill"];
  return EventNotifier::memory_events(std::move(inotify), std::move(d), kills);
}

Result<EventNotifier> V2Manager::notify_memory_pressure(PressureLevel level) {
  CgroupDir d = TRY(open());
  // A PSI trigger lives as long as the fd it was written to.
  sys::UniqueFd fd = TRY(sys::openat(d.fd(), "memory.pressure", O_RDWR | O_NONBLOCK)
                             .map_error(base::context("notify_memory_pressure")));
  std::string trigger = psi_trigger(level);
  // The trigger must be written in one write() including the NUL, per the PSI documentation.
  TRY(sys::write_all(fd, std::string_view(trigger.c_str(), trigger.size() + 1),
                     d.path() + "/memory.pressure"));
  return EventNotifier::psi(std::move(fd));
}

}  // namespace hull::container::cgroups::internal

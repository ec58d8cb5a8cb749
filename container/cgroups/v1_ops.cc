// V1Manager: freezer, statistics and event notifications.
#include <fcntl.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>

#include "base/strings.h"
#include "container/cgroups/internal/fs.h"
#include "container/cgroups/internal/v1.h"
#include "sys/eventfd.h"
#include "sys/file.h"

namespace hull::container::cgroups::internal {

using base::Error;
using base::fail;

namespace {

// Numbers separated by white space, up to the first field that is not one.
std::vector<uint64_t> parse_u64_list(std::string_view text) {
  std::vector<uint64_t> out;
  for (std::string_view field : base::split_fields(text)) {
    auto v = parse_u64(field, "cpuacct");
    if (!v.has_value()) break;
    out.push_back(*v);
  }
  return out;
}

// "8:0 Read 4096" lines (the "Total N" line has no device and is skipped); files with one number
// per device (blkio.sectors_recursive, blkio.time_recursive) have "8:0 4096".
std::vector<BlkioEntry> parse_blkio(std::string_view text) {
  std::vector<BlkioEntry> out;
  for (std::string_view line : base::split(text, '\n')) {
    std::vector<std::string_view> fields = base::split_fields(line);
    if (fields.size() < 2) continue;
    auto dev = parse_devno(fields[0], "blkio");
    if (!dev) continue;
    BlkioEntry e;
    e.major = dev->first;
    e.minor = dev->second;
    if (fields.size() >= 3) {
      e.op = std::string(fields[1]);
      e.value = parse_u64(fields[2], "blkio").value_or(0);
    } else {
      e.value = parse_u64(fields[1], "blkio").value_or(0);
    }
    out.push_back(std::move(e));
  }
  return out;
}

// Writes FROZEN or THAWED to freezer.state and waits until the kernel reports it there.
Result<> set_frozen(const CgroupDir& d, bool frozen) {
  const std::string want = frozen ? "FROZEN" : "THAWED";
  TRY(d.write("freezer.state", want));
  bool done = wait_until(
      [&] {
        auto s = d.read_trimmed("freezer.state");
        return s.has_value() && *s == want;
      },
      kFreezeAttempts);
  if (done) return {};
  if (!frozen) return fail(Error::invalid_state("thaw of " + d.path() + " timed out"));
  // Do not leave the container half-frozen.
  (void)d.write("freezer.state", "THAWED");
  return fail(Error::invalid_state("freeze of " + d.path() + " timed out (tasks still FREEZING)"));
}

// An eventfd registered in cgroup.event_control for events of `file` (plus `args`, such as a
// memory pressure level).
Result<EventNotifier> register_event(const CgroupDir& d, const std::string& file,
                                     const std::string& args) {
  sys::UniqueFd event = TRY(sys::eventfd(0, EFD_NONBLOCK));
  sys::UniqueFd target = TRY(sys::openat(d.fd(), file, O_RDONLY));
  TRY(d.write("cgroup.event_control",
              std::to_string(event.get()) + " " + std::to_string(target.get()) + args));
  return EventNotifier::eventfd(std::move(event), std::move(target));
}

void memory_entry(const CgroupDir& d, const std::string& prefix, MemoryEntry& e) {
  read_opt(d, prefix + "usage_in_bytes", e.usage);
  read_opt(d, prefix + "max_usage_in_bytes", e.max);
  read_opt(d, prefix + "failcnt", e.failcnt);
  read_opt(d, prefix + "limit_in_bytes", e.limit);
}

}  // namespace

Result<> V1Manager::freeze() {
  if (!has("freezer"))
    return fail(Error::unsupported("freeze: the freezer controller is not mounted"));
  CgroupDir d = TRY(open("freezer"));
  return set_frozen(d, true);
}

Result<> V1Manager::thaw() {
  if (!has("freezer"))
    return fail(Error::unsupported("thaw: the freezer controller is not mounted"));
  CgroupDir d = TRY(open("freezer"));
  return set_frozen(d, false);
}

Result<FreezerState> V1Manager::freezer_state() {
  if (!has("freezer"))
    return fail(Error::unsupported("freezer state: the freezer controller is not mounted"));
  CgroupDir d = TRY(open("freezer"));
  std::string s = TRY(d.read_trimmed("freezer.state"));
  if (s == "FROZEN") return FreezerState::Frozen;
  if (s == "FREEZING") return FreezerState::Freezing;
  if (s == "THAWED") return FreezerState::Thawed;
  return fail(Error::protocol(d.path() + "/freezer.state: unknown state \"" + s + "\""));
}

Result<Stats> V1Manager::stats() {
  Stats s;
  if (has("cpuacct")) {
    CgroupDir d = TRY(open("cpuacct"));
    read_opt(d, "cpuacct.usage", s.cpu.usage.total);
    if (auto t = d.read("cpuacct.usage_percpu"); t.has_value())
      s.cpu.usage.percpu = parse_u64_list(*t);
    if (auto t = d.read("cpuacct.stat"); t.has_value()) {
      // USER_HZ ticks -> nanoseconds.
      auto kv = parse_flat_keyed(*t);
      uint64_t hz = static_cast<uint64_t>(::sysconf(_SC_CLK_TCK));
      if (hz == 0) hz = 100;
      s.cpu.usage.user = kv["user"] * (1000000000 / hz);
      s.cpu.usage.kernel = kv["system"] * (1000000000 / hz);
    }
    if (auto t = d.read("cpuacct.usage_all"); t.has_value()) {
      // "cpu user system" header, then one row per cpu, in nanoseconds.
      std::vector<std::string_view> lines = base::split(*t, '\n');
      for (size_t i = 1; i < lines.size(); ++i) {
        std::vector<std::string_view> row = base::split_fields(lines[i]);
        if (row.size() < 3) continue;
        auto user = parse_u64(row[1], "cpuacct.usage_all");
        auto sys = parse_u64(row[2], "cpuacct.usage_all");
        if (!user.has_value() || !sys.has_value()) break;
        s.cpu.usage.percpu_user.push_back(*user);
        s.cpu.usage.percpu_kernel.push_back(*sys);
      }
    }
  }
  if (has("cpu")) {
    CgroupDir d = TRY(open("cpu"));
    if (auto t = d.read("cpu.stat"); t.has_value()) {
      auto kv = parse_flat_keyed(*t);
      s.cpu.throttling.periods = kv["nr_periods"];
      s.cpu.throttling.throttled_periods = kv["nr_throttled"];
      s.cpu.throttling.throttled_time = kv["throttled_time"];
    }
  }
  if (has("cpuset")) {
    CgroupDir d = TRY(open("cpuset"));
    CpusetStats& c = s.cpuset;
    if (auto t = d.read("cpuset.cpus"); t.has_value()) c.cpus = parse_cpu_list(*t);
    if (auto t = d.read("cpuset.mems"); t.has_value()) c.mems = parse_cpu_list(*t);
    read_opt(d, "cpuset.cpu_exclusive", c.cpu_exclusive);
    read_opt(d, "cpuset.mem_hardwall", c.mem_hardwall);
    read_opt(d, "cpuset.mem_exclusive", c.mem_exclusive);
    read_opt(d, "cpuset.memory_migrate", c.memory_migrate);
    read_opt(d, "cpuset.memory_spread_page", c.memory_spread_page);
    read_opt(d, "cpuset.memory_spread_slab", c.memory_spread_slab);
    read_opt(d, "cpuset.memory_pressure", c.memory_pressure);
    read_opt(d, "cpuset.sched_load_balance", c.sched_load_balance);
    if (auto t = d.read_trimmed("cpuset.sched_relax_domain_level"); t.has_value())
      c.sched_relax_domain_level = std::strtoll(t->c_str(), nullptr, 10);
  }
  if (has("memory")) {
    CgroupDir d = TRY(open("memory"));
    if (auto t = d.read("memory.stat"); t.has_value()) s.memory.raw = parse_flat_keyed(*t);
    s.memory.cache = s.memory.raw["cache"];
    memory_entry(d, "memory.", s.memory.usage);
    memory_entry(d, "memory.memsw.", s.memory.swap);
    memory_entry(d, "memory.kmem.", s.memory.kernel);
    memory_entry(d, "memory.kmem.tcp.", s.memory.kernel_tcp);
  }
  if (has("pids")) {
    CgroupDir d = TRY(open("pids"));
    read_opt(d, "pids.current", s.pids.current);
    if (auto t = d.read_u64("pids.max"); t.has_value())
      s.pids.limit = *t == UINT64_MAX ? 0 : *t;  // runc reports "max" as 0
  }
  if (has("blkio")) {
    CgroupDir d = TRY(open("blkio"));
    // CFQ's complete set when present, else BFQ's, else the throttle counters (runc's order).
    std::string prefix = d.has("blkio.io_service_bytes_recursive")       ? "blkio."
                         : d.has("blkio.bfq.io_service_bytes_recursive") ? "blkio.bfq."
                                                                         : "blkio.throttle.";
    auto get = [&](const std::string& name) {
      auto t = d.read(prefix + name);
      return t.has_value() ? parse_blkio(*t) : std::vector<BlkioEntry>{};
    };
    s.blkio.io_service_bytes_recursive = get("io_service_bytes_recursive");
    s.blkio.io_serviced_recursive = get("io_serviced_recursive");
    if (prefix == "blkio.") {
      s.blkio.io_queued_recursive = get("io_queued_recursive");
      s.blkio.io_service_time_recursive = get("io_service_time_recursive");
      s.blkio.io_wait_time_recursive = get("io_wait_time_recursive");
      s.blkio.io_merged_recursive = get("io_merged_recursive");
      s.blkio.io_time_recursive = get("time_recursive");
      s.blkio.sectors_recursive = get("sectors_recursive");
    }
  }
  if (has("hugetlb") || has("")) {
    // v1 hugetlb if mounted, else the v2 hugetlb of a hybrid host's cgroup2 directory.
    bool v1 = has("hugetlb");
    CgroupDir d = TRY(open(v1 ? "hugetlb" : ""));
    std::vector<std::string> files = TRY(d.files());
    hugetlb_stats(d, files, v1, s.hugetlb);
  }
  return s;
}

Result<EventNotifier> V1Manager::notify_oom() {
  if (!has("memory")) return fail(Error::unsupported("notify_oom: no memory cgroup controller"));
  CgroupDir d = TRY(open("memory"));
  return register_event(d, "memory.oom_control", "");
}

Result<EventNotifier> V1Manager::notify_memory_pressure(PressureLevel level) {
  if (!has("memory"))
    return fail(Error::unsupported("notify_memory_pressure: no memory cgroup controller"));
  CgroupDir d = TRY(open("memory"));
  return register_event(d, "memory.pressure_level", " " + std::string(pressure_level_name(level)));
}

}  // namespace hull::container::cgroups::internal

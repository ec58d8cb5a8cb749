// stats_json: runc 1.1's types.Stats encoding (field names and omitempty as in types/events.go).
#include "base/json_writer.h"
#include "container/cgroups/stats.h"

namespace hull::container::cgroups {

using base::JsonWriter;

namespace {

void opt(JsonWriter& w, std::string_view key, uint64_t v) {
  if (v != 0) w.field(key, v);
}

template <typename T>
void list(JsonWriter& w, std::string_view key, const std::vector<T>& v) {
  if (v.empty()) return;
  w.key(key).begin_array();
  for (T x : v) w.value(static_cast<uint64_t>(x));
  w.end_array();
}

void memory_entry(JsonWriter& w, std::string_view key, const MemoryEntry& e) {
  w.key(key).begin_object();
  w.field("limit", e.limit);
  opt(w, "usage", e.usage);
  opt(w, "max", e.max);
  w.field("failcnt", e.failcnt);
  w.end_object();
}

void blkio_list(JsonWriter& w, std::string_view key, const std::vector<BlkioEntry>& v) {
  if (v.empty()) return;
  w.key(key).begin_array();
  for (const BlkioEntry& e : v) {
    w.begin_object();
    opt(w, "major", e.major);
    opt(w, "minor", e.minor);
    if (!e.op.empty()) w.field("op", e.op);
    opt(w, "value", e.value);
    w.end_object();
  }
  w.end_array();
}

}  // namespace

std::string stats_json(const Stats& s) {
  JsonWriter w;
  w.begin_object();

  w.key("cpu").begin_object();
  w.key("usage").begin_object();
  opt(w, "total", s.cpu.usage.total);
  list(w, "percpu", s.cpu.usage.percpu);
  list(w, "percpu_kernel", s.cpu.usage.percpu_kernel);
  list(w, "percpu_user", s.cpu.usage.percpu_user);
  w.field("kernel", s.cpu.usage.kernel);
  w.field("user", s.cpu.usage.user);
  w.end_object();
  w.key("throttling").begin_object();
  opt(w, "periods", s.cpu.throttling.periods);
  opt(w, "throttledPeriods", s.cpu.throttling.throttled_periods);
  opt(w, "throttledTime", s.cpu.throttling.throttled_time);
  w.end_object();
  w.end_object();

  const CpusetStats& cs = s.cpuset;
  w.key("cpuset").begin_object();
  list(w, "cpus", cs.cpus);
  w.field("cpu_exclusive", cs.cpu_exclusive);
  list(w, "mems", cs.mems);
  w.field("mem_hardwall", cs.mem_hardwall);
  w.field("mem_exclusive", cs.mem_exclusive);
  w.field("memory_migrate", cs.memory_migrate);
  w.field("memory_spread_page", cs.memory_spread_page);
  w.field("memory_spread_slab", cs.memory_spread_slab);
  w.field("memory_pressure", cs.memory_pressure);
  w.field("sched_load_balance", cs.sched_load_balance);
  w.field("sched_relax_domain_level", cs.sched_relax_domain_level);
  w.end_object();

  w.key("memory").begin_object();
  opt(w, "cache", s.memory.cache);
  memory_entry(w, "usage", s.memory.usage);
  memory_entry(w, "swap", s.memory.swap);
  memory_entry(w, "kernel", s.memory.kernel);
  memory_entry(w, "kernelTCP", s.memory.kernel_tcp);
  if (!s.memory.raw.empty()) {
    w.key("raw").begin_object();
    for (const auto& [k, v] : s.memory.raw) w.field(k, v);
    w.end_object();
  }
  w.end_object();

  w.key("pids").begin_object();
  opt(w, "current", s.pids.current);
  opt(w, "limit", s.pids.limit);
  w.end_object();

  w.key("blkio").begin_object();
  blkio_list(w, "ioServiceBytesRecursive", s.blkio.io_service_bytes_recursive);
  blkio_list(w, "ioServicedRecursive", s.blkio.io_serviced_recursive);
  blkio_list(w, "ioQueueRecursive", s.blkio.io_queued_recursive);
  blkio_list(w, "ioServiceTimeRecursive", s.blkio.io_service_time_recursive);
  blkio_list(w, "ioWaitTimeRecursive", s.blkio.io_wait_time_recursive);
  blkio_list(w, "ioMergedRecursive", s.blkio.io_merged_recursive);
  blkio_list(w, "ioTimeRecursive", s.blkio.io_time_recursive);
  blkio_list(w, "sectorsRecursive", s.blkio.sectors_recursive);
  w.end_object();

  w.key("hugetlb").begin_object();
  for (const auto& [size, h] : s.hugetlb) {
    w.key(size).begin_object();
    opt(w, "usage", h.usage);
    opt(w, "max", h.max);
    w.field("failcnt", h.failcnt);
    w.end_object();
  }
  w.end_object();

  w.key("intel_rdt").begin_object().end_object();

  w.key("network_interfaces");
  if (s.network_interfaces.empty()) {
    w.null();
  } else {
    w.begin_array();
    for (const auto& n : s.network_interfaces) {
      w.begin_object();
      w.field("Name", n.name);
      w.field("RxBytes", n.rx_bytes);
      w.field("RxPackets", n.rx_packets);
      w.field("RxErrors", n.rx_errors);
      w.field("RxDropped", n.rx_dropped);
      w.field("TxBytes", n.tx_bytes);
      w.field("TxPackets", n.tx_packets);
      w.field("TxErrors", n.tx_errors);
      w.field("TxDropped", n.tx_dropped);
      w.end_object();
    }
    w.end_array();
  }

  w.end_object();
  return w.take();
}

}  // namespace hull::container::cgroups

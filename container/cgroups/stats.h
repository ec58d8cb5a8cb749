// Cgroup statistics, shaped like runc's types.Stats (runc 1.1 `events --stats` "data" object),
// and their JSON encoding. Units follow runc: cpu times in nanoseconds, memory in bytes.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace hull::container::cgroups {

struct CpuUsage {
  uint64_t total = 0, kernel = 0, user = 0;
  std::vector<uint64_t> percpu, percpu_kernel, percpu_user;
};

struct Throttling {
  uint64_t periods = 0, throttled_periods = 0, throttled_time = 0;
};

struct CpuStats {
  CpuUsage usage;
  Throttling throttling;
};

struct CpusetStats {
  std::vector<uint16_t> cpus, mems;
  uint64_t cpu_exclusive = 0, mem_hardwall = 0, mem_exclusive = 0, memory_migrate = 0,
           memory_spread_page = 0, memory_spread_slab = 0, memory_pressure = 0,
           sched_load_balance = 0;
  int64_t sched_relax_domain_level = 0;
};

struct MemoryEntry {
  uint64_t limit = 0, usage = 0, max = 0, failcnt = 0;
};

struct MemoryStats {
  uint64_t cache = 0;
  MemoryEntry usage, swap, kernel, kernel_tcp;  // swap is memory+swap, as in cgroup v1
  std::map<std::string, uint64_t> raw;          // memory.stat
};

struct PidsStats {
  uint64_t current = 0, limit = 0;  // limit 0 = unlimited
};

struct BlkioEntry {
  uint64_t major = 0, minor = 0;
  std::string op;  // "Read", "Write", "Sync", "Async", "Discard", "Total"
  uint64_t value = 0;
};

struct BlkioStats {
  std::vector<BlkioEntry> io_service_bytes_recursive, io_serviced_recursive, io_queued_recursive,
      io_service_time_recursive, io_wait_time_recursive, io_merged_recursive, io_time_recursive,
      sectors_recursive;
};

struct HugetlbStats {
  uint64_t usage = 0, max = 0, failcnt = 0;
};

// Filled by the caller from the container's network namespace (not a cgroup statistic).
struct NetworkInterfaceStats {
  std::string name;
  uint64_t rx_bytes = 0, rx_packets = 0, rx_errors = 0, rx_dropped = 0;
  uint64_t tx_bytes = 0, tx_packets = 0, tx_errors = 0, tx_dropped = 0;
};

struct Stats {
  CpuStats cpu;
  CpusetStats cpuset;
  MemoryStats memory;
  PidsStats pids;
  BlkioStats blkio;
  std::map<std::string, HugetlbStats> hugetlb;  // "2MB" -> stats
  std::vector<NetworkInterfaceStats> network_interfaces;
};

// The JSON object runc prints as "data" of a {"type":"stats"} event, with Go's omitempty rules
// (zero numbers and empty lists dropped where runc drops them; "network_interfaces" is null when
// empty, "intel_rdt" is {}).
std::string stats_json(const Stats& stats);

}  // namespace hull::container::cgroups

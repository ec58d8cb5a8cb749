// CPU affinity of a process: the "0-3,7" CPU lists of cpusets and of the spec's execCPUAffinity,
// and sched_setaffinity(2)/sched_getaffinity(2) by pid.
#pragma once

#include <sys/types.h>

#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "base/result.h"
#include "base/wire.h"

namespace hull::sys {

using base::Result;

// One bit per CPU, in the kernel's unsigned-long words.
struct CpuMask {
  std::vector<unsigned long> words;
  HULL_WIRE_FIELDS(words)
  bool has(unsigned cpu) const;
  void add(unsigned cpu);
  std::string to_list() const;  // "0-3,7"; "" when empty
};

// A comma-separated list of CPUs and ranges ("0-3,7"). Empty, malformed, reversed ranges or CPUs
// beyond kMaxCpu are an error naming the list.
inline constexpr unsigned kMaxCpu = 8191;
Result<CpuMask> parse_cpu_list(std::string_view list);
// Every CPU up to kMaxCpu: as an affinity the kernel narrows it to what the process's cpuset
// allows, which resets an affinity inherited from the caller.
CpuMask all_cpus();

// pid 0 is the caller.
Result<> set_affinity(pid_t pid, const CpuMask& mask, const std::string& what);
Result<CpuMask> get_affinity(pid_t pid);

}  // namespace hull::sys

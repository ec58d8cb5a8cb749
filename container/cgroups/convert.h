// cgroup v1 -> v2 value conversions, as runc does them (libcontainer/cgroups/utils.go).
#pragma once

#include <cstdint>

#include "base/result.h"

namespace hull::container::cgroups {

// cpu.shares [2, 262144] -> cpu.weight [1, 10000]; 0 stays 0 (unset).
uint64_t cpu_shares_to_weight(uint64_t shares);
// blkio weight [10, 1000] -> io.weight [1, 10000]; 0 stays 0 (unset).
uint64_t blkio_weight_to_io_weight(uint64_t weight);
// OCI memory.swap is memory+swap; memory.swap.max is swap alone. -1 = "max", 0 = unset.
// Errors: swap without a memory limit, swap below memory (InvalidArgument, naming the field).
base::Result<int64_t> memory_swap_to_v2(int64_t swap, int64_t memory);

}  // namespace hull::container::cgroups

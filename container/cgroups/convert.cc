#include "container/cgroups/convert.h"

#include <algorithm>
#include <string>

namespace hull::container::cgroups {

using base::Error;
using base::fail;

uint64_t cpu_shares_to_weight(uint64_t shares) {
  if (shares == 0) return 0;
  shares = std::clamp<uint64_t>(shares, 2, 262144);
  return 1 + ((shares - 2) * 9999) / 262142;
}

uint64_t blkio_weight_to_io_weight(uint64_t weight) {
  if (weight == 0) return 0;
  weight = std::clamp<uint64_t>(weight, 10, 1000);
  return 1 + (weight - 10) * 9999 / 990;
}

base::Result<int64_t> memory_swap_to_v2(int64_t swap, int64_t memory) {
  // Unlimited memory and unset swap: unlimited both, as with cgroup v1.
  if (memory == -1 && swap == 0) return -1;
  if (swap == -1 || swap == 0) return swap;
  if (memory == 0 || memory == -1)
    return fail(Error::invalid("linux.resources.memory.swap: " + std::to_string(swap) +
                               " needs a memory limit"));
  if (memory < 0)
    return fail(
        Error::invalid("linux.resources.memory.limit: invalid value " + std::to_string(memory)));
  if (swap < memory)
    return fail(Error::invalid("linux.resources.memory.swap: " + std::to_string(swap) +
                               " is below memory.limit " + std::to_string(memory) +
                               " (swap is memory+swap)"));
  return swap - memory;
}

}  // namespace hull::container::cgroups

// What V1Manager::set and V2Manager::set share: the config's field names that errors carry, how a
// device and an RDMA limit are written, the checkBeforeUpdate refusal, and the blockIO throttle
// lists with their names and files.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "base/result.h"
#include "container/config.h"

namespace hull::container::cgroups::internal {

inline constexpr const char* kMem = "linux.resources.memory";
inline constexpr const char* kCpu = "linux.resources.cpu";
inline constexpr const char* kBlkio = "linux.resources.blockIO";

// field_path(kMem, "limit") -> "linux.resources.memory.limit".
std::string field_path(const char* group, const char* name);
// "8:0".
std::string devno(int64_t major, int64_t minor);
// rdma.max's line for `device`: "mlx4_0 hca_handle=2 hca_object=2000" (the limits set).
std::string rdma_line(const std::string& device, const RdmaLimit& limit);
// memory.checkBeforeUpdate: an InvalidArgument error when `limit` is below `usage`.
base::Result<> check_limit_above_usage(int64_t limit, uint64_t usage);

// One of blockIO's throttle lists: its config name, v1's file, v2's io.max key.
struct ThrottleList {
  const std::vector<ThrottleDevice>* devices;
  const char* name;     // "throttleReadBpsDevice"
  const char* v1_file;  // "blkio.throttle.read_bps_device"
  const char* v2_key;   // "rbps"
};
std::array<ThrottleList, 4> throttle_lists(const BlockIoResources& b);

}  // namespace hull::container::cgroups::internal

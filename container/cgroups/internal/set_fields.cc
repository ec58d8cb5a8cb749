#include "container/cgroups/internal/set_fields.h"

namespace hull::container::cgroups::internal {

std::string field_path(const char* group, const char* name) {
  return std::string(group) + "." + name;
}

std::string devno(int64_t major, int64_t minor) {
  return std::to_string(major) + ":" + std::to_string(minor);
}

std::string rdma_line(const std::string& device, const RdmaLimit& limit) {
  std::string line = device;
  if (limit.hca_handles) line += " hca_handle=" + std::to_string(*limit.hca_handles);
  if (limit.hca_objects) line += " hca_object=" + std::to_string(*limit.hca_objects);
  return line;
}

base::Result<> check_limit_above_usage(int64_t limit, uint64_t usage) {
  if (static_cast<uint64_t>(limit) >= usage) return {};
  return base::fail(base::Error::invalid(field_path(kMem, "limit") + ": " + std::to_string(limit) +
                                         " is below the current usage " + std::to_string(usage) +
                                         " (checkBeforeUpdate)"));
}

std::array<ThrottleList, 4> throttle_lists(const BlockIoResources& b) {
  return {{
      {&b.throttle_read_bps_device, "throttleReadBpsDevice", "blkio.throttle.read_bps_device",
       "rbps"},
      {&b.throttle_write_bps_device, "throttleWriteBpsDevice", "blkio.throttle.write_bps_device",
       "wbps"},
      {&b.throttle_read_iops_device, "throttleReadIOPSDevice", "blkio.throttle.read_iops_device",
       "riops"},
      {&b.throttle_write_iops_device, "throttleWriteIOPSDevice", "blkio.throttle.write_iops_device",
       "wiops"},
  }};
}

}  // namespace hull::container::cgroups::internal

// LinuxResources: config.json's linux.resources and `update --resources`. Every limit is kept
// optional so that an update changes only what it names.
#include <fmt/format.h>

#include "container/internal/config_reader.h"

namespace hull::container {

namespace detail {

namespace {

Result<> check_rule_type(const DeviceCgroupRule& rule, const JsonObject& o) {
  if (rule.type.empty() || rule.type == "a" || rule.type == "c" || rule.type == "b") return {};
  return base::fail(path_error(
      o.path_of("type"), fmt::format("unknown device type \"{}\" (want a, c or b)", rule.type)));
}

Result<> check_rule_access(const DeviceCgroupRule& rule, const JsonObject& o) {
  if (rule.access.find_first_not_of("rwm") == std::string::npos) return {};
  return base::fail(
      path_error(o.path_of("access"),
                 fmt::format("invalid access \"{}\" (want letters of rwm)", rule.access)));
}

}  // namespace

template <>
constexpr auto kJsonFields<DeviceCgroupRule> = std::tuple{
    field("allow", &DeviceCgroupRule::allow, kRequired),
    field("type", &DeviceCgroupRule::type),
    check(check_rule_type),
    field("major", &DeviceCgroupRule::major),
    field("minor", &DeviceCgroupRule::minor),
    field("access", &DeviceCgroupRule::access),
    check(check_rule_access),
};

template <>
constexpr auto kJsonFields<MemoryResources> = std::tuple{
    field("limit", &MemoryResources::limit, kZeroIsUnset),
    field("reservation", &MemoryResources::reservation, kZeroIsUnset),
    field("swap", &MemoryResources::swap, kZeroIsUnset),
    field("kernel", &MemoryResources::kernel, kZeroIsUnset),
    field("kernelTCP", &MemoryResources::kernel_tcp, kZeroIsUnset),
    field("swappiness", &MemoryResources::swappiness),
    field("disableOOMKiller", &MemoryResources::disable_oom_killer),
    field("useHierarchy", &MemoryResources::use_hierarchy),
    field("checkBeforeUpdate", &MemoryResources::check_before_update),
};

template <>
constexpr auto kJsonFields<CpuResources> = std::tuple{
    field("shares", &CpuResources::shares, kZeroIsUnset),
    field("quota", &CpuResources::quota, kZeroIsUnset),
    field("burst", &CpuResources::burst),
    field("period", &CpuResources::period, kZeroIsUnset),
    field("realtimeRuntime", &CpuResources::realtime_runtime, kZeroIsUnset),
    field("realtimePeriod", &CpuResources::realtime_period, kZeroIsUnset),
    field("cpus", &CpuResources::cpus),
    field("mems", &CpuResources::mems),
    field("idle", &CpuResources::idle),
};

template <>
constexpr auto kJsonFields<WeightDevice> = std::tuple{
    field("major", &WeightDevice::major, kRequired),
    field("minor", &WeightDevice::minor, kRequired),
    field("weight", &WeightDevice::weight),
    field("leafWeight", &WeightDevice::leaf_weight),
};

template <>
constexpr auto kJsonFields<ThrottleDevice> = std::tuple{
    field("major", &ThrottleDevice::major, kRequired),
    field("minor", &ThrottleDevice::minor, kRequired),
    field("rate", &ThrottleDevice::rate, kRequired),
};

template <>
constexpr auto kJsonFields<BlockIoResources> = std::tuple{
    field("weight", &BlockIoResources::weight, kZeroIsUnset),
    field("leafWeight", &BlockIoResources::leaf_weight, kZeroIsUnset),
    field("weightDevice", &BlockIoResources::weight_device),
    field("throttleReadBpsDevice", &BlockIoResources::throttle_read_bps_device),
    field("throttleWriteBpsDevice", &BlockIoResources::throttle_write_bps_device),
    field("throttleReadIOPSDevice", &BlockIoResources::throttle_read_iops_device),
    field("throttleWriteIOPSDevice", &BlockIoResources::throttle_write_iops_device),
};

template <>
constexpr auto kJsonFields<HugepageLimit> = std::tuple{
    field("pageSize", &HugepageLimit::page_size, kRequired),
    field("limit", &HugepageLimit::limit, kRequired),
};

template <>
constexpr auto kJsonFields<NetworkPriority> = std::tuple{
    field("name", &NetworkPriority::name, kRequired),
    field("priority", &NetworkPriority::priority, kRequired),
};

template <>
constexpr auto kJsonFields<NetworkResources> = std::tuple{
    field("classID", &NetworkResources::class_id),
    field("priorities", &NetworkResources::priorities),
};

template <>
constexpr auto kJsonFields<RdmaLimit> = std::tuple{
    field("hcaHandles", &RdmaLimit::hca_handles),
    field("hcaObjects", &RdmaLimit::hca_objects),
};

template <>
constexpr auto kJsonFields<Resources> = std::tuple{
    field("devices", &Resources::devices),
    field("memory", &Resources::memory),
    field("cpu", &Resources::cpu),
    inner_field("pids", "limit", &Resources::pids_limit, kZeroIsUnset),
    field("blockIO", &Resources::block_io),
    field("hugepageLimits", &Resources::hugepage_limits),
    field("network", &Resources::network),
    field("rdma", &Resources::rdma),
    field("unified", &Resources::unified),
};

Result<> read_value(json::Value e, const std::string& path, Resources& out) {
  out = TRY(read_object<Resources>(e, path));
  return {};
}

}  // namespace detail

Result<Resources> parse_resources(std::string_view json) {
  return detail::parse_text<Resources>(json);
}

}  // namespace hull::container

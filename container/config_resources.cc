// LinuxResources: config.json's linux.resources and `update --resources`. Every limit is kept
// optional so that an update changes only what it names.
#include <fmt/format.h>

#include "container/internal/config_reader.h"

namespace hull::container::detail {

namespace {

Result<std::vector<DeviceCgroupRule>> parse_device_rules(const JsonObject& o) {
  std::vector<DeviceCgroupRule> out;
  auto each_devices = [&](json::Value e, const std::string& p) -> Result<> {
    auto d = TRY(JsonObject::from(e, p));
    DeviceCgroupRule rule;
    TRY(d.require("allow"));
    TRY(d.get("allow", rule.allow));
    TRY(d.get("type", rule.type));
    if (!rule.type.empty() && rule.type != "a" && rule.type != "c" && rule.type != "b") {
      return base::fail(path_error(
          d.path_of("type"), fmt::format("unknown device type \"{}\" (want a, c or b)", rule.type)));
    }
    TRY(d.get("major", rule.major));
    TRY(d.get("minor", rule.minor));
    TRY(d.get("access", rule.access));
    if (rule.access.find_first_not_of("rwm") != std::string::npos) {
      return base::fail(path_error(
          d.path_of("access"), fmt::format("invalid access \"{}\" (want letters of rwm)", rule.access)));
    }
    out.push_back(std::move(rule));
    return {};
  };
  TRY(o.each("devices", each_devices));
  return out;
}

Result<MemoryResources> parse_memory(const JsonObject& o) {
  MemoryResources m;
  TRY(o.get("limit", m.limit));
  TRY(o.get("reservation", m.reservation));
  TRY(o.get("swap", m.swap));
  TRY(o.get("kernel", m.kernel));
  TRY(o.get("kernelTCP", m.kernel_tcp));
  TRY(o.get("swappiness", m.swappiness));
  TRY(o.get("disableOOMKiller", m.disable_oom_killer));
  TRY(o.get("useHierarchy", m.use_hierarchy));
  TRY(o.get("checkBeforeUpdate", m.check_before_update));
  return m;
}

Result<CpuResources> parse_cpu(const JsonObject& o) {
  CpuResources c;
  TRY(o.get("shares", c.shares));
  TRY(o.get("quota", c.quota));
  TRY(o.get("burst", c.burst));
  TRY(o.get("period", c.period));
  TRY(o.get("realtimeRuntime", c.realtime_runtime));
  TRY(o.get("realtimePeriod", c.realtime_period));
  TRY(o.get("cpus", c.cpus));
  TRY(o.get("mems", c.mems));
  TRY(o.get("idle", c.idle));
  return c;
}

Result<std::vector<ThrottleDevice>> parse_throttle(const JsonObject& o, std::string_view key) {
  std::vector<ThrottleDevice> out;
  auto each_item = [&](json::Value e, const std::string& p) -> Result<> {
    auto d = TRY(JsonObject::from(e, p));
    ThrottleDevice t;
    TRY(d.require("major"));
    TRY(d.get("major", t.major));
    TRY(d.require("minor"));
    TRY(d.get("minor", t.minor));
    TRY(d.require("rate"));
    TRY(d.get("rate", t.rate));
    out.push_back(t);
    return {};
  };
  TRY(o.each(key, each_item));
  return out;
}

Result<BlockIoResources> parse_block_io(const JsonObject& o) {
  BlockIoResources b;
  TRY(o.get("weight", b.weight));
  TRY(o.get("leafWeight", b.leaf_weight));
  auto each_weight_device = [&](json::Value e, const std::string& p) -> Result<> {
    auto d = TRY(JsonObject::from(e, p));
    WeightDevice w;
    TRY(d.require("major"));
    TRY(d.get("major", w.major));
    TRY(d.require("minor"));
    TRY(d.get("minor", w.minor));
    TRY(d.get("weight", w.weight));
    TRY(d.get("leafWeight", w.leaf_weight));
    b.weight_device.push_back(w);
    return {};
  };
  TRY(o.each("weightDevice", each_weight_device));
  b.throttle_read_bps_device = TRY(parse_throttle(o, "throttleReadBpsDevice"));
  b.throttle_write_bps_device = TRY(parse_throttle(o, "throttleWriteBpsDevice"));
  b.throttle_read_iops_device = TRY(parse_throttle(o, "throttleReadIOPSDevice"));
  b.throttle_write_iops_device = TRY(parse_throttle(o, "throttleWriteIOPSDevice"));
  return b;
}

Result<NetworkResources> parse_network(const JsonObject& o) {
  NetworkResources n;
  TRY(o.get("classID", n.class_id));
  auto each_priorities = [&](json::Value e, const std::string& p) -> Result<> {
    auto pr = TRY(JsonObject::from(e, p));
    NetworkPriority prio;
    TRY(pr.require("name"));
    TRY(pr.get("name", prio.name));
    TRY(pr.require("priority"));
    TRY(pr.get("priority", prio.priority));
    n.priorities.push_back(std::move(prio));
    return {};
  };
  TRY(o.each("priorities", each_priorities));
  return n;
}

}  // namespace

Result<Resources> parse_resources_object(const JsonObject& o) {
  Resources r;
  r.devices = TRY(parse_device_rules(o));
  if (auto m = TRY(o.object("memory"))) r.memory = TRY(parse_memory(*m));
  if (auto c = TRY(o.object("cpu"))) r.cpu = TRY(parse_cpu(*c));
  if (auto p = TRY(o.object("pids"))) TRY(p->get("limit", r.pids_limit));
  if (auto b = TRY(o.object("blockIO"))) r.block_io = TRY(parse_block_io(*b));
  auto each_hugepage_limits = [&](json::Value e, const std::string& p) -> Result<> {
    auto h = TRY(JsonObject::from(e, p));
    HugepageLimit limit;
    TRY(h.require("pageSize"));
    TRY(h.get("pageSize", limit.page_size));
    TRY(h.require("limit"));
    TRY(h.get("limit", limit.limit));
    r.hugepage_limits.push_back(std::move(limit));
    return {};
  };
  TRY(o.each("hugepageLimits", each_hugepage_limits));
  if (auto n = TRY(o.object("network"))) r.network = TRY(parse_network(*n));
  auto each_rdma = [&](std::string_view name, json::Value e, const std::string& p) -> Result<> {
    auto d = TRY(JsonObject::from(e, p));
    RdmaLimit limit;
    TRY(d.get("hcaHandles", limit.hca_handles));
    TRY(d.get("hcaObjects", limit.hca_objects));
    r.rdma[std::string(name)] = limit;
    return {};
  };
  TRY(o.each_member("rdma", each_rdma));
  TRY(o.get("unified", r.unified));
  return r;
}

}  // namespace hull::container::detail

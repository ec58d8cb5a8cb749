// V1Manager::set: linux.resources onto the v1 controller files (runc's fs package semantics).
#include <cerrno>
#include <string>

#include "container/cgroups/internal/fs.h"
#include "container/cgroups/internal/set_fields.h"
#include "container/cgroups/internal/v1.h"

namespace hull::container::cgroups::internal {

using base::Error;
using base::fail;

namespace {

Result<> set_memory_limit(const CgroupDir& d, int64_t limit) {
  auto r = d.write("memory.limit_in_bytes", std::to_string(limit));
  if (r.has_value()) return {};
  if (r.error().errno_code() == EBUSY) {
    // The kernel refuses a limit below what is in use; say how much that is.
    auto usage = d.read_u64("memory.usage_in_bytes");
    auto peak = d.read_u64("memory.max_usage_in_bytes");
    return fail(Error::invalid(
        field_path(kMem, "limit") + ": unable to set memory limit to " + std::to_string(limit) +
        " (current usage: " + (usage.has_value() ? std::to_string(*usage) : "?") +
        ", peak usage: " + (peak.has_value() ? std::to_string(*peak) : "?") + ")"));
  }
  return fail(std::move(r).error().context(field_path(kMem, "limit")));
}

Result<> set_swap(const CgroupDir& d, int64_t swap) {
  if (!d.has("memory.memsw.limit_in_bytes"))
    return fail(Error::unsupported(field_path(kMem, "swap") +
                                   ": swap accounting is off (no memory.memsw.limit_in_bytes)"));
  return write_field(d, "memory.memsw.limit_in_bytes", std::to_string(swap),
                     field_path(kMem, "swap"));
}

Result<> set_memory(const CgroupDir& d, const MemoryResources& m) {
  int64_t limit = m.limit.value_or(0);
  int64_t swap = m.swap.value_or(0);
  if (m.check_before_update.value_or(false) && limit > 0) {
    uint64_t usage = TRY(d.read_u64("memory.usage_in_bytes"));
    TRY(check_limit_above_usage(limit, usage));
  }
  // runc's setMemoryAndSwap: unlimited memory with unset swap means unlimited swap too, and the
  // order of the two writes keeps memory <= memory+swap at every step.
  if (limit == -1 && swap == 0 && d.has("memory.memsw.limit_in_bytes")) swap = -1;
  bool swap_first = false;
  if (limit != 0 && swap != 0) {
    uint64_t current = TRY(d.read_u64("memory.limit_in_bytes"));
    swap_first = swap == -1 || current < static_cast<uint64_t>(swap);
  }
  if (swap_first) {
    TRY(set_swap(d, swap));
    TRY(set_memory_limit(d, limit));
  } else {
    if (limit != 0) TRY(set_memory_limit(d, limit));
    if (swap != 0) TRY(set_swap(d, swap));
  }
  if (m.reservation && *m.reservation != 0)  // Docker's update sends 0 for "unchanged"
    TRY(write_field(d, "memory.soft_limit_in_bytes", std::to_string(*m.reservation),
                    field_path(kMem, "reservation")));
  // memory.kernel: deprecated and ignored, as runc >= 1.0 does (kernels >= 6.1 refuse it).
  if (m.kernel_tcp)
    TRY(write_field(d, "memory.kmem.tcp.limit_in_bytes", std::to_string(*m.kernel_tcp),
                    field_path(kMem, "kernelTCP")));
  if (m.swappiness) {
    if (*m.swappiness > 100)
      return fail(Error::invalid(field_path(kMem, "swappiness") + ": " +
                                 std::to_string(*m.swappiness) + " is out of range 0-100"));
    TRY(write_field(d, "memory.swappiness", std::to_string(*m.swappiness),
                    field_path(kMem, "swappiness")));
  }
  if (m.disable_oom_killer.value_or(false))
    TRY(write_field(d, "memory.oom_control", "1", field_path(kMem, "disableOOMKiller")));
  if (m.use_hierarchy)
    TRY(write_field(d, "memory.use_hierarchy", *m.use_hierarchy ? "1" : "0",
                    field_path(kMem, "useHierarchy")));
  return {};
}

Result<> set_cpu(const CgroupDir& d, const CpuResources& c) {
  if (c.shares && *c.shares != 0) {
    TRY(write_field(d, "cpu.shares", std::to_string(*c.shares), field_path(kCpu, "shares")));
    // The kernel clamps out-of-range shares silently; report it like runc.
    uint64_t got = TRY(d.read_u64("cpu.shares"));
    if (got != *c.shares)
      return fail(Error::invalid(field_path(kCpu, "shares") + ": " + std::to_string(*c.shares) +
                                 " is out of range (the kernel set " + std::to_string(got) + ")"));
  }
  std::string pending_period;
  if (c.period && *c.period != 0) {
    std::string period = std::to_string(*c.period);
    auto r = d.write("cpu.cfs_period_us", period);
    // A smaller period can exceed the parent's quota until the new quota is in: retry after it.
    if (!r.has_value()) {
      if (r.error().errno_code() != EINVAL || c.quota.value_or(0) == 0)
        return fail(std::move(r).error().context(field_path(kCpu, "period")));
      pending_period = period;
    }
  }
  if (c.quota && *c.quota != 0) {
    TRY(write_field(d, "cpu.cfs_quota_us", std::to_string(*c.quota), field_path(kCpu, "quota")));
    if (!pending_period.empty())
      TRY(write_field(d, "cpu.cfs_period_us", pending_period, field_path(kCpu, "period")));
  }
  if (c.burst) {
    if (!d.has("cpu.cfs_burst_us"))
      return fail(Error::unsupported(field_path(kCpu, "burst") + ": not supported by this kernel"));
    TRY(write_field(d, "cpu.cfs_burst_us", std::to_string(*c.burst), field_path(kCpu, "burst")));
  }
  if (c.realtime_period && *c.realtime_period != 0)
    TRY(write_field(d, "cpu.rt_period_us", std::to_string(*c.realtime_period),
                    field_path(kCpu, "realtimePeriod")));
  if (c.realtime_runtime && *c.realtime_runtime != 0)
    TRY(write_field(d, "cpu.rt_runtime_us", std::to_string(*c.realtime_runtime),
                    field_path(kCpu, "realtimeRuntime")));
  if (c.idle) {
    if (!d.has("cpu.idle"))
      return fail(Error::unsupported(field_path(kCpu, "idle") + ": not supported by this kernel"));
    TRY(write_field(d, "cpu.idle", std::to_string(*c.idle), field_path(kCpu, "idle")));
  }
  return {};
}

Result<> set_blkio(const CgroupDir& d, const BlockIoResources& b) {
  // CFQ files when present, else BFQ's (runc's blkio.go does the same).
  bool cfq = d.has("blkio.weight");
  std::string weight_file = cfq ? "blkio.weight" : "blkio.bfq.weight";
  std::string weight_device_file = cfq ? "blkio.weight_device" : "blkio.bfq.weight_device";
  // Zero means "not set", as in runc: Docker writes "blockIO": {"weight": 0} into every config.
  if (b.weight && *b.weight != 0) {
    if (!d.has(weight_file))
      return fail(Error::unsupported(field_path(kBlkio, "weight") +
                                     ": no blkio.weight or blkio.bfq.weight on this host"));
    TRY(write_field(d, weight_file, std::to_string(*b.weight), field_path(kBlkio, "weight")));
  }
  if (b.leaf_weight && *b.leaf_weight != 0) {
    if (!d.has("blkio.leaf_weight"))
      return fail(
          Error::unsupported(field_path(kBlkio, "leafWeight") + ": not supported by this kernel"));
    TRY(write_field(d, "blkio.leaf_weight", std::to_string(*b.leaf_weight),
                    field_path(kBlkio, "leafWeight")));
  }
  for (size_t i = 0; i < b.weight_device.size(); ++i) {
    const WeightDevice& w = b.weight_device[i];
    std::string field = std::string(kBlkio) + ".weightDevice[" + std::to_string(i) + "]";
    if (w.weight)
      TRY(write_field(d, weight_device_file,
                      devno(w.major, w.minor) + " " + std::to_string(*w.weight),
                      field + ".weight"));
    if (w.leaf_weight)
      TRY(write_field(d, "blkio.leaf_weight_device",
                      devno(w.major, w.minor) + " " + std::to_string(*w.leaf_weight),
                      field + ".leafWeight"));
  }
  for (const ThrottleList& t : throttle_lists(b)) {
    for (size_t i = 0; i < t.devices->size(); ++i) {
      const ThrottleDevice& td = (*t.devices)[i];
      TRY(write_field(d, t.v1_file, devno(td.major, td.minor) + " " + std::to_string(td.rate),
                      std::string(kBlkio) + "." + t.name + "[" + std::to_string(i) + "]"));
    }
  }
  return {};
}

}  // namespace

Result<> V1Manager::set(const Resources& r) {
  // runc refuses unified on any host that is not pure cgroup v2 (hybrid too), before writing.
  if (!r.unified.empty())
    return fail(Error::invalid(
        "linux.resources.unified: invalid configuration: cannot use unified on cgroup v1"));
  auto need = [&](const char* controller, const std::string& field) -> Result<CgroupDir> {
    if (!has(controller))
      return fail(
          Error::unsupported(field + ": the " + controller + " cgroup controller is not mounted"));
    return open(controller);
  };
  if (r.memory) {
    CgroupDir d = TRY(need("memory", kMem));
    TRY(set_memory(d, *r.memory));
  }
  if (r.cpu) {
    const CpuResources& c = *r.cpu;
    bool any_cpu = c.shares || c.quota || c.period || c.burst || c.realtime_period ||
                   c.realtime_runtime || c.idle;
    if (any_cpu) {
      CgroupDir d = TRY(need("cpu", kCpu));
      TRY(set_cpu(d, c));
    }
    if (!c.cpus.empty() || !c.mems.empty()) {
      CgroupDir d = TRY(need("cpuset", kCpu));
      if (!c.cpus.empty()) TRY(write_field(d, "cpuset.cpus", c.cpus, field_path(kCpu, "cpus")));
      if (!c.mems.empty()) TRY(write_field(d, "cpuset.mems", c.mems, field_path(kCpu, "mems")));
    }
  }
  if (r.pids_limit && *r.pids_limit != 0) {
    CgroupDir d = TRY(need("pids", "linux.resources.pids.limit"));
    TRY(write_field(d, "pids.max", limit_string(*r.pids_limit), "linux.resources.pids.limit"));
  }
  if (r.block_io) {
    CgroupDir d = TRY(need("blkio", kBlkio));
    TRY(set_blkio(d, *r.block_io));
  }
  for (size_t i = 0; i < r.hugepage_limits.size(); ++i) {
    const HugepageLimit& h = r.hugepage_limits[i];
    std::string field = "linux.resources.hugepageLimits[" + std::to_string(i) + "]";
    // v1 hugetlb if mounted, else the v2 hugetlb of a hybrid host's cgroup2 directory.
    bool v1 = has("hugetlb");
    if (!v1 && !has(""))
      return fail(Error::unsupported(field + ": no hugetlb cgroup controller on this host"));
    CgroupDir d = TRY(open(v1 ? "hugetlb" : ""));
    std::string file = "hugetlb." + h.page_size + (v1 ? ".limit_in_bytes" : ".max");
    if (!d.has(file))
      return fail(Error::invalid(field + ".pageSize: \"" + h.page_size +
                                 "\" is not a huge page size here (no " + d.path() + "/" + file +
                                 ")"));
    TRY(write_field(d, file, std::to_string(h.limit), field + ".limit"));
    if (!v1 && d.has("hugetlb." + h.page_size + ".rsvd.max"))
      TRY(write_field(d, "hugetlb." + h.page_size + ".rsvd.max", std::to_string(h.limit),
                      field + ".limit"));
  }
  if (r.network) {
    if (r.network->class_id) {
      CgroupDir d = TRY(need("net_cls", "linux.resources.network.classID"));
      TRY(write_field(d, "net_cls.classid", std::to_string(*r.network->class_id),
                      "linux.resources.network.classID"));
    }
    for (size_t i = 0; i < r.network->priorities.size(); ++i) {
      const NetworkPriority& p = r.network->priorities[i];
      std::string field = "linux.resources.network.priorities[" + std::to_string(i) + "]";
      CgroupDir d = TRY(need("net_prio", field));
      TRY(write_field(d, "net_prio.ifpriomap", p.name + " " + std::to_string(p.priority), field));
    }
  }
  for (const auto& [device, limit] : r.rdma) {
    std::string field = "linux.resources.rdma[\"" + device + "\"]";
    CgroupDir d = TRY(need("rdma", field));
    TRY(write_field(d, "rdma.max", rdma_line(device, limit), field));
  }
  if (!r.devices.empty()) {
    DeviceSet set = TRY(emulate_devices(r.devices));
    CgroupDir d = TRY(need("devices", "linux.resources.devices"));
    for (const auto& [file, line] : devices_v1_writes(set))
      TRY(write_field(d, file, line, "linux.resources.devices"));
  }
  return {};
}

}  // namespace hull::container::cgroups::internal

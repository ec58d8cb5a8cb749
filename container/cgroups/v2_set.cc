// V2Manager::set: linux.resources onto the unified hierarchy's files (runc's fs2 semantics).
#include <cerrno>
#include <string>

#include "container/cgroups/convert.h"
#include "container/cgroups/internal/fs.h"
#include "container/cgroups/internal/set_fields.h"
#include "container/cgroups/internal/v2.h"
#include "sys/bpf.h"

namespace hull::container::cgroups::internal {

using base::Error;
using base::fail;

namespace {

// A controller's file must exist: it does only when the controller is enabled for this cgroup.
Result<> need(const CgroupDir& d, const std::string& file, const std::string& field) {
  if (d.has(file)) return {};
  return fail(Error::unsupported(field + ": " + d.path() + "/" + file +
                                 " does not exist (controller not enabled in cgroup v2?)"));
}

Result<> unsupported_v2(const std::string& field) {
  return fail(Error::unsupported(field + ": not supported on cgroup v2"));
}

Result<> set_memory(const CgroupDir& d, const MemoryResources& m) {
  int64_t limit = m.limit.value_or(0);
  int64_t swap = TRY(memory_swap_to_v2(m.swap.value_or(0), limit));
  if (m.check_before_update.value_or(false) && limit > 0) {
    TRY(need(d, "memory.current", field_path(kMem, "limit")));
    uint64_t usage = TRY(d.read_u64("memory.current"));
    TRY(check_limit_above_usage(limit, usage));
  }
  if (swap != 0) {
    TRY(need(d, "memory.swap.max", field_path(kMem, "swap")));
    TRY(write_field(d, "memory.swap.max", limit_string(swap), field_path(kMem, "swap")));
  }
  if (limit != 0) {
    TRY(need(d, "memory.max", field_path(kMem, "limit")));
    TRY(write_field(d, "memory.max", limit_string(limit), field_path(kMem, "limit")));
  }
  if (m.reservation && *m.reservation != 0) {
    TRY(need(d, "memory.low", field_path(kMem, "reservation")));
    TRY(write_field(d, "memory.low", limit_string(*m.reservation),
                    field_path(kMem, "reservation")));
  }
  // memory.kernel is ignored (deprecated), as runc does; the rest has no v2 file.
  if (m.kernel_tcp && *m.kernel_tcp != 0) TRY(unsupported_v2(field_path(kMem, "kernelTCP")));
  if (m.swappiness && *m.swappiness != 0) TRY(unsupported_v2(field_path(kMem, "swappiness")));
  if (m.disable_oom_killer.value_or(false))
    TRY(unsupported_v2(field_path(kMem, "disableOOMKiller")));
  return {};
}

Result<> set_cpu(const CgroupDir& d, const CpuResources& c) {
  if (c.realtime_period && *c.realtime_period != 0)
    TRY(unsupported_v2(field_path(kCpu, "realtimePeriod")));
  if (c.realtime_runtime && *c.realtime_runtime != 0)
    TRY(unsupported_v2(field_path(kCpu, "realtimeRuntime")));
  if (c.idle) {
    TRY(need(d, "cpu.idle", field_path(kCpu, "idle")));
    TRY(write_field(d, "cpu.idle", std::to_string(*c.idle), field_path(kCpu, "idle")));
  }
  if (c.shares && *c.shares != 0) {
    if (*c.shares < 2 || *c.shares > 262144)
      return fail(Error::invalid(field_path(kCpu, "shares") + ": " + std::to_string(*c.shares) +
                                 " is out of range 2-262144"));
    TRY(need(d, "cpu.weight", field_path(kCpu, "shares")));
    TRY(write_field(d, "cpu.weight", std::to_string(cpu_shares_to_weight(*c.shares)),
                    field_path(kCpu, "shares")));
  }
  bool has_quota = c.quota && *c.quota != 0;
  bool has_period = c.period && *c.period != 0;
  if (has_quota || has_period) {
    TRY(need(d, "cpu.max", has_quota ? field_path(kCpu, "quota") : field_path(kCpu, "period")));
    std::string quota;
    if (has_quota) {
      quota = limit_string(*c.quota);
    } else {
      // Only the period changes: keep the current quota (runc would reset it to "max").
      std::string current = TRY(d.read_trimmed("cpu.max"));
      quota = current.substr(0, current.find(' '));
    }
    std::string value = quota + (has_period ? " " + std::to_string(*c.period) : "");
    TRY(write_field(d, "cpu.max", value,
                    has_quota ? field_path(kCpu, "quota") : field_path(kCpu, "period")));
  }
  if (c.burst) {
    TRY(need(d, "cpu.max.burst", field_path(kCpu, "burst")));
    TRY(write_field(d, "cpu.max.burst", std::to_string(*c.burst), field_path(kCpu, "burst")));
  }
  if (!c.cpus.empty()) {
    TRY(need(d, "cpuset.cpus", field_path(kCpu, "cpus")));
    TRY(write_field(d, "cpuset.cpus", c.cpus, field_path(kCpu, "cpus")));
  }
  if (!c.mems.empty()) {
    TRY(need(d, "cpuset.mems", field_path(kCpu, "mems")));
    TRY(write_field(d, "cpuset.mems", c.mems, field_path(kCpu, "mems")));
  }
  return {};
}

Result<> set_io(const CgroupDir& d, const BlockIoResources& b) {
  // BFQ takes the blkio weight as is; io.weight needs the converted value.
  bool bfq = d.has("io.bfq.weight");
  if (b.weight && *b.weight != 0) {
    if (*b.weight < 10 || *b.weight > 1000)
      return fail(Error::invalid(field_path(kBlkio, "weight") + ": " + std::to_string(*b.weight) +
                                 " is out of range 10-1000"));
    if (bfq) {
      TRY(write_field(d, "io.bfq.weight", std::to_string(*b.weight), field_path(kBlkio, "weight")));
    } else {
      TRY(need(d, "io.weight", field_path(kBlkio, "weight")));
      TRY(write_field(d, "io.weight",
                      "default " + std::to_string(blkio_weight_to_io_weight(*b.weight)),
                      field_path(kBlkio, "weight")));
    }
  }
  if (b.leaf_weight && *b.leaf_weight != 0) TRY(unsupported_v2(field_path(kBlkio, "leafWeight")));
  for (size_t i = 0; i < b.weight_device.size(); ++i) {
    const WeightDevice& w = b.weight_device[i];
    std::string field = std::string(kBlkio) + ".weightDevice[" + std::to_string(i) + "]";
    if (w.leaf_weight && *w.leaf_weight != 0) TRY(unsupported_v2(field + ".leafWeight"));
    if (!w.weight) continue;
    if (bfq) {
      TRY(write_field(d, "io.bfq.weight", devno(w.major, w.minor) + " " + std::to_string(*w.weight),
                      field + ".weight"));
    } else {
      TRY(need(d, "io.weight", field + ".weight"));
      TRY(write_field(
          d, "io.weight",
          devno(w.major, w.minor) + " " + std::to_string(blkio_weight_to_io_weight(*w.weight)),
          field + ".weight"));
    }
  }
  for (const ThrottleList& t : throttle_lists(b)) {
    for (size_t i = 0; i < t.devices->size(); ++i) {
      const ThrottleDevice& td = (*t.devices)[i];
      std::string name = std::string(kBlkio) + "." + t.name + "[" + std::to_string(i) + "]";
      TRY(need(d, "io.max", name));
      // A rate of 0 means "no limit" in OCI; io.max spells it "max".
      std::string rate = td.rate == 0 ? std::string("max") : std::to_string(td.rate);
      TRY(write_field(d, "io.max", devno(td.major, td.minor) + " " + t.v2_key + "=" + rate, name));
    }
  }
  return {};
}

// Replaces the device program of `d` with one for `set`: attach the new program first
// (BPF_F_ALLOW_MULTI), then detach the old ones, so no moment is left unfiltered.
Result<> set_devices(const CgroupDir& d, const DeviceSet& set) {
  const std::string field = "linux.resources.devices";
  std::vector<struct bpf_insn> program = devices_bpf_program(set);
  sys::UniqueFd prog =
      TRY(sys::bpf_prog_load_cgroup_device(program, "Apache").map_error(base::context(field)));
  std::vector<uint32_t> old =
      TRY(sys::bpf_prog_query_cgroup_device(d.fd()).map_error(base::context(field)));
  TRY(sys::bpf_prog_attach_cgroup_device(prog, d.fd(), BPF_F_ALLOW_MULTI)
          .map_error(base::context(field + ": attaching to " + d.path())));
  for (uint32_t id : old) {
    auto old_prog = sys::bpf_prog_get_fd_by_id(id);
    if (!old_prog.has_value()) continue;  // detached meanwhile
    TRY(sys::bpf_prog_detach_cgroup_device(*old_prog, d.fd()).map_error(base::context(field)));
  }
  return {};
}

}  // namespace

Result<> V2Manager::set(const Resources& r) {
  CgroupDir d = TRY(open());
  if (r.memory) TRY(set_memory(d, *r.memory));
  if (r.cpu) TRY(set_cpu(d, *r.cpu));
  if (r.pids_limit && *r.pids_limit != 0) {
    TRY(need(d, "pids.max", "linux.resources.pids.limit"));
    TRY(write_field(d, "pids.max", limit_string(*r.pids_limit), "linux.resources.pids.limit"));
  }
  if (r.block_io) TRY(set_io(d, *r.block_io));
  for (size_t i = 0; i < r.hugepage_limits.size(); ++i) {
    const HugepageLimit& h = r.hugepage_limits[i];
    std::string field = "linux.resources.hugepageLimits[" + std::to_string(i) + "]";
    std::string file = "hugetlb." + h.page_size + ".max";
    if (!d.has(file))
      return fail(Error::invalid(field + ".pageSize: \"" + h.page_size + "\": no " + d.path() +
                                 "/" + file + " (not a huge page size, or hugetlb not enabled)"));
    TRY(write_field(d, file, std::to_string(h.limit), field + ".limit"));
    std::string rsvd = "hugetlb." + h.page_size + ".rsvd.max";
    if (d.has(rsvd)) TRY(write_field(d, rsvd, std::to_string(h.limit), field + ".limit"));
  }
  if (r.network && (r.network->class_id || !r.network->priorities.empty()))
    TRY(unsupported_v2("linux.resources.network"));
  for (const auto& [device, limit] : r.rdma) {
    std::string name = "linux.resources.rdma[\"" + device + "\"]";
    TRY(need(d, "rdma.max", name));
    TRY(write_field(d, "rdma.max", rdma_line(device, limit), name));
  }
  for (const auto& [key, value] : r.unified) {
    std::string field = "linux.resources.unified[\"" + key + "\"]";
    if (key.empty() || key.find('/') != std::string::npos || key[0] == '.')
      return fail(Error::invalid(field + ": not a cgroup file name"));
    TRY(need(d, key, field));
    TRY(write_field(d, key, value, field));
  }
  if (!r.devices.empty()) {
    DeviceSet set = TRY(emulate_devices(r.devices));
    TRY(set_devices(d, set));
  }
  return {};
}

}  // namespace hull::container::cgroups::internal

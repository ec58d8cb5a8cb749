// Container::update: new cgroup limits for a live container (runc's update), written to the
// cgroup first and then recorded in state.json's config, so a failed write changes no record.
#include "base/json.h"

#include "base/json_writer.h"
#include "container/cgroups/cgroups.h"
#include "container/internal/cgroup_manager.h"
#include "container/container.h"
#include "sys/file.h"

namespace hull::container {

using base::Error;
using base::fail;
using base::JsonWriter;

namespace {

template <typename T>
void drop_zero(std::optional<T>& v) {
  if (v && *v == 0) v.reset();
}

template <typename T>
void take(std::optional<T>& dst, const std::optional<T>& src) {
  if (src) dst = src;
}

template <typename T>
void take_list(std::vector<T>& dst, const std::vector<T>& src) {
  if (!src.empty()) dst = src;
}

template <typename T>
void field(JsonWriter& w, std::string_view key, const std::optional<T>& v) {
  if (v) w.field(key, *v);
}

void write_memory(JsonWriter& w, const MemoryResources& m) {
  w.key("memory").begin_object();
  field(w, "limit", m.limit);
  field(w, "reservation", m.reservation);
  field(w, "swap", m.swap);
  field(w, "kernel", m.kernel);
  field(w, "kernelTCP", m.kernel_tcp);
  field(w, "swappiness", m.swappiness);
  field(w, "disableOOMKiller", m.disable_oom_killer);
  field(w, "useHierarchy", m.use_hierarchy);
  field(w, "checkBeforeUpdate", m.check_before_update);
  w.end_object();
}

void write_cpu(JsonWriter& w, const CpuResources& c) {
  w.key("cpu").begin_object();
  field(w, "shares", c.shares);
  field(w, "quota", c.quota);
  field(w, "burst", c.burst);
  field(w, "period", c.period);
  field(w, "realtimeRuntime", c.realtime_runtime);
  field(w, "realtimePeriod", c.realtime_period);
  if (!c.cpus.empty()) w.field("cpus", c.cpus);
  if (!c.mems.empty()) w.field("mems", c.mems);
  field(w, "idle", c.idle);
  w.end_object();
}

void write_throttle(JsonWriter& w, std::string_view key, const std::vector<ThrottleDevice>& list) {
  if (list.empty()) return;
  w.key(key).begin_array();
  for (const auto& t : list) {
    w.begin_object().field("major", t.major).field("minor", t.minor).field("rate", t.rate);
    w.end_object();
  }
  w.end_array();
}

void write_block_io(JsonWriter& w, const BlockIoResources& b) {
  w.key("blockIO").begin_object();
  field(w, "weight", b.weight);
  field(w, "leafWeight", b.leaf_weight);
  if (!b.weight_device.empty()) {
    w.key("weightDevice").begin_array();
    for (const auto& d : b.weight_device) {
      w.begin_object().field("major", d.major).field("minor", d.minor);
      field(w, "weight", d.weight);
      field(w, "leafWeight", d.leaf_weight);
      w.end_object();
    }
    w.end_array();
  }
  write_throttle(w, "throttleReadBpsDevice", b.throttle_read_bps_device);
  write_throttle(w, "throttleWriteBpsDevice", b.throttle_write_bps_device);
  write_throttle(w, "throttleReadIOPSDevice", b.throttle_read_iops_device);
  write_throttle(w, "throttleWriteIOPSDevice", b.throttle_write_iops_device);
  w.end_object();
}

void write_devices(JsonWriter& w, const std::vector<DeviceCgroupRule>& rules) {
  if (rules.empty()) return;
  w.key("devices").begin_array();
  for (const auto& d : rules) {
    w.begin_object().field("allow", d.allow);
    if (!d.type.empty()) w.field("type", d.type);
    field(w, "major", d.major);
    field(w, "minor", d.minor);
    if (!d.access.empty()) w.field("access", d.access);
    w.end_object();
  }
  w.end_array();
}

void write_rest(JsonWriter& w, const Resources& r) {
  if (!r.hugepage_limits.empty()) {
    w.key("hugepageLimits").begin_array();
    for (const auto& h : r.hugepage_limits)
      w.begin_object().field("pageSize", h.page_size).field("limit", h.limit).end_object();
    w.end_array();
  }
  if (r.network) {
    w.key("network").begin_object();
    field(w, "classID", r.network->class_id);
    if (!r.network->priorities.empty()) {
      w.key("priorities").begin_array();
      for (const auto& p : r.network->priorities)
        w.begin_object().field("name", p.name).field("priority", p.priority).end_object();
      w.end_array();
    }
    w.end_object();
  }
  if (!r.rdma.empty()) {
    w.key("rdma").begin_object();
    for (const auto& [name, limit] : r.rdma) {
      w.key(name).begin_object();
      field(w, "hcaHandles", limit.hca_handles);
      field(w, "hcaObjects", limit.hca_objects);
      w.end_object();
    }
    w.end_object();
  }
  if (!r.unified.empty()) {
    w.key("unified").begin_object();
    for (const auto& [k, v] : r.unified) w.field(k, v);
    w.end_object();
  }
}

}  // namespace

Resources drop_zero_limits(Resources r) {
  if (r.memory) {
    drop_zero(r.memory->limit);
    drop_zero(r.memory->reservation);
    drop_zero(r.memory->swap);
    drop_zero(r.memory->kernel);
    drop_zero(r.memory->kernel_tcp);
  }
  if (r.cpu) {
    drop_zero(r.cpu->shares);
    drop_zero(r.cpu->quota);
    drop_zero(r.cpu->period);
    drop_zero(r.cpu->realtime_runtime);
    drop_zero(r.cpu->realtime_period);
  }
  drop_zero(r.pids_limit);
  if (r.block_io) {
    drop_zero(r.block_io->weight);
    drop_zero(r.block_io->leaf_weight);
  }
  return r;
}

Resources merge_resources(const Resources& base, const Resources& update) {
  Resources out = base;
  if (update.memory) {
    MemoryResources& m = out.memory ? *out.memory : out.memory.emplace();
    const MemoryResources& u = *update.memory;
    take(m.limit, u.limit);
    take(m.reservation, u.reservation);
    take(m.swap, u.swap);
    take(m.kernel, u.kernel);
    take(m.kernel_tcp, u.kernel_tcp);
    take(m.swappiness, u.swappiness);
    take(m.disable_oom_killer, u.disable_oom_killer);
    take(m.use_hierarchy, u.use_hierarchy);
    take(m.check_before_update, u.check_before_update);
  }
  if (update.cpu) {
    CpuResources& c = out.cpu ? *out.cpu : out.cpu.emplace();
    const CpuResources& u = *update.cpu;
    take(c.shares, u.shares);
    take(c.quota, u.quota);
    take(c.burst, u.burst);
    take(c.period, u.period);
    take(c.realtime_runtime, u.realtime_runtime);
    take(c.realtime_period, u.realtime_period);
    if (!u.cpus.empty()) c.cpus = u.cpus;
    if (!u.mems.empty()) c.mems = u.mems;
    take(c.idle, u.idle);
  }
  take(out.pids_limit, update.pids_limit);
  if (update.block_io) {
    BlockIoResources& b = out.block_io ? *out.block_io : out.block_io.emplace();
    const BlockIoResources& u = *update.block_io;
    take(b.weight, u.weight);
    take(b.leaf_weight, u.leaf_weight);
    take_list(b.weight_device, u.weight_device);
    take_list(b.throttle_read_bps_device, u.throttle_read_bps_device);
    take_list(b.throttle_write_bps_device, u.throttle_write_bps_device);
    take_list(b.throttle_read_iops_device, u.throttle_read_iops_device);
    take_list(b.throttle_write_iops_device, u.throttle_write_iops_device);
  }
  take_list(out.hugepage_limits, update.hugepage_limits);
  if (update.network) {
    NetworkResources& n = out.network ? *out.network : out.network.emplace();
    take(n.class_id, update.network->class_id);
    take_list(n.priorities, update.network->priorities);
  }
  for (const auto& [name, limit] : update.rdma) out.rdma[name] = limit;
  for (const auto& [k, v] : update.unified) out.unified[k] = v;
  return out;
}

std::string resources_json(const Resources& r) {
  JsonWriter w;
  w.begin_object();
  write_devices(w, r.devices);
  if (r.memory) write_memory(w, *r.memory);
  if (r.cpu) write_cpu(w, *r.cpu);
  if (r.pids_limit) w.key("pids").begin_object().field("limit", *r.pids_limit).end_object();
  if (r.block_io) write_block_io(w, *r.block_io);
  write_rest(w, r);
  w.end_object();
  return w.take();
}

Result<std::string> replace_resources(std::string_view config_json, const Resources& r) {
  auto doc = base::json::parse(config_json);
  if (!doc.has_value()) return fail(std::move(doc).error().context("config"));
  base::json::Value root = doc->root();
  if (!root.is_object()) return fail(Error::protocol("config: expected a JSON object"));
  JsonWriter w;
  w.begin_object();
  bool has_linux = false;
  for (size_t i = 0; i < root.size(); ++i) {
    w.key(root.key(i));
    if (root.key(i) != "linux") {
      w.raw(root.member(i).raw());
      continue;
    }
    base::json::Value lx = root.member(i);
    if (!lx.is_object()) return fail(Error::protocol("config: .linux: expected an object"));
    has_linux = true;
    w.begin_object();
    for (size_t j = 0; j < lx.size(); ++j) {
      if (lx.key(j) == "resources") continue;
      w.key(lx.key(j)).raw(lx.member(j).raw());
    }
    w.key("resources").raw(resources_json(r));
    w.end_object();
  }
  if (!has_linux) w.key("linux").begin_object().key("resources").raw(resources_json(r)).end_object();
  w.end_object();
  return w.take();
}

Result<> Container::update(const Resources& request) {
  auto ctx = base::context(fmt::format("update \"{}\"", m_state.id));
  Status s = TRY(status());
  if (s == Status::Stopped) return fail(Error::invalid_state("container not running"));
  if (m_state.cgroup_paths.empty())
    return fail(Error::unsupported(fmt::format("container \"{}\" has no cgroup", m_state.id)));
  Resources change = drop_zero_limits(request);
  // runc's update never touches device rules; an empty list tells set() to leave them alone.
  change.devices.clear();
  const Resources old =
      m_config->linux && m_config->linux->resources ? *m_config->linux->resources : Resources{};
  Resources merged = merge_resources(old, change);

  auto cg = TRY(load_cgroup_manager(m_state).map_error(ctx));
  if (auto r = cg->set(change); !r.has_value()) {
    // Put back what the config says, as runc does; the first error is the one to report.
    Resources restore = old;
    restore.devices.clear();
    (void)cg->set(restore);
    return fail(std::move(r).error().context(fmt::format("update \"{}\"", m_state.id)));
  }

  std::string config = TRY(replace_resources(m_state.config_json, merged).map_error(ctx));
  State next = m_state;
  next.config_json = std::move(config);
  TRY(sys::write_file_atomic(m_dir_fd, "state.json", serialize_state(next)).map_error(ctx));
  m_state = std::move(next);
  if (!m_config->linux) m_config->linux.emplace();
  m_config->linux->resources = std::move(merged);
  return {};
}

}  // namespace hull::container

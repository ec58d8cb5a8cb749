#include "container/cgroups/systemd_properties.h"

#include <charconv>
#include <map>

#include "base/strings.h"
#include "container/cgroups/convert.h"
#include "container/cgroups/devices.h"

namespace hull::container::cgroups {

using base::Error;
using base::fail;
using base::trim;

namespace {

constexpr uint64_t kDefaultCpuPeriod = 100000;  // us, the kernel's default for v1 and v2
// Since which systemd version a property exists (older ones are left to cgroupfs, as in runc).
constexpr int kCpuQuotaPeriodVersion = 242;
constexpr int kAllowedCpusVersion = 244;
constexpr int kCpuIdleVersion = 252;  // CPUWeight=0 means cpu.idle=1

// A limit: -1 (runc's "unlimited") is systemd's infinity.
uint64_t limit_value(int64_t v) { return v < 0 ? kSystemdInfinity : static_cast<uint64_t>(v); }

std::string unified_field(const std::string& key) {
  return "linux.resources.unified[\"" + key + "\"]";
}

base::Result<uint64_t> parse_number(std::string_view s, const std::string& field) {
  uint64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || s.empty())
    return fail(Error::invalid(field + ": \"" + std::string(s) + "\" is not a number"));
  return v;
}

// "max" or a number.
base::Result<uint64_t> parse_limit(std::string_view s, const std::string& field) {
  if (s == "max") return kSystemdInfinity;
  return parse_number(s, field);
}

// CPUQuotaPerSecUSec (and CPUQuotaPeriodUSec): runc's addCPUQuota. systemd keeps the quota as
// a per-second value in whole percent (10 ms steps), so a quota in between is rounded up, and
// `quota` is updated for cgroupfs to hold the same value.
void add_cpu_quota(std::vector<UnitProperty>& props, std::optional<int64_t>& quota, uint64_t period,
                   int version) {
  if (period != 0 && version >= kCpuQuotaPeriodVersion)
    props.push_back({"CPUQuotaPeriodUSec", period});
  int64_t q = quota.value_or(0);
  // Only the period changes: the quota stays as it is (cgroupfs keeps it too).
  if (q == 0) return;
  uint64_t per_sec = kSystemdInfinity;
  if (q > 0) {
    uint64_t p = period != 0 ? period : kDefaultCpuPeriod;
    per_sec = static_cast<uint64_t>(q) * 1000000 / p;
    if (per_sec % 10000 != 0) {
      per_sec = (per_sec / 10000 + 1) * 10000;
      quota = static_cast<int64_t>(per_sec * p / 1000000);
    }
  }
  props.push_back({"CPUQuotaPerSecUSec", per_sec});
}

Result<> add_cpuset(std::vector<UnitProperty>& props, const std::string& cpus,
                    const std::string& mems, int version, const std::string& field) {
  if (version < kAllowedCpusVersion) return {};
  if (!cpus.empty())
    props.push_back(
        {"AllowedCPUs", TRY(cpu_list_to_mask(cpus).map_error(base::context(field + ".cpus")))});
  if (!mems.empty())
    props.push_back({"AllowedMemoryNodes",
                     TRY(cpu_list_to_mask(mems).map_error(base::context(field + ".mems")))});
  return {};
}

// runc's unifiedResToSystemdProps: the unified keys systemd has a property for. The rest is left
// to cgroupfs.
Result<> add_unified(std::vector<UnitProperty>& props, const std::map<std::string, std::string>& u,
                     int version) {
  static const std::map<std::string, std::string> kMemory = {{"memory.high", "MemoryHigh"},
                                                             {"memory.low", "MemoryLow"},
                                                             {"memory.min", "MemoryMin"},
                                                             {"memory.max", "MemoryMax"},
                                                             {"memory.swap.max", "MemorySwapMax"}};
  auto idle = u.find("cpu.idle");
  bool idle_set = idle != u.end() && trim(idle->second) == "1" && version >= kCpuIdleVersion;
  for (const auto& [key, raw] : u) {
    std::string field = unified_field(key);
    std::string_view v = trim(raw);
    if (key == "cpu.idle") {
      if (idle_set) props.push_back({"CPUWeight", uint64_t{0}});
    } else if (key == "cpu.weight") {
      if (!idle_set) props.push_back({"CPUWeight", TRY(parse_number(v, field))});
    } else if (key == "cpu.max") {
      // "quota [period]", quota "max" = unlimited.
      size_t space = v.find(' ');
      std::string_view qs = v.substr(0, space);
      uint64_t period = kDefaultCpuPeriod;
      if (space != std::string_view::npos) period = TRY(parse_number(trim(v.substr(space)), field));
      std::optional<int64_t> quota = -1;
      if (qs != "max") quota = static_cast<int64_t>(TRY(parse_number(qs, field)));
      add_cpu_quota(props, quota, period, version);
    } else if (key == "cpuset.cpus" || key == "cpuset.mems") {
      if (version >= kAllowedCpusVersion)
        props.push_back({key == "cpuset.cpus" ? "AllowedCPUs" : "AllowedMemoryNodes",
                         TRY(cpu_list_to_mask(std::string(v)).map_error(base::context(field)))});
    } else if (auto m = kMemory.find(key); m != kMemory.end()) {
      props.push_back({m->second, TRY(parse_limit(v, field))});
    } else if (key == "pids.max") {
      uint64_t n = TRY(parse_limit(v, field));
      props.push_back({"TasksMax", n == 0 ? uint64_t{1} : n});  // systemd refuses 0
    }
  }
  return {};
}

}  // namespace

base::Result<std::vector<uint8_t>> cpu_list_to_mask(const std::string& list) {
  std::vector<uint8_t> mask;
  auto set = [&](uint64_t cpu) {
    if (mask.size() <= cpu / 8) mask.resize(cpu / 8 + 1);
    mask[cpu / 8] = static_cast<uint8_t>(mask[cpu / 8] | (1u << (cpu % 8)));
  };
  std::string_view rest = trim(list);
  if (rest.empty()) return fail(Error::invalid("empty CPU list"));
  while (!rest.empty()) {
    size_t comma = rest.find(',');
    std::string_view item = trim(rest.substr(0, comma));
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    size_t dash = item.find('-');
    std::string what = "CPU list \"" + list + "\"";
    uint64_t lo = TRY(parse_number(item.substr(0, dash), what));
    uint64_t hi =
        dash == std::string_view::npos ? lo : TRY(parse_number(item.substr(dash + 1), what));
    if (hi < lo || hi > 8191)
      return fail(Error::invalid(what + ": \"" + std::string(item) + "\" is not a valid range"));
    for (uint64_t c = lo; c <= hi; ++c) set(c);
  }
  return mask;
}

base::Result<std::vector<UnitProperty>> v2_unit_properties(Resources& r, int version) {
  std::vector<UnitProperty> props;
  if (r.memory) {
    const MemoryResources& m = *r.memory;
    int64_t limit = m.limit.value_or(0);
    if (limit != 0) props.push_back({"MemoryMax", limit_value(limit)});
    if (m.reservation && *m.reservation != 0)
      props.push_back({"MemoryLow", limit_value(*m.reservation)});
    int64_t swap = TRY(memory_swap_to_v2(m.swap.value_or(0), limit));
    if (swap != 0) props.push_back({"MemorySwapMax", limit_value(swap)});
  }
  bool idle_set = false;
  if (r.cpu) {
    CpuResources& c = *r.cpu;
    if (c.idle && *c.idle == 1 && version >= kCpuIdleVersion) {
      props.push_back({"CPUWeight", uint64_t{0}});
      idle_set = true;
    }
    if (c.shares && *c.shares != 0 && !idle_set)
      props.push_back({"CPUWeight", cpu_shares_to_weight(*c.shares)});
    add_cpu_quota(props, c.quota, c.period.value_or(0), version);
    TRY(add_cpuset(props, c.cpus, c.mems, version, "linux.resources.cpu"));
  }
  if (r.pids_limit && *r.pids_limit != 0) props.push_back({"TasksMax", limit_value(*r.pids_limit)});
  if (r.block_io && r.block_io->weight && *r.block_io->weight != 0)
    props.push_back({"IOWeight", blkio_weight_to_io_weight(*r.block_io->weight)});
  TRY(add_unified(props, r.unified, version));
  return props;
}

base::Result<std::vector<UnitProperty>> device_unit_properties(
    const std::vector<DeviceCgroupRule>& rules) {
  DeviceSet set = TRY(emulate_devices(rules));
  // An empty DeviceAllow first: it clears what the unit had, the list after it is the new one.
  std::vector<UnitProperty> props = {{"DeviceAllow", UnitProperty::StringPairs{}}};
  if (set.default_allow) {
    // systemd has no deny list: allow-all it can say, anything else is denied until cgroupfs
    // writes the real rules.
    props.push_back({"DevicePolicy", std::string(set.exceptions.empty() ? "auto" : "strict")});
    return props;
  }
  props.push_back({"DevicePolicy", std::string("strict")});
  UnitProperty::StringPairs allow;
  for (const DeviceException& e : set.exceptions) {
    std::string group = e.type == 'b' ? "block-" : "char-";
    std::string path;
    if (!e.major) {
      if (e.minor) continue;  // "*:n" has no systemd form; cgroupfs holds it
      path = group + "*";
    } else if (!e.minor) {
      path = group + std::to_string(*e.major);
    } else {
      path = std::string(e.type == 'b' ? "/dev/block/" : "/dev/char/") + std::to_string(*e.major) +
             ":" + std::to_string(*e.minor);
    }
    allow.emplace_back(path, e.access);
  }
  props.push_back({"DeviceAllow", std::move(allow)});
  return props;
}

base::Result<std::vector<UnitProperty>> v1_unit_properties(Resources& r, int version) {
  std::vector<UnitProperty> props;
  if (!r.devices.empty()) props = TRY(device_unit_properties(r.devices));
  if (r.memory && r.memory->limit && *r.memory->limit != 0)
    props.push_back({"MemoryLimit", limit_value(*r.memory->limit)});
  if (r.cpu) {
    CpuResources& c = *r.cpu;
    if (c.shares && *c.shares != 0) props.push_back({"CPUShares", *c.shares});
    add_cpu_quota(props, c.quota, c.period.value_or(0), version);
    TRY(add_cpuset(props, c.cpus, c.mems, version, "linux.resources.cpu"));
  }
  if (r.block_io && r.block_io->weight && *r.block_io->weight != 0)
    props.push_back({"BlockIOWeight", uint64_t{*r.block_io->weight}});
  if (r.pids_limit && *r.pids_limit != 0) props.push_back({"TasksMax", limit_value(*r.pids_limit)});
  return props;
}

const char* unit_property_signature(const UnitProperty::Value& v) {
  switch (v.index()) {
    case 0: return "b";
    case 1: return "t";
    case 2: return "s";
    case 3: return "au";
    case 4: return "ay";
    case 5: return "a(st)";
    default: return "a(ss)";
  }
}

}  // namespace hull::container::cgroups

// LinuxResources: config.json's linux.resources and `update --resources`. One table per struct
// says each member's key and rule; the parser (config_reader.h), the writer, merge and the
// zero-dropping of an update all walk it. Every limit is kept optional so that an update changes
// only what it names.
#include "container/resources.h"

#include <fmt/format.h>

#include "base/json.h"
#include "base/json_writer.h"
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

// The tables keep one member per line (clang-format would pack them in columns).
// clang-format off
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
// clang-format on

// clang-format off
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
// clang-format on

// clang-format off
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
// clang-format on

// clang-format off
template <>
constexpr auto kJsonFields<WeightDevice> = std::tuple{
    field("major", &WeightDevice::major, kRequired),
    field("minor", &WeightDevice::minor, kRequired),
    field("weight", &WeightDevice::weight),
    field("leafWeight", &WeightDevice::leaf_weight),
};
// clang-format on

// clang-format off
template <>
constexpr auto kJsonFields<ThrottleDevice> = std::tuple{
    field("major", &ThrottleDevice::major, kRequired),
    field("minor", &ThrottleDevice::minor, kRequired),
    field("rate", &ThrottleDevice::rate, kRequired),
};
// clang-format on

// clang-format off
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
// clang-format on

// clang-format off
template <>
constexpr auto kJsonFields<HugepageLimit> = std::tuple{
    field("pageSize", &HugepageLimit::page_size, kRequired),
    field("limit", &HugepageLimit::limit, kRequired),
};
// clang-format on

// clang-format off
template <>
constexpr auto kJsonFields<NetworkPriority> = std::tuple{
    field("name", &NetworkPriority::name, kRequired),
    field("priority", &NetworkPriority::priority, kRequired),
};
// clang-format on

// clang-format off
template <>
constexpr auto kJsonFields<NetworkResources> = std::tuple{
    field("classID", &NetworkResources::class_id),
    field("priorities", &NetworkResources::priorities),
};
// clang-format on

// clang-format off
template <>
constexpr auto kJsonFields<RdmaLimit> = std::tuple{
    field("hcaHandles", &RdmaLimit::hca_handles),
    field("hcaObjects", &RdmaLimit::hca_objects),
};
// clang-format on

// clang-format off
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
// clang-format on

Result<> read_value(json::Value e, const std::string& path, Resources& out) {
  out = TRY(read_object<Resources>(e, path));
  return {};
}

namespace {

using base::JsonWriter;

template <typename T>
void write_value(JsonWriter& w, const T& v);

// What the parser would leave unset stays out; required members are always written.
template <typename M>
bool is_written(const M& v, Rule rule) {
  if constexpr (kIsOptional<M>) {
    return v.has_value();
  } else if constexpr (requires { v.empty(); }) {
    return !v.empty() || rule == Rule::Required || rule == Rule::NonEmpty;
  } else {
    return true;
  }
}

template <typename M>
void write_present(JsonWriter& w, const M& v) {
  if constexpr (kIsOptional<M>) {
    write_value(w, *v);
  } else {
    write_value(w, v);
  }
}

template <typename S, typename M>
void write_entry(JsonWriter& w, const S& s, const Field<S, M>& f) {
  if (!is_written(s.*f.member, f.rule)) return;
  w.key(f.key);
  write_present(w, s.*f.member);
}

template <typename S, typename M>
void write_entry(JsonWriter& w, const S& s, const InnerField<S, M>& f) {
  if (!is_written(s.*f.member, f.rule)) return;
  w.key(f.key).begin_object().key(f.inner_key);
  write_present(w, s.*f.member);
  w.end_object();
}

template <typename S>
void write_entry(JsonWriter&, const S&, const Check<S>&) {}

template <typename T>
void write_value(JsonWriter& w, const T& v) {
  if constexpr (std::is_same_v<T, std::string> || std::is_same_v<T, bool>) {
    w.value(v);
  } else if constexpr (std::is_integral_v<T> && std::is_signed_v<T>) {
    w.value(static_cast<int64_t>(v));
  } else if constexpr (std::is_integral_v<T>) {
    w.value(static_cast<uint64_t>(v));
  } else if constexpr (kIsVector<T>) {
    w.begin_array();
    for (const auto& item : v) write_value(w, item);
    w.end_array();
  } else if constexpr (kIsStringMap<T>) {
    w.begin_object();
    for (const auto& [key, item] : v) {
      w.key(key);
      write_value(w, item);
    }
    w.end_object();
  } else {
    w.begin_object();
    std::apply([&](const auto&... entry) { (write_entry(w, v, entry), ...); }, kJsonFields<T>);
    w.end_object();
  }
}

// An update's member over the base's: set optionals and non-empty lists replace, map entries
// replace by key, nested objects merge member by member.
template <typename S>
void merge_object(S& dst, const S& src);

template <typename M>
void take(M& dst, const M& src) {
  if constexpr (kIsOptional<M> && HasJsonFields<typename M::value_type>) {
    if (!src) return;
    merge_object(dst ? *dst : dst.emplace(), *src);
  } else if constexpr (kIsOptional<M>) {
    if (src) dst = src;
  } else if constexpr (kIsStringMap<M>) {
    for (const auto& [key, item] : src) dst[key] = item;
  } else {
    static_assert(
        requires { src.empty(); }, "merge: a member an update cannot leave unset");
    if (!src.empty()) dst = src;
  }
}

template <typename S>
void merge_object(S& dst, const S& src) {
  auto take_entry = [&](const auto& e) {
    if constexpr (requires { e.member; }) take(dst.*e.member, src.*e.member);
  };
  std::apply([&](const auto&... entry) { (take_entry(entry), ...); }, kJsonFields<S>);
}

// Unsets every member whose rule is ZeroIsUnset and whose value is zero, in nested objects too.
template <typename S>
void drop_zeros(S& s) {
  auto drop_entry = [&](const auto& e) {
    if constexpr (requires { e.member; }) {
      auto& v = s.*e.member;
      using M = std::remove_cvref_t<decltype(v)>;
      if constexpr (kIsOptional<M> && HasJsonFields<typename M::value_type>) {
        if (v) drop_zeros(*v);
      } else if constexpr (kIsOptional<M>) {
        if (e.rule == Rule::ZeroIsUnset && v == typename M::value_type{}) v.reset();
      }
    }
  };
  std::apply([&](const auto&... entry) { (drop_entry(entry), ...); }, kJsonFields<S>);
}

}  // namespace

}  // namespace detail

Result<Resources> parse_resources(std::string_view json) {
  return detail::parse_text<Resources>(json);
}

std::string write_resources(const Resources& r) {
  base::JsonWriter w;
  detail::write_value(w, r);
  return w.take();
}

Resources drop_zero_limits(Resources r) {
  detail::drop_zeros(r);
  return r;
}

Resources merge_resources(const Resources& base, const Resources& update) {
  Resources out = base;
  detail::merge_object(out, update);
  out.devices = base.devices;
  return out;
}

Result<std::string> replace_resources(std::string_view config_json, const Resources& r) {
  using base::Error;
  using base::fail;
  auto doc = base::json::parse(config_json);
  if (!doc.has_value()) return fail(std::move(doc).error().context("config"));
  base::json::Value root = doc->root();
  if (!root.is_object()) return fail(Error::protocol("config: expected a JSON object"));
  std::string resources = write_resources(r);
  base::JsonWriter w;
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
    w.key("resources").raw(resources);
    w.end_object();
  }
  if (!has_linux) w.key("linux").begin_object().key("resources").raw(resources).end_object();
  w.end_object();
  return w.take();
}

}  // namespace hull::container

// config.json's "linux" section, except "resources" (resources.cc).
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <set>
#include <utility>

#include "container/internal/config_reader.h"

namespace hull::container::detail {

namespace {

constexpr std::array<std::pair<std::string_view, NamespaceType>, 8> kNamespaceNames = {{
    {"pid", NamespaceType::Pid},
    {"network", NamespaceType::Network},
    {"mount", NamespaceType::Mount},
    {"ipc", NamespaceType::Ipc},
    {"uts", NamespaceType::Uts},
    {"user", NamespaceType::User},
    {"cgroup", NamespaceType::Cgroup},
    {"time", NamespaceType::Time},
}};

Result<> read_namespaces(json::Value e, const std::string& path, std::vector<Namespace>& out) {
  std::set<NamespaceType> seen;
  return each_element(e, path, [&](json::Value item, const std::string& p) -> Result<> {
    auto n = TRY(JsonObject::from(item, p));
    std::string type;
    TRY(n.require("type"));
    TRY(n.get("type", type));
    const auto* it = std::find_if(kNamespaceNames.begin(), kNamespaceNames.end(),
                                  [&](const auto& entry) { return entry.first == type; });
    if (it == kNamespaceNames.end()) {
      return base::fail(
          path_error(n.path_of("type"), fmt::format("unknown namespace type \"{}\"", type)));
    }
    // The spec makes a repeated type an error: the runtime could not tell which one to join.
    if (!seen.insert(it->second).second) {
      return base::fail(path_error(p, fmt::format("duplicate namespace \"{}\"", type)));
    }
    Namespace& ns = out.emplace_back(Namespace{it->second, {}});
    return n.get("path", ns.path);
  });
}

// Mappings without a user namespace would be ignored: refuse them (runc's validator).
Result<> check_userns(const Linux& l, const JsonObject& o) {
  bool userns = std::any_of(l.namespaces.begin(), l.namespaces.end(),
                            [](const Namespace& ns) { return ns.type == NamespaceType::User; });
  if (userns || (l.uid_mappings.empty() && l.gid_mappings.empty())) return {};
  return base::fail(path_error(o.path_of(l.uid_mappings.empty() ? "gidMappings" : "uidMappings"),
                               "user namespace mappings specified, but user namespace isn't "
                               "enabled in the config"));
}

Result<> read_nanosecs(json::Value e, const std::string& path, uint32_t& out) {
  out = static_cast<uint32_t>(TRY(to_uint64(e, path, 999'999'999)));
  return {};
}

}  // namespace

// The tables keep one member per line (clang-format would pack them in columns).
// clang-format off
template <>
constexpr auto kJsonFields<TimeOffset> = std::tuple{
    field("secs", &TimeOffset::secs),
    custom("nanosecs", &TimeOffset::nanosecs, read_nanosecs),
};
// clang-format on

namespace {

// The clock is checked before its value, so a misspelt clock is named as such.
Result<> read_time_offsets(json::Value e, const std::string& path,
                           std::map<std::string, TimeOffset>& out) {
  auto each_clock = [&](std::string_view clock, json::Value v, const std::string& p) -> Result<> {
    if (clock != "monotonic" && clock != "boottime") {
      return base::fail(
          path_error(p, fmt::format("unknown clock \"{}\" (want monotonic or boottime)", clock)));
    }
    return read_value(v, p, out[std::string(clock)]);
  };
  return each_member(e, path, each_clock);
}

Result<> check_device_type(const Device& dev, const JsonObject& o) {
  if (dev.type == "c" || dev.type == "b" || dev.type == "u" || dev.type == "p") return {};
  return base::fail(path_error(
      o.path_of("type"), fmt::format("unknown device type \"{}\" (want c, b, u or p)", dev.type)));
}

Result<> check_propagation(const Linux& l, const JsonObject& o) {
  static constexpr std::array<std::string_view, 8> kValid = {
      "shared", "rshared", "slave", "rslave", "private", "rprivate", "unbindable", "runbindable"};
  const std::string& value = l.rootfs_propagation;
  if (value.empty() || std::find(kValid.begin(), kValid.end(), value) != kValid.end()) return {};
  return base::fail(
      path_error(o.path_of("rootfsPropagation"), fmt::format("unknown propagation \"{}\"", value)));
}

}  // namespace

// clang-format off
template <>
constexpr auto kJsonFields<Device> = std::tuple{
    field("type", &Device::type, kRequired),
    check(check_device_type),
    field("path", &Device::path, kRequired),
    field("major", &Device::major),
    field("minor", &Device::minor),
    field("fileMode", &Device::file_mode),
    field("uid", &Device::uid),
    field("gid", &Device::gid),
};
// clang-format on

// clang-format off
template <>
constexpr auto kJsonFields<SeccompArg> = std::tuple{
    field("index", &SeccompArg::index, kRequired),
    field("value", &SeccompArg::value, kRequired),
    field("valueTwo", &SeccompArg::value_two),
    field("op", &SeccompArg::op, kRequired),
};
// clang-format on

// clang-format off
template <>
constexpr auto kJsonFields<SeccompSyscall> = std::tuple{
    field("names", &SeccompSyscall::names, kNonEmpty),
    field("action", &SeccompSyscall::action, kRequired),
    field("errnoRet", &SeccompSyscall::errno_ret),
    field("args", &SeccompSyscall::args),
};
// clang-format on

// clang-format off
template <>
constexpr auto kJsonFields<Seccomp> = std::tuple{
    field("defaultAction", &Seccomp::default_action, kRequired),
    field("defaultErrnoRet", &Seccomp::default_errno_ret),
    field("architectures", &Seccomp::architectures),
    field("flags", &Seccomp::flags),
    field("listenerPath", &Seccomp::listener_path),
    field("listenerMetadata", &Seccomp::listener_metadata),
    field("syscalls", &Seccomp::syscalls),
};
// clang-format on

// clang-format off
template <>
constexpr auto kJsonFields<IntelRdt> = std::tuple{
    field("closID", &IntelRdt::clos_id),
    field("l3CacheSchema", &IntelRdt::l3_cache_schema),
    field("memBwSchema", &IntelRdt::mem_bw_schema),
    field("enableCMT", &IntelRdt::enable_cmt),
    field("enableMBM", &IntelRdt::enable_mbm),
};
// clang-format on

// clang-format off
template <>
constexpr auto kJsonFields<Personality> = std::tuple{
    field("domain", &Personality::domain, kRequired),
    field("flags", &Personality::flags),
};
// clang-format on

// clang-format off
template <>
constexpr auto kJsonFields<Linux> = std::tuple{
    custom("namespaces", &Linux::namespaces, read_namespaces),
    field("uidMappings", &Linux::uid_mappings),
    field("gidMappings", &Linux::gid_mappings),
    check(check_userns),
    custom("timeOffsets", &Linux::time_offsets, read_time_offsets),
    field("devices", &Linux::devices),
    field("cgroupsPath", &Linux::cgroups_path),
    field("resources", &Linux::resources),
    field("rootfsPropagation", &Linux::rootfs_propagation),
    check(check_propagation),
    field("seccomp", &Linux::seccomp),
    field("sysctl", &Linux::sysctl),
    field("maskedPaths", &Linux::masked_paths),
    field("readonlyPaths", &Linux::readonly_paths),
    field("mountLabel", &Linux::mount_label),
    field("intelRdt", &Linux::intel_rdt),
    field("personality", &Linux::personality),
};
// clang-format on

Result<> read_value(json::Value e, const std::string& path, Linux& out) {
  out = TRY(read_object<Linux>(e, path));
  return {};
}

}  // namespace hull::container::detail

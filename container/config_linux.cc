// config.json's "linux" section, except "resources" (config_resources.cc).
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

Result<std::vector<Namespace>> parse_namespaces(const JsonObject& o) {
  std::vector<Namespace> out;
  std::set<NamespaceType> seen;
  auto each_namespaces = [&](json::Value e, const std::string& p) -> Result<> {
    auto n = TRY(JsonObject::from(e, p));
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
    Namespace ns{it->second, {}};
    TRY(n.get("path", ns.path));
    out.push_back(std::move(ns));
    return {};
  };
  TRY(o.each("namespaces", each_namespaces));
  return out;
}

Result<std::map<std::string, TimeOffset>> parse_time_offsets(const JsonObject& o) {
  std::map<std::string, TimeOffset> out;
  auto each_clock = [&](std::string_view clock, json::Value e, const std::string& p) -> Result<> {
    if (clock != "monotonic" && clock != "boottime") {
      return base::fail(path_error(
          p, fmt::format("unknown clock \"{}\" (want monotonic or boottime)", clock)));
    }
    auto t = TRY(JsonObject::from(e, p));
    TimeOffset off;
    TRY(t.get("secs", off.secs));
    if (auto n = t.find("nanosecs")) {
      off.nanosecs =
          static_cast<uint32_t>(TRY(to_uint64(*n, t.path_of("nanosecs"), 999'999'999)));
    }
    out[std::string(clock)] = off;
    return {};
  };
  TRY(o.each_member("timeOffsets", each_clock));
  return out;
}

Result<std::vector<Device>> parse_devices(const JsonObject& o) {
  std::vector<Device> out;
  auto each_devices = [&](json::Value e, const std::string& p) -> Result<> {
    auto d = TRY(JsonObject::from(e, p));
    Device dev;
    TRY(d.require("type"));
    TRY(d.get("type", dev.type));
    if (dev.type != "c" && dev.type != "b" && dev.type != "u" && dev.type != "p") {
      return base::fail(path_error(
          d.path_of("type"), fmt::format("unknown device type \"{}\" (want c, b, u or p)", dev.type)));
    }
    TRY(d.require("path"));
    TRY(d.get("path", dev.path));
    TRY(d.get("major", dev.major));
    TRY(d.get("minor", dev.minor));
    TRY(d.get("fileMode", dev.file_mode));
    TRY(d.get("uid", dev.uid));
    TRY(d.get("gid", dev.gid));
    out.push_back(std::move(dev));
    return {};
  };
  TRY(o.each("devices", each_devices));
  return out;
}

Result<SeccompSyscall> parse_seccomp_syscall(const JsonObject& s) {
  SeccompSyscall sc;
  TRY(s.require("names"));
  TRY(s.get("names", sc.names));
  if (sc.names.empty()) return base::fail(path_error(s.path_of("names"), "must not be empty"));
  TRY(s.require("action"));
  TRY(s.get("action", sc.action));
  TRY(s.get("errnoRet", sc.errno_ret));
  auto each_args = [&](json::Value e, const std::string& p) -> Result<> {
    auto a = TRY(JsonObject::from(e, p));
    SeccompArg arg;
    TRY(a.require("index"));
    TRY(a.get("index", arg.index));
    TRY(a.require("value"));
    TRY(a.get("value", arg.value));
    TRY(a.get("valueTwo", arg.value_two));
    TRY(a.require("op"));
    TRY(a.get("op", arg.op));
    sc.args.push_back(std::move(arg));
    return {};
  };
  TRY(s.each("args", each_args));
  return sc;
}

Result<Seccomp> parse_seccomp(const JsonObject& o) {
  Seccomp s;
  TRY(o.require("defaultAction"));
  TRY(o.get("defaultAction", s.default_action));
  TRY(o.get("defaultErrnoRet", s.default_errno_ret));
  TRY(o.get("architectures", s.architectures));
  TRY(o.get("flags", s.flags));
  TRY(o.get("listenerPath", s.listener_path));
  TRY(o.get("listenerMetadata", s.listener_metadata));
  auto each_syscalls = [&](json::Value e, const std::string& p) -> Result<> {
    auto sc = TRY(JsonObject::from(e, p));
    s.syscalls.push_back(TRY(parse_seccomp_syscall(sc)));
    return {};
  };
  TRY(o.each("syscalls", each_syscalls));
  return s;
}

Result<> check_propagation(const std::string& value, const std::string& path) {
  static constexpr std::array<std::string_view, 8> kValid = {
      "shared", "rshared", "slave", "rslave", "private", "rprivate", "unbindable", "runbindable"};
  if (value.empty() || std::find(kValid.begin(), kValid.end(), value) != kValid.end()) return {};
  return base::fail(path_error(path, fmt::format("unknown propagation \"{}\"", value)));
}

}  // namespace

Result<Linux> parse_linux_object(const JsonObject& o) {
  Linux l;
  l.namespaces = TRY(parse_namespaces(o));
  l.uid_mappings = TRY(parse_id_mappings(o, "uidMappings"));
  l.gid_mappings = TRY(parse_id_mappings(o, "gidMappings"));
  // Mappings without a user namespace would be ignored: refuse them (runc's validator).
  bool userns = std::any_of(l.namespaces.begin(), l.namespaces.end(),
                            [](const Namespace& ns) { return ns.type == NamespaceType::User; });
  if (!userns && (!l.uid_mappings.empty() || !l.gid_mappings.empty())) {
    return base::fail(path_error(o.path_of(l.uid_mappings.empty() ? "gidMappings" : "uidMappings"),
                                 "user namespace mappings specified, but user namespace isn't "
                                 "enabled in the config"));
  }
  l.time_offsets = TRY(parse_time_offsets(o));
  l.devices = TRY(parse_devices(o));
  TRY(o.get("cgroupsPath", l.cgroups_path));
  if (auto r = TRY(o.object("resources"))) l.resources = TRY(parse_resources_object(*r));
  TRY(o.get("rootfsPropagation", l.rootfs_propagation));
  TRY(check_propagation(l.rootfs_propagation, o.path_of("rootfsPropagation")));
  if (auto s = TRY(o.object("seccomp"))) l.seccomp = TRY(parse_seccomp(*s));
  TRY(o.get("sysctl", l.sysctl));
  TRY(o.get("maskedPaths", l.masked_paths));
  TRY(o.get("readonlyPaths", l.readonly_paths));
  TRY(o.get("mountLabel", l.mount_label));
  if (auto r = TRY(o.object("intelRdt"))) {
    IntelRdt rdt;
    TRY(r->get("closID", rdt.clos_id));
    TRY(r->get("l3CacheSchema", rdt.l3_cache_schema));
    TRY(r->get("memBwSchema", rdt.mem_bw_schema));
    TRY(r->get("enableCMT", rdt.enable_cmt));
    TRY(r->get("enableMBM", rdt.enable_mbm));
    l.intel_rdt = std::move(rdt);
  }
  if (auto p = TRY(o.object("personality"))) {
    Personality pers;
    TRY(p->require("domain"));
    TRY(p->get("domain", pers.domain));
    TRY(p->get("flags", pers.flags));
    l.personality = std::move(pers);
  }
  return l;
}

}  // namespace hull::container::detail

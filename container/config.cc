// config.json: the top level, process, root, mounts and hooks. Linux-specific sections are in
// config_linux.cc and resources.cc; the typed readers in config_reader.cc.
#include "container/config.h"

#include <fmt/format.h>

#include <set>

#include "container/internal/config_reader.h"
#include "sys/file.h"

namespace hull::container {

namespace detail {

namespace {

// The spec promises compatibility within a major version, so every 1.x parses.
Result<> check_version(const Config& c, const JsonObject& o) {
  const std::string& version = c.oci_version;
  size_t dot = version.find('.');
  std::string_view major = std::string_view(version).substr(0, dot);
  bool numeric = !major.empty() && major.find_first_not_of("0123456789") == std::string::npos;
  std::string path = o.path_of("ociVersion");
  if (dot == std::string::npos || !numeric) {
    return base::fail(path_error(path, fmt::format("invalid version \"{}\"", version)));
  }
  if (major != "1") {
    return base::fail(path_error(
        path, fmt::format("unsupported major version \"{}\" (hull supports 1.x)", version)));
  }
  return {};
}

Result<> check_cwd(const Process& p, const JsonObject& o) {
  if (!p.cwd.empty() && p.cwd[0] == '/') return {};
  return base::fail(
      path_error(o.path_of("cwd"), fmt::format("must be an absolute path, got \"{}\"", p.cwd)));
}

Result<> check_io_class(const IoPriority& io, const JsonObject& o) {
  if (io.io_class == "IOPRIO_CLASS_RT" || io.io_class == "IOPRIO_CLASS_BE" ||
      io.io_class == "IOPRIO_CLASS_IDLE") {
    return {};
  }
  return base::fail(path_error(o.path_of("class"),
                               fmt::format("unknown I/O priority class \"{}\"", io.io_class)));
}

Result<> check_hook_timeout(const Hook& hook, const JsonObject& o) {
  if (!hook.timeout || *hook.timeout > 0) return {};
  return base::fail(
      path_error(o.path_of("timeout"), fmt::format("must be positive, got {}", *hook.timeout)));
}

// The kernel's range for /proc/self/oom_score_adj.
Result<> read_oom_score_adj(json::Value e, const std::string& path, std::optional<int32_t>& out) {
  out = static_cast<int32_t>(TRY(to_int64(e, path, -1000, 1000)));
  return {};
}

}  // namespace

// The tables keep one member per line (clang-format would pack them in columns).
// clang-format off
template <>
constexpr auto kJsonFields<User> = std::tuple{
    field("uid", &User::uid),
    field("gid", &User::gid),
    field("umask", &User::umask),
    field("additionalGids", &User::additional_gids),
    field("username", &User::username),
};
// clang-format on

// clang-format off
template <>
constexpr auto kJsonFields<Capabilities> = std::tuple{
    field("bounding", &Capabilities::bounding),
    field("effective", &Capabilities::effective),
    field("inheritable", &Capabilities::inheritable),
    field("permitted", &Capabilities::permitted),
    field("ambient", &Capabilities::ambient),
};
// clang-format on

// clang-format off
template <>
constexpr auto kJsonFields<Rlimit> = std::tuple{
    field("type", &Rlimit::type, kRequired),
    field("hard", &Rlimit::hard),
    field("soft", &Rlimit::soft),
};
// clang-format on

namespace {

Result<> read_rlimits(json::Value e, const std::string& path, std::vector<Rlimit>& out) {
  std::set<std::string> seen;
  return each_element(e, path, [&](json::Value item, const std::string& p) -> Result<> {
    Rlimit& limit = out.emplace_back();
    TRY(read_value(item, p, limit));
    if (!seen.insert(limit.type).second) {
      return base::fail(path_error(p, fmt::format("duplicate rlimit \"{}\"", limit.type)));
    }
    return {};
  });
}

}  // namespace

// clang-format off
template <>
constexpr auto kJsonFields<ConsoleSize> = std::tuple{
    field("height", &ConsoleSize::height),
    field("width", &ConsoleSize::width),
};
// clang-format on

// clang-format off
template <>
constexpr auto kJsonFields<Scheduler> = std::tuple{
    field("policy", &Scheduler::policy, kRequired),
    field("nice", &Scheduler::nice),
    field("priority", &Scheduler::priority),
    field("flags", &Scheduler::flags),
    field("runtime", &Scheduler::runtime),
    field("deadline", &Scheduler::deadline),
    field("period", &Scheduler::period),
};
// clang-format on

// clang-format off
template <>
constexpr auto kJsonFields<IoPriority> = std::tuple{
    field("class", &IoPriority::io_class, kRequired),
    check(check_io_class),
    field("priority", &IoPriority::priority),
};
// clang-format on

// clang-format off
template <>
constexpr auto kJsonFields<ExecCpuAffinity> = std::tuple{
    field("initial", &ExecCpuAffinity::initial),
    field("final", &ExecCpuAffinity::final),
};
// clang-format on

// clang-format off
template <>
constexpr auto kJsonFields<Process> = std::tuple{
    field("terminal", &Process::terminal),
    field("consoleSize", &Process::console_size),
    field("user", &Process::user),
    field("args", &Process::args, kNonEmpty),
    field("commandLine", &Process::command_line),
    field("env", &Process::env),
    field("cwd", &Process::cwd, kRequired),
    check(check_cwd),
    field("capabilities", &Process::capabilities),
    custom("rlimits", &Process::rlimits, read_rlimits),
    field("noNewPrivileges", &Process::no_new_privileges),
    field("apparmorProfile", &Process::apparmor_profile),
    custom("oomScoreAdj", &Process::oom_score_adj, read_oom_score_adj),
    field("selinuxLabel", &Process::selinux_label),
    field("scheduler", &Process::scheduler),
    field("ioPriority", &Process::io_priority),
    field("execCPUAffinity", &Process::exec_cpu_affinity),
};
// clang-format on

// clang-format off
template <>
constexpr auto kJsonFields<Root> = std::tuple{
    field("path", &Root::path, kNonEmpty),
    field("readonly", &Root::readonly),
};
// clang-format on

// clang-format off
template <>
constexpr auto kJsonFields<IdMapping> = std::tuple{
    field("containerID", &IdMapping::container_id),
    field("hostID", &IdMapping::host_id),
    field("size", &IdMapping::size),
};
// clang-format on

Result<> read_value(json::Value e, const std::string& path, IdMapping& out) {
  out = TRY(read_object<IdMapping>(e, path));
  return {};
}

// clang-format off
template <>
constexpr auto kJsonFields<Mount> = std::tuple{
    field("destination", &Mount::destination, kNonEmpty),
    field("type", &Mount::type),
    field("source", &Mount::source),
    field("options", &Mount::options),
    field("uidMappings", &Mount::uid_mappings),
    field("gidMappings", &Mount::gid_mappings),
};
// clang-format on

// clang-format off
template <>
constexpr auto kJsonFields<Hook> = std::tuple{
    field("path", &Hook::path, kRequired),
    field("args", &Hook::args),
    field("env", &Hook::env),
    field("timeout", &Hook::timeout),
    check(check_hook_timeout),
};
// clang-format on

// clang-format off
template <>
constexpr auto kJsonFields<Hooks> = std::tuple{
    field("prestart", &Hooks::prestart),
    field("createRuntime", &Hooks::create_runtime),
    field("createContainer", &Hooks::create_container),
    field("startContainer", &Hooks::start_container),
    field("poststart", &Hooks::poststart),
    field("poststop", &Hooks::poststop),
};
// clang-format on

// clang-format off
template <>
constexpr auto kJsonFields<Config> = std::tuple{
    field("ociVersion", &Config::oci_version, kRequired),
    check(check_version),
    field("root", &Config::root),
    field("mounts", &Config::mounts),
    field("process", &Config::process),
    field("hostname", &Config::hostname),
    field("domainname", &Config::domainname),
    field("hooks", &Config::hooks),
    field("annotations", &Config::annotations),
    field("linux", &Config::linux),
};
// clang-format on

}  // namespace detail

std::string_view namespace_type_name(NamespaceType t) {
  switch (t) {
    case NamespaceType::Pid: return "pid";
    case NamespaceType::Network: return "network";
    case NamespaceType::Mount: return "mount";
    case NamespaceType::Ipc: return "ipc";
    case NamespaceType::Uts: return "uts";
    case NamespaceType::User: return "user";
    case NamespaceType::Cgroup: return "cgroup";
    case NamespaceType::Time: return "time";
  }
  return "unknown";
}

const Namespace* Config::find_namespace(NamespaceType t) const {
  if (!linux) return nullptr;
  for (const Namespace& ns : linux->namespaces) {
    if (ns.type == t) return &ns;
  }
  return nullptr;
}

bool Config::has_namespace(NamespaceType t) const { return find_namespace(t) != nullptr; }

Result<Config> parse_config(std::string_view json) { return detail::parse_text<Config>(json); }

Result<Config> load_config(const std::string& path) {
  std::string text = TRY(sys::read_file(path));
  return parse_config(text).map_error(base::context(path));
}

Result<Process> parse_process(std::string_view json) { return detail::parse_text<Process>(json); }

}  // namespace hull::container

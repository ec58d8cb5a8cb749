// config.json: the top level, process, root, mounts and hooks. Linux-specific sections are in
// config_linux.cc and config_resources.cc; the typed readers in config_reader.cc.
#include "container/config.h"

#include <fmt/format.h>

#include <set>

#include "container/internal/config_reader.h"
#include "sys/file.h"

namespace hull::container {

namespace json = base::json;
using detail::JsonObject;
using detail::path_error;

namespace {

// The spec promises compatibility within a major version, so every 1.x parses.
Result<> check_version(const std::string& version, const std::string& path) {
  size_t dot = version.find('.');
  std::string_view major = std::string_view(version).substr(0, dot);
  bool numeric = !major.empty() && major.find_first_not_of("0123456789") == std::string::npos;
  if (dot == std::string::npos || !numeric) {
    return base::fail(path_error(path, fmt::format("invalid version \"{}\"", version)));
  }
  if (major != "1") {
    return base::fail(path_error(
        path, fmt::format("unsupported major version \"{}\" (hull supports 1.x)", version)));
  }
  return {};
}

Result<User> parse_user(const JsonObject& o) {
  User u;
  TRY(o.get("uid", u.uid));
  TRY(o.get("gid", u.gid));
  TRY(o.get("umask", u.umask));
  auto each_additional_gids = [&](json::Value e, const std::string& p) -> Result<> {
    u.additional_gids.push_back(TRY(detail::to_int<uint32_t>(e, p)));
    return {};
  };
  TRY(o.each("additionalGids", each_additional_gids));
  TRY(o.get("username", u.username));
  return u;
}

Result<Capabilities> parse_capabilities(const JsonObject& o) {
  Capabilities c;
  TRY(o.get("bounding", c.bounding));
  TRY(o.get("effective", c.effective));
  TRY(o.get("inheritable", c.inheritable));
  TRY(o.get("permitted", c.permitted));
  TRY(o.get("ambient", c.ambient));
  return c;
}

Result<std::vector<Rlimit>> parse_rlimits(const JsonObject& o) {
  std::vector<Rlimit> out;
  std::set<std::string> seen;
  auto each_rlimits = [&](json::Value e, const std::string& p) -> Result<> {
    auto r = TRY(JsonObject::from(e, p));
    Rlimit l;
    TRY(r.require("type"));
    TRY(r.get("type", l.type));
    TRY(r.get("hard", l.hard));
    TRY(r.get("soft", l.soft));
    if (!seen.insert(l.type).second) {
      return base::fail(path_error(p, fmt::format("duplicate rlimit \"{}\"", l.type)));
    }
    out.push_back(std::move(l));
    return {};
  };
  TRY(o.each("rlimits", each_rlimits));
  return out;
}

Result<Scheduler> parse_scheduler(const JsonObject& o) {
  Scheduler s;
  TRY(o.require("policy"));
  TRY(o.get("policy", s.policy));
  TRY(o.get("nice", s.nice));
  TRY(o.get("priority", s.priority));
  TRY(o.get("flags", s.flags));
  TRY(o.get("runtime", s.runtime));
  TRY(o.get("deadline", s.deadline));
  TRY(o.get("period", s.period));
  return s;
}

Result<IoPriority> parse_io_priority(const JsonObject& o) {
  IoPriority io;
  TRY(o.require("class"));
  TRY(o.get("class", io.io_class));
  if (io.io_class != "IOPRIO_CLASS_RT" && io.io_class != "IOPRIO_CLASS_BE" &&
      io.io_class != "IOPRIO_CLASS_IDLE") {
    return base::fail(
        path_error(o.path_of("class"), fmt::format("unknown I/O priority class \"{}\"", io.io_class)));
  }
  TRY(o.get("priority", io.priority));
  return io;
}

Result<std::vector<Hook>> parse_hook_list(const JsonObject& o, std::string_view key) {
  std::vector<Hook> out;
  auto each_item = [&](json::Value e, const std::string& p) -> Result<> {
    auto h = TRY(JsonObject::from(e, p));
    Hook hook;
    TRY(h.require("path"));
    TRY(h.get("path", hook.path));
    TRY(h.get("args", hook.args));
    TRY(h.get("env", hook.env));
    TRY(h.get("timeout", hook.timeout));
    if (hook.timeout && *hook.timeout <= 0) {
      return base::fail(path_error(h.path_of("timeout"),
                                   fmt::format("must be positive, got {}", *hook.timeout)));
    }
    out.push_back(std::move(hook));
    return {};
  };
  TRY(o.each(key, each_item));
  return out;
}

Result<Hooks> parse_hooks(const JsonObject& o) {
  Hooks h;
  h.prestart = TRY(parse_hook_list(o, "prestart"));
  h.create_runtime = TRY(parse_hook_list(o, "createRuntime"));
  h.create_container = TRY(parse_hook_list(o, "createContainer"));
  h.start_container = TRY(parse_hook_list(o, "startContainer"));
  h.poststart = TRY(parse_hook_list(o, "poststart"));
  h.poststop = TRY(parse_hook_list(o, "poststop"));
  return h;
}

Result<std::vector<Mount>> parse_mounts(const JsonObject& o) {
  std::vector<Mount> out;
  auto each_mounts = [&](json::Value e, const std::string& p) -> Result<> {
    auto m = TRY(JsonObject::from(e, p));
    Mount mount;
    TRY(m.require("destination"));
    TRY(m.get("destination", mount.destination));
    if (mount.destination.empty()) {
      return base::fail(path_error(m.path_of("destination"), "must not be empty"));
    }
    TRY(m.get("type", mount.type));
    TRY(m.get("source", mount.source));
    TRY(m.get("options", mount.options));
    mount.uid_mappings = TRY(detail::parse_id_mappings(m, "uidMappings"));
    mount.gid_mappings = TRY(detail::parse_id_mappings(m, "gidMappings"));
    out.push_back(std::move(mount));
    return {};
  };
  TRY(o.each("mounts", each_mounts));
  return out;
}

Result<Config> parse_config_object(const JsonObject& o) {
  Config c;
  TRY(o.require("ociVersion"));
  TRY(o.get("ociVersion", c.oci_version));
  TRY(check_version(c.oci_version, o.path_of("ociVersion")));
  if (auto r = TRY(o.object("root"))) {
    Root root;
    TRY(r->require("path"));
    TRY(r->get("path", root.path));
    if (root.path.empty()) return base::fail(path_error(r->path_of("path"), "must not be empty"));
    TRY(r->get("readonly", root.readonly));
    c.root = std::move(root);
  }
  c.mounts = TRY(parse_mounts(o));
  if (auto p = TRY(o.object("process"))) c.process = TRY(detail::parse_process_object(*p));
  TRY(o.get("hostname", c.hostname));
  TRY(o.get("domainname", c.domainname));
  if (auto h = TRY(o.object("hooks"))) c.hooks = TRY(parse_hooks(*h));
  TRY(o.get("annotations", c.annotations));
  if (auto l = TRY(o.object("linux"))) c.linux = TRY(detail::parse_linux_object(*l));
  return c;
}

}  // namespace

namespace detail {

Result<Process> parse_process_object(const JsonObject& o) {
  Process p;
  TRY(o.get("terminal", p.terminal));
  if (auto cs = TRY(o.object("consoleSize"))) {
    ConsoleSize size;
    TRY(cs->get("height", size.height));
    TRY(cs->get("width", size.width));
    p.console_size = size;
  }
  if (auto u = TRY(o.object("user"))) p.user = TRY(parse_user(*u));
  TRY(o.require("args"));
  TRY(o.get("args", p.args));
  if (p.args.empty()) return base::fail(path_error(o.path_of("args"), "must not be empty"));
  TRY(o.get("commandLine", p.command_line));
  TRY(o.get("env", p.env));
  TRY(o.require("cwd"));
  TRY(o.get("cwd", p.cwd));
  if (p.cwd.empty() || p.cwd[0] != '/') {
    return base::fail(
        path_error(o.path_of("cwd"), fmt::format("must be an absolute path, got \"{}\"", p.cwd)));
  }
  if (auto caps = TRY(o.object("capabilities"))) p.capabilities = TRY(parse_capabilities(*caps));
  p.rlimits = TRY(parse_rlimits(o));
  TRY(o.get("noNewPrivileges", p.no_new_privileges));
  TRY(o.get("apparmorProfile", p.apparmor_profile));
  // The kernel's range for /proc/self/oom_score_adj.
  if (auto e = o.find("oomScoreAdj")) {
    p.oom_score_adj = static_cast<int32_t>(TRY(to_int64(*e, o.path_of("oomScoreAdj"), -1000, 1000)));
  }
  TRY(o.get("selinuxLabel", p.selinux_label));
  if (auto s = TRY(o.object("scheduler"))) p.scheduler = TRY(parse_scheduler(*s));
  if (auto io = TRY(o.object("ioPriority"))) p.io_priority = TRY(parse_io_priority(*io));
  if (auto a = TRY(o.object("execCPUAffinity"))) {
    ExecCpuAffinity aff;
    TRY(a->get("initial", aff.initial));
    TRY(a->get("final", aff.final));
    p.exec_cpu_affinity = std::move(aff);
  }
  return p;
}

Result<std::vector<IdMapping>> parse_id_mappings(const JsonObject& o, std::string_view key) {
  std::vector<IdMapping> out;
  auto each_item = [&](json::Value e, const std::string& p) -> Result<> {
    auto m = TRY(JsonObject::from(e, p));
    IdMapping id;
    TRY(m.get("containerID", id.container_id));
    TRY(m.get("hostID", id.host_id));
    TRY(m.get("size", id.size));
    out.push_back(id);
    return {};
  };
  TRY(o.each(key, each_item));
  return out;
}

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

Result<Config> parse_config(std::string_view json) {
  json::Document doc = TRY(detail::parse_json(json));
  json::Value root = doc.root();
  return parse_config_object(TRY(JsonObject::from(root, "")));
}

Result<Config> load_config(const std::string& path) {
  std::string text = TRY(sys::read_file(path));
  return parse_config(text).map_error(base::context(path));
}

Result<Resources> parse_resources(std::string_view json) {
  json::Document doc = TRY(detail::parse_json(json));
  json::Value root = doc.root();
  return detail::parse_resources_object(TRY(JsonObject::from(root, "")));
}

Result<Process> parse_process(std::string_view json) {
  json::Document doc = TRY(detail::parse_json(json));
  json::Value root = doc.root();
  return detail::parse_process_object(TRY(JsonObject::from(root, "")));
}

}  // namespace hull::container

#include "container/criu_support.h"

#include <fcntl.h>
#include <sched.h>

#include "base/json.h"
#include "base/json_writer.h"
#include "container/mount_options.h"
#include "sys/file.h"

namespace hull::container {

using base::Error;
using base::fail;
using criu::ExtMount;

namespace {

// Default device nodes hull binds in when the container has a user namespace (rootfs.cc).
constexpr const char* kBoundDefaultDevices[] = {"/dev/null",   "/dev/zero",    "/dev/full",
                                                "/dev/random", "/dev/urandom", "/dev/tty"};

bool is_bind(const Mount& m) {
  auto o = parse_mount_options(m);
  return o.has_value() && o->bind;
}

bool is_cgroup(const Mount& m) { return m.type == "cgroup" || m.type == "cgroup2"; }

std::string basename_of(const std::string& path) { return path.substr(path.rfind('/') + 1); }

// One entry per external mount: its key and, for restore, the host source.
struct External {
  std::string key;
  std::string source;
};

// The cgroup directories a container without a cgroup namespace gets bound in (rootfs.cc's
// mount_cgroups): on cgroup v2 the mount point itself; on v1 one mount per hierarchy below it
// (named after the host mount point) plus "unified" on hybrid hosts.
void cgroup_externals(const ExternalMountInput& in, const Mount& m, std::vector<External>& out) {
  std::string dest = clean_container_path(m.destination);
  auto source = [&](const std::string& controller, const std::string& fallback) {
    auto it = in.cgroup_paths.find(controller);
    return it != in.cgroup_paths.end() ? it->second : fallback;
  };
  if (in.layout.mode() == cgroups::Mode::V2) {
    out.push_back({dest, source("", in.layout.unified.value_or(""))});
    return;
  }
  std::map<std::string, std::vector<std::string>> hierarchies;
  for (const auto& [controller, mountpoint] : in.layout.v1)
    hierarchies[mountpoint].push_back(controller);
  for (const auto& [mountpoint, controllers] : hierarchies)
    out.push_back({dest + "/" + basename_of(mountpoint), source(controllers.front(), mountpoint)});
  if (in.layout.unified) out.push_back({dest + "/unified", source("", *in.layout.unified)});
}

std::vector<External> externals(const ExternalMountInput& in) {
  std::vector<External> out;
  const Config& cfg = *in.config;
  for (const Mount& m : cfg.mounts) {
    if (is_cgroup(m)) {
      if (!in.cgroup_ns) cgroup_externals(in, m, out);
    } else if (is_bind(m)) {
      std::string src = m.source;
      if (!src.empty() && src[0] != '/') src = in.bundle + "/" + src;
      out.push_back({clean_container_path(m.destination), src});
    }
  }
  if (cfg.linux) {
    for (const Device& d : cfg.linux->devices)
      out.push_back({clean_container_path(d.path), d.path});
  }
  if (in.user_ns) {
    for (const char* d : kBoundDefaultDevices) {
      bool configured = false;
      for (const auto& e : out) configured |= e.key == d;
      if (!configured) out.push_back({d, d});
    }
  }
  // As runc's addCriuDumpMount/addCriuRestoreMount: every key is the resolved mount point.
  if (in.mount_point)
    for (auto& e : out) e.key = clean_container_path(in.mount_point(e.key));
  return out;
}

}  // namespace

std::string criu_config_file(const Config& cfg) {
  auto it = cfg.annotations.find(kCriuConfigAnnotation);
  return it != cfg.annotations.end() ? it->second : kDefaultCriuConfig;
}

base::Result<criu::CgroupMode> cgroup_mode_flag(std::string_view name) {
  if (name.empty()) return criu::CgroupMode::Unset;
  return criu::parse_cgroup_mode(name);
}

base::Result<criu::CriuOptions> criu_request(const CriuCommonOptions& o) {
  if (o.image_path.empty()) return fail(Error::invalid("an image path is required"));
  if (o.empty_ns & ~static_cast<uint32_t>(CLONE_NEWNET))
    return fail(Error::invalid("--empty-ns: only the network namespace can be left empty"));
  criu::CriuOptions co;
  co.manage_cgroups_mode = TRY(cgroup_mode_flag(o.manage_cgroups_mode));
  co.tcp_established = o.tcp_established;
  co.ext_unix_sk = o.ext_unix_sk;
  co.shell_job = o.shell_job;
  co.file_locks = o.file_locks;
  co.lazy_pages = o.lazy_pages;
  co.empty_ns = o.empty_ns;
  co.orphan_pts_master = true;
  return co;
}

base::Result<criu::Criu> open_criu(const CriuCommonOptions& o, std::string_view action) {
  criu::Criu criu(o.criu_path);
  TRY(criu.require_version(kMinCriuVersion, action));
  if (o.lazy_pages && TRY(criu.check_feature("lazy_pages")) == criu::FeatureStatus::Missing)
    return fail(Error::unsupported("--lazy-pages: criu or this kernel lacks userfaultfd support"));
  return criu;
}

base::Result<sys::UniqueFd> open_output_dir(const std::string& path) {
  TRY(sys::mkdir_all(path, 0700));
  return sys::open(path, O_RDONLY | O_DIRECTORY);
}

std::string clean_container_path(std::string_view path) {
  std::string out = "/";
  size_t i = 0;
  while (i < path.size()) {
    size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    std::string_view part = path.substr(i, j - i);
    if (!part.empty() && part != ".") {
      if (out.size() > 1) out += '/';
      out += part;
    }
    i = j + 1;
  }
  return out;
}

std::vector<ExtMount> dump_external_mounts(const ExternalMountInput& in) {
  std::vector<ExtMount> out;
  for (const auto& e : externals(in)) out.push_back({e.key, e.key});
  // Masked files are binds of /dev/null: one name in the images for all of them.
  for (const auto& f : in.masked_files) out.push_back({clean_container_path(f), "/dev/null"});
  return out;
}

std::vector<ExtMount> restore_external_mounts(const ExternalMountInput& in) {
  std::vector<ExtMount> out;
  for (const auto& e : externals(in)) out.push_back({e.key, e.source});
  bool have_null = false;
  for (const auto& m : out) have_null |= m.key == "/dev/null";
  if (in.config->linux && !in.config->linux->masked_paths.empty() && !have_null)
    out.push_back({"/dev/null", "/dev/null"});
  return out;
}

bool has_new_cgroup_ns(const Config& cfg) {
  if (!cfg.linux) return false;
  for (const auto& ns : cfg.linux->namespaces)
    if (ns.type == NamespaceType::Cgroup && ns.path.empty()) return true;
  return false;
}

std::string descriptors_json(const std::vector<std::string>& fds) {
  std::string out = "[";
  for (size_t i = 0; i < fds.size(); ++i) {
    if (i > 0) out += ',';
    base::json_quote(out, fds[i]);
  }
  out += "]";
  return out;
}

base::Result<std::vector<std::string>> parse_descriptors(std::string_view json,
                                                         const std::string& path) {
  auto doc = base::json::parse(json);
  if (!doc.has_value() || !doc->root().is_array())
    return fail(Error::invalid(fmt::format("{}: not a JSON array of strings", path)));
  std::vector<std::string> out;
  for (size_t i = 0; i < doc->root().size(); ++i) {
    base::json::Value v = doc->root().element(i);
    if (!v.is_string())
      return fail(Error::invalid(fmt::format("{}: not a JSON array of strings", path)));
    out.emplace_back(v.as_string());
  }
  return out;
}

}  // namespace hull::container

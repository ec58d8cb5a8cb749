// prepare_process: everything about the process that can be checked and computed before clone,
// so a bad config fails in the parent (nothing to clean up) and init only applies results.
#include "container/prepare.h"

#include <linux/magic.h>
#include <unistd.h>

#include <string_view>
#include <vector>

#include "base/log.h"
#include "container/mount_options.h"
#include "container/security/process_attrs.h"
#include "container/security/sysctl.h"
#include "sys/file.h"
#include "sys/security.h"

namespace hull::container {

using base::Error;
using base::fail;
using base::Result;

namespace {

bool lsm_enabled(std::string_view lsm) {
  if (lsm == "apparmor") {
    auto v = sys::read_file("/sys/module/apparmor/parameters/enabled");
    return v.has_value() && !v->empty() && (*v)[0] == 'Y';
  }
  return sys::exists("/sys/fs/selinux/enforce");
}

// Destinations as runc's checkProcMount allows them: procfs itself on /proc, and inside /proc
// only the files lxcfs emulates. Anything else over /proc could hide or fake the files hull and
// the kernel's users write (CVE-2019-19921); checked on the cleaned destination string, and
// hull's own /proc writes are also verified to reach procfs (CVE-2025-52881).
Result<> check_proc_mounts(const std::vector<Mount>& mounts) {
  static constexpr std::string_view kAllowed[] = {"/proc/cpuinfo", "/proc/diskstats",
                                                  "/proc/meminfo", "/proc/stat",
                                                  "/proc/swaps",   "/proc/uptime",
                                                  "/proc/loadavg", "/proc/slabinfo",
                                                  "/proc/net/dev", "/proc/sys/kernel/ns_last_pid"};
  for (size_t i = 0; i < mounts.size(); ++i) {
    const Mount& m = mounts[i];
    std::string dest;
    for (size_t pos = 0; pos < m.destination.size();) {
      size_t end = m.destination.find('/', pos);
      if (end == std::string::npos) end = m.destination.size();
      std::string_view comp(m.destination.data() + pos, end - pos);
      if (comp == "..") {
        size_t slash = dest.rfind('/');
        dest.resize(slash == std::string::npos ? 0 : slash);
      } else if (!comp.empty() && comp != ".") {
        dest += "/";
        dest += comp;
      }
      pos = end + 1;
    }
    if (dest == "/proc") {
      bool bind = false;
      for (const auto& o : m.options) bind |= o == "bind" || o == "rbind";
      bool procfs_source = false;
      if (bind) {
        auto type = sys::fs_type_of_path(m.source);
        procfs_source = type.has_value() && *type == PROC_SUPER_MAGIC;
      }
      if ((!bind && m.type == "proc") || procfs_source) continue;
      return fail(Error::invalid(
          fmt::format(".mounts[{}]: \"{}\" cannot be mounted because it is not of type proc", i,
                      m.destination)));
    }
    if (dest.rfind("/proc/", 0) != 0) continue;
    bool allowed = false;
    for (std::string_view a : kAllowed) allowed |= dest == a;
    if (!allowed)
      return fail(Error::invalid(fmt::format(
          ".mounts[{}]: \"{}\" cannot be mounted because it is inside /proc", i, m.destination)));
  }
  return {};
}

}  // namespace

Result<> check_rootfs_config(const Config& cfg) {
  if (!cfg.linux) return {};
  (void)TRY(parse_rootfs_propagation(cfg.linux->rootfs_propagation));
  bool mount_ns = false;
  for (const auto& ns : cfg.linux->namespaces) mount_ns |= ns.type == NamespaceType::Mount;
  // Masks and read-only binds over /proc and /sys would be made in the caller's namespace.
  if (!mount_ns && (!cfg.linux->masked_paths.empty() || !cfg.linux->readonly_paths.empty()))
    return fail(Error::invalid(
        fmt::format(".linux.{}: unable to restrict sys entries without a private MNT namespace",
                    cfg.linux->masked_paths.empty() ? "readonlyPaths" : "maskedPaths")));
  return {};
}

Result<PreparedProcess> prepare_process(const Config& cfg, const Process& p) {
  PreparedProcess out;
  if (p.args.empty()) return fail(Error::invalid(".process.args: must not be empty"));
  TRY(check_proc_mounts(cfg.mounts));
  TRY(check_rootfs_config(cfg));
  out.rlimits = TRY(security::prepare_rlimits(p.rlimits));
  out.last_cap = security::last_cap();
  out.caps =
      TRY(security::resolve_capabilities(p.capabilities.value_or(Capabilities{}), out.last_cap));
  // runc drops unusable ambient caps silently (its default spec has them); other warnings show.
  for (const auto& w : out.caps.warnings) {
    if (w.rfind("ambient", 0) == 0)
      HULL_LOG_DEBUG("{}", w);
    else
      HULL_LOG_WARN("{}", w);
  }
  if (p.scheduler) out.scheduler = TRY(security::prepare_scheduler(*p.scheduler));
  if (p.io_priority) out.io_priority = TRY(security::prepare_io_priority(*p.io_priority));
  if (p.exec_cpu_affinity) {
    auto cpus = [](const std::string& list,
                   const char* field) -> Result<std::optional<sys::CpuMask>> {
      if (list.empty()) return std::nullopt;
      return sys::parse_cpu_list(list).map_error(
          base::context(fmt::format(".process.execCPUAffinity.{}", field)));
    };
    out.affinity_initial = TRY(cpus(p.exec_cpu_affinity->initial, "initial"));
    out.affinity_final = TRY(cpus(p.exec_cpu_affinity->final, "final"));
  }
  if (!p.apparmor_profile.empty()) {
    if (!lsm_enabled("apparmor"))
      return fail(Error::unsupported(fmt::format(
          ".process.apparmorProfile: \"{}\" requested, but AppArmor is not enabled on this host",
          p.apparmor_profile)));
    out.lsm_attr = "apparmor/exec";
    out.lsm_label = "exec " + p.apparmor_profile;
  }
  if (!p.selinux_label.empty()) {
    if (!lsm_enabled("selinux"))
      return fail(Error::unsupported(fmt::format(
          ".process.selinuxLabel: \"{}\" requested, but SELinux is not enabled on this host",
          p.selinux_label)));
    out.lsm_attr = "exec";
    out.lsm_label = p.selinux_label;
  }
  if (cfg.linux) {
    if (cfg.linux->personality)
      out.personality = TRY(security::prepare_personality(*cfg.linux->personality));
    if (cfg.linux->seccomp) out.seccomp = TRY(security::compile_seccomp(*cfg.linux->seccomp));
    TRY(security::validate_sysctls(*cfg.linux));
    for (const auto& [key, value] : cfg.linux->sysctl)
      out.sysctls.emplace_back("/proc/sys/" + security::sysctl_proc_path(key), value);
  }
  return out;
}

}  // namespace hull::container

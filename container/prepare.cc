// prepare_process: everything about the process that can be checked and computed before clone,
// so a bad config fails in the parent (nothing to clean up) and init only applies results.
#include <unistd.h>

#include "base/log.h"
#include "container/init.h"
#include "sys/file.h"

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

}  // namespace

Result<PreparedProcess> prepare_process(const Config& cfg, const Process& p) {
  PreparedProcess out;
  if (p.args.empty()) return fail(Error::invalid(".process.args: must not be empty"));
  out.rlimits = TRY(security::prepare_rlimits(p.rlimits));
  out.last_cap = security::last_cap();
  out.caps = TRY(security::resolve_capabilities(p.capabilities.value_or(Capabilities{}), out.last_cap));
  // runc drops unusable ambient caps silently (its default spec has them); other warnings show.
  for (const auto& w : out.caps.warnings) {
    if (w.rfind("ambient", 0) == 0) HULL_LOG_DEBUG("{}", w);
    else HULL_LOG_WARN("{}", w);
  }
  if (p.scheduler) out.scheduler = TRY(security::prepare_scheduler(*p.scheduler));
  if (p.io_priority) out.io_priority = TRY(security::prepare_io_priority(*p.io_priority));
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
    if (cfg.linux->personality) out.personality = TRY(security::prepare_personality(*cfg.linux->personality));
    if (cfg.linux->seccomp) out.seccomp = TRY(security::compile_seccomp(*cfg.linux->seccomp));
    TRY(security::validate_sysctls(*cfg.linux));
    for (const auto& [key, value] : cfg.linux->sysctl)
      out.sysctls.emplace_back("/proc/sys/" + security::sysctl_proc_path(key), value);
  }
  return out;
}

}  // namespace hull::container

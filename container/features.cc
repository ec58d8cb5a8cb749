#include "container/features.h"

#include <seccomp.h>

#include <vector>

#include "base/json_writer.h"
#include "container/mount_options.h"
#include "container/security/capabilities.h"
#include "container/security/seccomp.h"

namespace hull::container {

namespace {

void string_array(base::JsonWriter& w, std::string_view key,
                  const std::vector<std::string>& items) {
  w.key(key).begin_array();
  for (const auto& i : items) w.value(i);
  w.end_array();
}

void enabled(base::JsonWriter& w, std::string_view key, bool on) {
  w.key(key).begin_object().field("enabled", on).end_object();
}

}  // namespace

std::string features_json(std::string_view version) {
  std::vector<std::string> caps;
  // Every capability hull knows by name (past the last, capability_name makes up "CAP_<n>").
  for (int c = 0; security::capability_from_name(security::capability_name(c)) == c; ++c)
    caps.push_back(security::capability_name(c));
  const security::SeccompFeatures sc = security::seccomp_features();
  const scmp_version* lib = seccomp_version();

  base::JsonWriter w(2);
  w.begin_object();
  w.field("ociVersionMin", "1.0.0");
  w.field("ociVersionMax", "1.2.0");
  string_array(
      w, "hooks",
      {"prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop"});
  string_array(w, "mountOptions", known_mount_options());
  w.key("linux").begin_object();
  string_array(w, "namespaces",
               {"cgroup", "ipc", "mount", "network", "pid", "time", "user", "uts"});
  string_array(w, "capabilities", caps);
  // --systemd-cgroup: the systemd driver, for root and (cgroup v2) rootless containers.
  w.key("cgroup")
      .begin_object()
      .field("v1", true)
      .field("v2", true)
      .field("systemd", true)
      .field("systemdUser", true)
      .field("rdma", true)
      .end_object();
  w.key("seccomp").begin_object().field("enabled", true);
  string_array(w, "actions", sc.actions);
  string_array(w, "operators", sc.operators);
  string_array(w, "archs", sc.archs);
  string_array(w, "knownFlags", sc.known_flags);
  string_array(w, "supportedFlags", sc.supported_flags);
  w.end_object();
  // As runc: whether hull can apply a profile or label at all, not whether this host has the LSM.
  enabled(w, "apparmor", true);
  enabled(w, "selinux", true);
  enabled(w, "intelRdt", false);
  w.key("mountExtensions").begin_object();
  enabled(w, "idmap", true);
  w.end_object();
  w.end_object();  // linux
  w.key("annotations").begin_object();
  w.field(
      "io.github.seccomp.libseccomp.version",
      lib ? fmt::format("{}.{}.{}", lib->major, lib->minor, lib->micro) : std::string("unknown"));
  w.field("org.opencontainers.runc.checkpoint.enabled", "true");
  w.field("org.hull.version", std::string(version));
  w.end_object();
  w.end_object();
  return w.take();
}

}  // namespace hull::container

// `hull spec`: runc's default config.json (libcontainer/specconv/example.go, as printed by runc
// 1.1) with hostname "hull" and a cgroup namespace, and runc's `spec --rootless` rewrite.
#include <unistd.h>

#include <initializer_list>
#include <string_view>

#include "base/json_writer.h"
#include "container/config.h"
#include "sys/security.h"

namespace hull::container {

namespace {

using base::JsonWriter;
using Strings = std::initializer_list<std::string_view>;

void string_array(JsonWriter& w, std::string_view key, Strings values) {
  w.key(key).begin_array();
  for (std::string_view v : values) w.value(v);
  w.end_array();
}

void process(JsonWriter& w) {
  w.key("process").begin_object();
  w.field("terminal", true);
  w.key("user").begin_object().field("uid", 0).field("gid", 0).end_object();
  string_array(w, "args", {"sh"});
  string_array(w, "env",
               {"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "TERM=xterm"});
  w.field("cwd", "/");
  // runc grants no inheritable capabilities: they would survive exec of any file.
  w.key("capabilities").begin_object();
  for (std::string_view set : {"bounding", "effective", "permitted", "ambient"}) {
    string_array(w, set, {"CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"});
  }
  w.end_object();
  w.key("rlimits").begin_array().begin_object();
  w.field("type", "RLIMIT_NOFILE").field("hard", 1024).field("soft", 1024);
  w.end_object().end_array();
  w.field("noNewPrivileges", true);
  w.end_object();
}

void add_mount(JsonWriter& w, std::string_view dest, std::string_view type, std::string_view source,
               Strings options) {
  w.begin_object();
  w.field("destination", dest).field("type", type).field("source", source);
  if (options.size() != 0) string_array(w, "options", options);
  w.end_object();
}

// runc's ToRootless drops uid=/gid= options (the ids need not be mapped) and replaces sysfs,
// which only the owner of the network namespace may mount, with a read-only rbind.
void mounts(JsonWriter& w, bool rootless) {
  w.key("mounts").begin_array();
  add_mount(w, "/proc", "proc", "proc", {});
  add_mount(w, "/dev", "tmpfs", "tmpfs", {"nosuid", "strictatime", "mode=755", "size=65536k"});
  if (rootless) {
    add_mount(w, "/dev/pts", "devpts", "devpts",
              {"nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620"});
  } else {
    add_mount(w, "/dev/pts", "devpts", "devpts",
              {"nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"});
  }
  add_mount(w, "/dev/shm", "tmpfs", "shm",
            {"nosuid", "noexec", "nodev", "mode=1777", "size=65536k"});
  add_mount(w, "/dev/mqueue", "mqueue", "mqueue", {"nosuid", "noexec", "nodev"});
  if (rootless) {
    add_mount(w, "/sys", "none", "/sys", {"rbind", "nosuid", "noexec", "nodev", "ro"});
  } else {
    add_mount(w, "/sys", "sysfs", "sysfs", {"nosuid", "noexec", "nodev", "ro"});
  }
  add_mount(w, "/sys/fs/cgroup", "cgroup", "cgroup",
            {"nosuid", "noexec", "nodev", "relatime", "ro"});
  w.end_array();
}

void id_mapping(JsonWriter& w, std::string_view key, uint32_t host_id) {
  w.key(key).begin_array().begin_object();
  w.field("containerID", 0).field("hostID", host_id).field("size", 1);
  w.end_object().end_array();
}

void linux_section(JsonWriter& w, bool rootless) {
  w.key("linux").begin_object();
  if (rootless) {
    // geteuid/getegid cannot fail. Only the caller's own ids may be mapped without privilege.
    id_mapping(w, "uidMappings", static_cast<uint32_t>(sys::euid()));
    id_mapping(w, "gidMappings", static_cast<uint32_t>(sys::egid()));
  } else {
    w.key("resources").begin_object().key("devices").begin_array().begin_object();
    w.field("allow", false).field("access", "rwm");
    w.end_object().end_array().end_object();
  }
  w.key("namespaces").begin_array();
  // Rootless: no network namespace (nothing could configure it) and a user namespace last.
  for (std::string_view t : {"pid", "network", "ipc", "uts", "mount", "cgroup"}) {
    if (rootless && t == "network") continue;
    w.begin_object().field("type", t).end_object();
  }
  if (rootless) w.begin_object().field("type", "user").end_object();
  w.end_array();
  string_array(w, "maskedPaths",
               {"/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys", "/proc/latency_stats",
                "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/sys/firmware",
                "/proc/scsi", "/sys/devices/virtual/tpm"});
  string_array(w, "readonlyPaths",
               {"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"});
  w.end_object();
}

}  // namespace

std::string default_spec_json(bool rootless) {
  JsonWriter w(2);
  w.begin_object();
  w.field("ociVersion", "1.0.2-dev");
  process(w);
  w.key("root").begin_object().field("path", "rootfs").field("readonly", true).end_object();
  w.field("hostname", "hull");
  mounts(w, rootless);
  linux_section(w, rootless);
  w.end_object();
  std::string out = w.take();
  out += '\n';
  return out;
}

}  // namespace hull::container

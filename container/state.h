// What hull keeps on disk for a container (<root>/<id>/state.json), as libcontainer's State:
// the init process and its start time, the bundle, the config it was created with, cgroup and
// namespace paths, and the stdio it was created with. state.json is written atomically; status
// is never stored, it is derived from facts (container/status.h).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace hull::container {

using base::Result;

enum class Status { Creating, Created, Running, Paused, Stopped };
// The OCI spec's names: "creating", "created", "running", "paused", "stopped".
std::string_view status_name(Status s);

struct State {
  std::string id;
  pid_t init_pid = 0;
  uint64_t init_start_time = 0;  // /proc/PID/stat field 22, defeats pid reuse
  std::string created;           // RFC 3339, UTC
  std::string bundle;            // absolute
  std::string rootfs;            // absolute host path of root.path
  std::string config_json;       // the config.json text the container was created from
  std::map<std::string, std::string> cgroup_paths;  // controller ("" = unified) -> dir
  // The systemd scope owning the cgroup (--systemd-cgroup), "" with cgroupfs; systemd_user: it
  // belongs to the user's systemd instance (rootless).
  std::string systemd_unit;
  bool systemd_user = false;
  std::map<std::string, std::string> namespace_paths;  // "pid" -> /proc/PID/ns/pid
  std::vector<std::string> external_descriptors;       // what fds 0, 1, 2 pointed at
  std::map<std::string, std::string> annotations;
  bool rootless = false;
  bool created_userns = false;
};

std::string serialize_state(const State& s);
Result<State> parse_state(std::string_view json);

// The OCI state (`hull state`, hook stdin): ociVersion, id, status, pid, bundle, annotations.
std::string oci_state_json(const State& s, Status status, bool indent);

}  // namespace hull::container

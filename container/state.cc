#include "container/state.h"

#include <simdjson.h>
#include <time.h>

#include "base/json_writer.h"

namespace hull::container {

using base::Error;
using base::fail;
using base::JsonWriter;

std::string_view status_name(Status s) {
  switch (s) {
    case Status::Creating: return "creating";
    case Status::Created: return "created";
    case Status::Running: return "running";
    case Status::Paused: return "paused";
    case Status::Stopped: return "stopped";
  }
  return "stopped";
}

std::string now_rfc3339() {
  struct timespec ts {};
  clock_gettime(CLOCK_REALTIME, &ts);
  struct tm tm {};
  gmtime_r(&ts.tv_sec, &tm);
  char buf[64];
  size_t n = strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  return fmt::format("{}.{:09}Z", std::string_view(buf, n), ts.tv_nsec);
}

namespace {

void write_map(JsonWriter& w, std::string_view key, const std::map<std::string, std::string>& m) {
  w.key(key).begin_object();
  for (const auto& [k, v] : m) w.field(k, v);
  w.end_object();
}

}  // namespace

std::string serialize_state(const State& s) {
  JsonWriter w;
  w.begin_object();
  w.field("id", s.id);
  w.field("init_process_pid", static_cast<int64_t>(s.init_pid));
  w.field("init_process_start", s.init_start_time);
  w.field("created", s.created);
  w.field("bundle", s.bundle);
  w.field("rootfs", s.rootfs);
  write_map(w, "cgroup_paths", s.cgroup_paths);
  write_map(w, "namespace_paths", s.namespace_paths);
  w.key("external_descriptors").begin_array();
  for (const auto& d : s.external_descriptors) w.value(d);
  w.end_array();
  write_map(w, "annotations", s.annotations);
  w.field("rootless", s.rootless);
  w.field("created_userns", s.created_userns);
  // The config last, verbatim: it is the largest field.
  w.key("config");
  if (s.config_json.empty()) {
    w.null();
  } else {
    w.raw(s.config_json);
  }
  w.end_object();
  return w.take();
}

namespace {

Result<std::map<std::string, std::string>> read_map(simdjson::dom::element obj, std::string_view key) {
  std::map<std::string, std::string> out;
  simdjson::dom::object o;
  if (obj[key].get(o) != simdjson::SUCCESS) return out;
  for (auto [k, v] : o) {
    std::string_view sv;
    if (v.get(sv) != simdjson::SUCCESS)
      return fail(Error::protocol(fmt::format("state.json: .{}.{}: expected string", key, k)));
    out.emplace(std::string(k), std::string(sv));
  }
  return out;
}

}  // namespace

Result<State> parse_state(std::string_view json) {
  simdjson::dom::parser parser;
  simdjson::padded_string padded(json);
  simdjson::dom::element root;
  if (auto err = parser.parse(padded).get(root); err != simdjson::SUCCESS)
    return fail(Error::protocol(fmt::format("state.json: invalid JSON: {}", simdjson::error_message(err))));
  State s;
  std::string_view sv;
  int64_t pid = 0;
  uint64_t start = 0;
  if (root["id"].get(sv) != simdjson::SUCCESS) return fail(Error::protocol("state.json: .id missing"));
  s.id = sv;
  if (root["init_process_pid"].get(pid) != simdjson::SUCCESS)
    return fail(Error::protocol("state.json: .init_process_pid missing"));
  s.init_pid = static_cast<pid_t>(pid);
  if (root["init_process_start"].get(start) == simdjson::SUCCESS) s.init_start_time = start;
  if (root["created"].get(sv) == simdjson::SUCCESS) s.created = sv;
  if (root["bundle"].get(sv) == simdjson::SUCCESS) s.bundle = sv;
  if (root["rootfs"].get(sv) == simdjson::SUCCESS) s.rootfs = sv;
  s.cgroup_paths = TRY(read_map(root, "cgroup_paths"));
  s.namespace_paths = TRY(read_map(root, "namespace_paths"));
  s.annotations = TRY(read_map(root, "annotations"));
  simdjson::dom::array descs;
  if (root["external_descriptors"].get(descs) == simdjson::SUCCESS) {
    for (auto d : descs)
      if (d.get(sv) == simdjson::SUCCESS) s.external_descriptors.emplace_back(sv);
  }
  bool b = false;
  if (root["rootless"].get(b) == simdjson::SUCCESS) s.rootless = b;
  if (root["created_userns"].get(b) == simdjson::SUCCESS) s.created_userns = b;
  simdjson::dom::element cfg;
  if (root["config"].get(cfg) == simdjson::SUCCESS && !cfg.is_null()) s.config_json = simdjson::minify(cfg);
  return s;
}

std::string oci_state_json(const State& s, Status status, bool indent) {
  JsonWriter w(indent ? 2 : 0);
  w.begin_object();
  w.field("ociVersion", "1.2.0");
  w.field("id", s.id);
  w.field("status", status_name(status));
  // The spec wants pid only while the process exists; runc prints 0 for stopped.
  w.field("pid", static_cast<int64_t>(status == Status::Stopped ? 0 : s.init_pid));
  w.field("bundle", s.bundle);
  w.field("rootfs", s.rootfs);
  w.field("created", s.created);
  w.key("annotations").begin_object();
  for (const auto& [k, v] : s.annotations) w.field(k, v);
  w.end_object();
  w.end_object();
  return w.take();
}

}  // namespace hull::container

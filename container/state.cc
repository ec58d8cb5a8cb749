#include "container/state.h"

#include <time.h>

#include "base/json.h"
#include "base/json_writer.h"

namespace hull::container {

using base::Error;
using base::fail;
namespace json = base::json;
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
  if (!s.systemd_unit.empty()) {
    w.field("systemd_unit", s.systemd_unit);
    w.field("systemd_user", s.systemd_user);
  }
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

Result<std::map<std::string, std::string>> read_map(json::Value obj, std::string_view key) {
  std::map<std::string, std::string> out;
  auto o = obj.find(key);
  if (!o || !o->is_object()) return out;
  for (size_t i = 0; i < o->size(); ++i) {
    if (!o->member(i).is_string())
      return fail(
          Error::protocol(fmt::format("state.json: .{}.{}: expected string", key, o->key(i))));
    out.emplace(std::string(o->key(i)), std::string(o->member(i).as_string()));
  }
  return out;
}

}  // namespace

Result<State> parse_state(std::string_view text) {
  auto doc = json::parse(text);
  if (!doc.has_value()) return fail(Error::protocol("state.json: " + doc.error().message()));
  json::Value root = doc->root();
  auto string_at = [&](std::string_view key) -> std::optional<std::string> {
    auto v = root.find(key);
    if (!v || !v->is_string()) return std::nullopt;
    return std::string(v->as_string());
  };
  State s;
  auto id = string_at("id");
  if (!id) return fail(Error::protocol("state.json: .id missing"));
  s.id = *id;
  auto pid = root.find("init_process_pid");
  if (!pid || pid->type() != json::Type::Int64)
    return fail(Error::protocol("state.json: .init_process_pid missing"));
  s.init_pid = static_cast<pid_t>(pid->as_int64());
  if (auto start = root.find("init_process_start"); start && start->type() == json::Type::Int64)
    s.init_start_time = static_cast<uint64_t>(start->as_int64());
  s.created = string_at("created").value_or("");
  s.bundle = string_at("bundle").value_or("");
  s.rootfs = string_at("rootfs").value_or("");
  s.cgroup_paths = TRY(read_map(root, "cgroup_paths"));
  s.systemd_unit = string_at("systemd_unit").value_or("");
  s.namespace_paths = TRY(read_map(root, "namespace_paths"));
  s.annotations = TRY(read_map(root, "annotations"));
  if (auto descs = root.find("external_descriptors"); descs && descs->is_array()) {
    for (size_t i = 0; i < descs->size(); ++i)
      if (descs->element(i).is_string())
        s.external_descriptors.emplace_back(descs->element(i).as_string());
  }
  if (auto b = root.find("rootless"); b && b->is_bool()) s.rootless = b->as_bool();
  if (auto b = root.find("created_userns"); b && b->is_bool()) s.created_userns = b->as_bool();
  if (auto cfg = root.find("config"); cfg && !cfg->is_null())
    s.config_json = std::string(cfg->raw());
  if (auto b = root.find("systemd_user"); b && b->is_bool()) s.systemd_user = b->as_bool();
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

#include "tests/harness/containers.h"

#include <unistd.h>

#include <atomic>
#include <cstdlib>

#include "tests/harness/files.h"
#include "tests/harness/json.h"
#include "tests/harness/wait.h"

namespace hull::testing {

std::string unique_id(const std::string& name) { return name + "-" + std::to_string(::getpid()); }

std::string fresh_id(const std::string& name) {
  static std::atomic<int> counter{0};
  return unique_id(name) + "-" + std::to_string(counter++);
}

std::string state_status(const std::string& state_json) {
  return json_at(state_json, "/status").value_or("");
}

long state_pid(const std::string& state_json) {
  return std::strtol(json_at(state_json, "/pid").value_or("0").c_str(), nullptr, 10);
}

std::string init_pid(const Hull& hull, const std::string& id) {
  long pid = state_pid(hull({"state", id}).out);
  return pid > 0 ? std::to_string(pid) : "";
}

std::string read_pid_file(const std::string& path) {
  std::string pid = read_text(path);
  if (pid.empty() || pid.find_first_not_of("0123456789") != std::string::npos) return "";
  return pid;
}

std::string status_of(const Hull& hull, const std::string& id) {
  RunResult r = hull({"state", id});
  if (r.exit_code != 0) return "";
  return state_status(r.out);
}

std::string wait_for_status(const Hull& hull, const std::string& id, const std::string& want,
                            std::chrono::milliseconds timeout) {
  std::string s;
  wait_for(
      [&] {
        s = status_of(hull, id);
        return s == want;
      },
      timeout);
  return s;
}

std::map<std::string, std::string> cgroup_paths(const Hull& hull, const std::string& id) {
  return json_string_map(read_text(hull.root() + "/" + id + "/state.json"), "/cgroup_paths");
}

Running::Running(const Hull& hull, const Bundle& bundle, std::string id)
    : m_hull(hull), m_id(std::move(id)), m_guard(hull, m_id) {
  m_run = m_hull({"run", "-d", "--bundle", bundle.dir(), m_id});
}

std::string Running::status() const {
  RunResult r = m_hull({"state", m_id});
  std::string s = state_status(r.out);
  return s.empty() ? "?" + r.err : s;
}

std::map<std::string, std::string> Running::cgroup_paths() const {
  return testing::cgroup_paths(m_hull, m_id);
}

std::string ContainerIds::add(const std::string& name) { return keep(fresh_id(name)); }

std::string ContainerIds::keep(std::string id) {
  m_ids.push_back(id);
  return id;
}

void ContainerIds::delete_all() const {
  for (const auto& id : m_ids) (void)m_hull({"delete", "--force", id});
}

}  // namespace hull::testing

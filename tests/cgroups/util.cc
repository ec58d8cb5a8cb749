#include "tests/cgroups/util.h"

#include <unistd.h>

#include <fstream>
#include <sstream>

#include <simdjson.h>

namespace hull::testing {

std::string unique_id(const std::string& name) { return name + "-" + std::to_string(getpid()); }

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

bool wait_for(const std::function<bool()>& cond, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!cond()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return true;
}

Running::Running(const Hull& hull, const Bundle& bundle, std::string id)
    : m_hull(hull), m_id(std::move(id)) {
  m_run = m_hull({"run", "-d", "--bundle", bundle.dir(), m_id});
}

Running::~Running() { (void)m_hull({"delete", "--force", m_id}); }

std::string Running::status() const {
  RunResult r = m_hull({"state", m_id});
  simdjson::dom::parser parser;
  simdjson::padded_string text(r.out);
  std::string_view s;
  if (parser.parse(text)["status"].get(s) != simdjson::SUCCESS) return "?" + r.err;
  return std::string(s);
}

std::map<std::string, std::string> Running::cgroup_paths() const {
  std::map<std::string, std::string> out;
  simdjson::dom::parser parser;
  simdjson::padded_string text(read_text(m_hull.root() + "/" + m_id + "/state.json"));
  simdjson::dom::object paths;
  if (parser.parse(text)["cgroup_paths"].get(paths) != simdjson::SUCCESS) return out;
  for (auto field : paths) {
    std::string_view v;
    if (field.value.get(v) == simdjson::SUCCESS) out[std::string(field.key)] = std::string(v);
  }
  return out;
}

Background::Background(std::vector<std::string> argv, std::string out_path,
                       std::chrono::milliseconds timeout) {
  std::vector<std::string> full = {"/bin/sh", "-c", "exec \"$0\" \"$@\" > " + out_path};
  full.insert(full.end(), argv.begin(), argv.end());
  m_thread = std::thread([this, full, timeout] { m_result = run_command(full, timeout); });
}

Background::~Background() {
  if (m_thread.joinable()) m_thread.join();
}

RunResult Background::join() {
  if (m_thread.joinable()) m_thread.join();
  return m_result;
}

}  // namespace hull::testing

#include "tests/harness/bundle.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <sstream>

#include "tests/harness/files.h"
#include "tests/harness/host.h"

namespace hull::testing {
namespace fs = std::filesystem;
namespace {

// Not TEST_TMPDIR: Bazel's is so deep that a runtime root under it overflows the 108-byte
// sun_path of the sockets hull puts there.
std::string temp_base() { return "/tmp"; }

// `busybox --list`, computed once per test binary.
const std::vector<std::string>& busybox_applets() {
  static std::vector<std::string> applets = [] {
    std::vector<std::string> out;
    RunResult r = run_command({"/bin/busybox", "--list"});
    std::istringstream in(r.out);
    std::string name;
    while (std::getline(in, name)) {
      if (!name.empty() && name != "busybox") out.push_back(name);
    }
    return out;
  }();
  return applets;
}

// `hull spec` output, computed once per test binary.
const std::string& default_spec() {
  static std::string spec = [] {
    TempDir tmp;
    RunResult r = run_command({hull_binary(), "spec", "--bundle", tmp.path()});
    if (r.exit_code != 0) {
      ADD_FAILURE() << "hull spec failed (" << r.exit_code << "): " << r.err;
      return std::string();
    }
    return read_text(tmp.path() + "/config.json");
  }();
  return spec;
}

}  // namespace

TempDir::TempDir() {
  std::string tmpl = temp_base() + "/hull-itest-XXXXXX";
  if (mkdtemp(tmpl.data()) == nullptr) {
    ADD_FAILURE() << "mkdtemp(" << tmpl << "): " << strerror(errno);
  }
  m_path = tmpl;
}

TempDir::~TempDir() {
  if (m_path.empty()) return;
  // Unmount what a failed test left under the dir before deleting it, deepest first, so that
  // remove_all never walks into a bind-mounted host directory.
  std::vector<std::string> under;
  for (const auto& m : read_mountinfo()) {
    if (m.mount_point == m_path || m.mount_point.rfind(m_path + "/", 0) == 0) {
      under.push_back(m.mount_point);
    }
  }
  std::sort(under.begin(), under.end(),
            [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
  for (const auto& m : under) umount2(m.c_str(), MNT_DETACH);
  std::error_code ec;
  fs::remove_all(m_path, ec);
}

Bundle::Bundle(const std::vector<std::string>& args) {
  std::string r = rootfs();
  for (const char* d : {"", "/bin", "/etc", "/proc", "/sys", "/dev", "/tmp", "/root", "/usr"}) {
    mkdir((r + d).c_str(), 0755);
  }
  chmod((r + "/tmp").c_str(), 01777);
  std::error_code ec;
  fs::copy_file("/bin/busybox", r + "/bin/busybox", ec);
  if (ec) ADD_FAILURE() << "copying /bin/busybox: " << ec.message();
  chmod((r + "/bin/busybox").c_str(), 0755);
  for (const auto& applet : busybox_applets()) {
    (void)symlink("busybox", (r + "/bin/" + applet).c_str());
  }
  (void)symlink("../bin", (r + "/usr/bin").c_str());
  (void)symlink("bin", (r + "/sbin").c_str());
  write_text(r + "/etc/passwd",
             "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/sh\n");
  write_text(r + "/etc/group", "root:x:0:\nnogroup:x:65534:\n");
  if (!write_text(config_path(), default_spec())) {
    ADD_FAILURE() << "writing " << config_path();
  }
  std::string list = "[";
  for (const auto& a : args) {
    std::string esc;
    for (char c : a) {
      if (c == '\\' || c == '"') esc.push_back('\\');
      esc.push_back(c);
    }
    list += (list.size() > 1 ? ", \"" : "\"") + esc + "\"";
  }
  list += "]";
  // JSON is Python syntax for plain strings; escapes of control characters aside.
  edit("c['process']['terminal'] = False\nc['process']['args'] = " + list);
}

std::string Bundle::config() const { return read_text(config_path()); }

void Bundle::set_config(const std::string& json) const {
  if (!write_text(config_path(), json)) ADD_FAILURE() << "writing " << config_path();
}

void Bundle::edit(const std::string& python_statements) const {
  static const char* kScript =
      "import json, sys\n"
      "p = sys.argv[1]\n"
      "c = json.load(open(p))\n"
      "exec(sys.argv[2])\n"
      "json.dump(c, open(p, 'w'), indent=2)\n";
  RunResult r = run_command({"/usr/bin/python3", "-c", kScript, config_path(), python_statements});
  if (r.exit_code != 0) {
    ADD_FAILURE() << "editing config.json with `" << python_statements << "`: " << r.err;
  }
}

Hull::Hull() = default;

RunResult Hull::operator()(const std::vector<std::string>& args, std::chrono::milliseconds timeout,
                           const std::string& input) const {
  std::vector<std::string> argv = {hull_binary(), "--root", root()};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_command(argv, timeout, input);
}

namespace edits {

std::string bind(const std::string& source, const std::string& destination,
                 const std::string& options) {
  std::string list;
  std::istringstream in(options);
  for (std::string opt; std::getline(in, opt, ',');)
    list += (list.empty() ? "'" : ", '") + opt + "'";
  return "c['mounts'].append({'destination': '" + destination + "', 'type': 'bind', 'source': '" +
         source + "', 'options': [" + list + "]})\n";
}

std::string drop_namespace(const std::string& type) {
  return "c['linux']['namespaces'] = [n for n in c['linux']['namespaces'] if n['type'] != '" +
         type + "']\n";
}

std::string user_namespace() {
  return "c['linux']['namespaces'].append({'type': 'user'})\n"
         "c['linux']['uidMappings'] = [{'containerID': 0, 'hostID': 100000, 'size': 65536}]\n"
         "c['linux']['gidMappings'] = [{'containerID': 0, 'hostID': 100000, 'size': 65536}]\n";
}

std::string add_capability(const std::string& capability) {
  return "for k in ['bounding', 'effective', 'permitted']: "
         "c['process']['capabilities'][k].append('" +
         capability + "')\n";
}

}  // namespace edits

}  // namespace hull::testing

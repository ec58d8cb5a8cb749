// The end-to-end harness talks to the kernel through libc directly: it is test scaffolding that
// must keep working even when the sys/ wrappers under test are broken.
#include "tests/harness/harness.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>

#include <gtest/gtest.h>

extern char** environ;

namespace hull::testing {
namespace fs = std::filesystem;
namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

bool write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  return !out.fail();
}

// mountinfo escapes space, tab, newline and backslash as \ooo.
std::string unescape_mountinfo(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 3 < s.size()) {
      int v = 0;
      bool ok = true;
      for (size_t j = 1; j <= 3; ++j) {
        char c = s[i + j];
        if (c < '0' || c > '7') ok = false;
        v = v * 8 + (c - '0');
      }
      if (ok) {
        out.push_back(static_cast<char>(v));
        i += 3;
        continue;
      }
    }
    out.push_back(s[i]);
  }
  return out;
}

struct MountLine {
  std::string mount_point, fstype;
};

std::vector<MountLine> read_mountinfo() {
  std::vector<MountLine> out;
  std::istringstream in(read_file("/proc/self/mountinfo"));
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream f(line);
    std::string id, parent, devno, root, mnt, opts, field;
    f >> id >> parent >> devno >> root >> mnt >> opts;
    while (f >> field && field != "-") {
    }
    std::string fstype;
    f >> fstype;
    out.push_back({unescape_mountinfo(mnt), fstype});
  }
  return out;
}

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
    return read_file(tmp.path() + "/config.json");
  }();
  return spec;
}

void set_nonblocking(int fd) { fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK); }

}  // namespace

std::string hull_binary() {
  const char* srcdir = getenv("TEST_SRCDIR");
  const char* ws = getenv("TEST_WORKSPACE");
  std::string base = srcdir != nullptr ? srcdir : "";
  std::string name = ws != nullptr && *ws != '\0' ? ws : "hull";
  if (!base.empty()) {
    std::string p = base + "/" + name + "/cli/hull";
    if (access(p.c_str(), X_OK) == 0) return p;
  }
  // Outside Bazel (running the test binary by hand): HULL_BINARY names it.
  const char* env = getenv("HULL_BINARY");
  return env != nullptr ? env : base + "/" + name + "/cli/hull";
}

RunResult run_command(const std::vector<std::string>& argv, std::chrono::milliseconds timeout,
                      const std::string& input, const std::map<std::string, std::string>& env) {
  return run_command_in({}, argv, timeout, input, env);
}

RunResult run_command_in(const std::string& cwd, const std::vector<std::string>& argv,
                         std::chrono::milliseconds timeout, const std::string& input,
                         const std::map<std::string, std::string>& env) {
  RunResult result;
  if (argv.empty()) return result;
  int in_pipe[2], out_pipe[2], err_pipe[2];
  if (pipe2(in_pipe, O_CLOEXEC) != 0 || pipe2(out_pipe, O_CLOEXEC) != 0 ||
      pipe2(err_pipe, O_CLOEXEC) != 0) {
    result.err = std::string("pipe2: ") + strerror(errno);
    return result;
  }
  // Everything the child needs is built before fork: no allocation after it.
  std::map<std::string, std::string> merged;
  for (char** e = environ; *e != nullptr; ++e) {
    std::string kv = *e;
    size_t eq = kv.find('=');
    if (eq != std::string::npos) merged[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  for (const auto& [k, v] : env) merged[k] = v;
  std::vector<std::string> env_strings;
  for (const auto& [k, v] : merged) env_strings.push_back(k + "=" + v);
  std::vector<char*> envp, args;
  for (auto& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);
  std::vector<std::string> argv_copy = argv;
  for (auto& s : argv_copy) args.push_back(s.data());
  args.push_back(nullptr);

  pid_t pid = fork();
  if (pid < 0) {
    result.err = std::string("fork: ") + strerror(errno);
    return result;
  }
  if (pid == 0) {
    // Own process group, so a timeout kills the command and everything it started.
    setpgid(0, 0);
    dup2(in_pipe[0], 0);
    dup2(out_pipe[1], 1);
    dup2(err_pipe[1], 2);
    syscall(SYS_close_range, 3U, ~0U, 0U);
    if (!cwd.empty() && chdir(cwd.c_str()) != 0) _exit(126);
    execve(args[0], args.data(), envp.data());
    _exit(127);
  }
  setpgid(pid, pid);  // also from the parent: no race with an early kill
  close(in_pipe[0]);
  close(out_pipe[1]);
  close(err_pipe[1]);
  int pidfd = static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
  set_nonblocking(in_pipe[1]);
  set_nonblocking(out_pipe[0]);
  set_nonblocking(err_pipe[0]);
  int in_fd = in_pipe[1];
  size_t in_off = 0;
  if (input.empty()) {
    close(in_fd);
    in_fd = -1;
  }
  int out_fd = out_pipe[0], err_fd = err_pipe[0];
  auto drain = [&](int& fd, std::string& sink) {
    char buf[8192];
    for (;;) {
      ssize_t n = read(fd, buf, sizeof buf);
      if (n > 0) {
        sink.append(buf, static_cast<size_t>(n));
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      if (n == 0 || errno != EAGAIN) {
        close(fd);
        fd = -1;
      }
      return;
    }
  };
  auto deadline = std::chrono::steady_clock::now() + timeout;
  bool exited = false;
  int status = 0;
  while (!exited) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      result.timed_out = true;
      kill(-pid, SIGKILL);
      kill(pid, SIGKILL);
      break;
    }
    pollfd fds[4] = {{pidfd, POLLIN, 0}, {out_fd, POLLIN, 0}, {err_fd, POLLIN, 0},
                     {in_fd, POLLOUT, 0}};
    int n = poll(fds, 4, static_cast<int>(std::min<long>(left.count(), 100)));
    if (n < 0 && errno != EINTR) break;
    if (out_fd >= 0 && (fds[1].revents & (POLLIN | POLLHUP | POLLERR))) drain(out_fd, result.out);
    if (err_fd >= 0 && (fds[2].revents & (POLLIN | POLLHUP | POLLERR))) drain(err_fd, result.err);
    if (in_fd >= 0 && (fds[3].revents & (POLLOUT | POLLERR | POLLHUP))) {
      ssize_t w = write(in_fd, input.data() + in_off, input.size() - in_off);
      if (w > 0) in_off += static_cast<size_t>(w);
      if ((w < 0 && errno != EAGAIN && errno != EINTR) || in_off == input.size()) {
        close(in_fd);
        in_fd = -1;
      }
    }
    // pidfd_open may fail on old kernels: then poll the exit every 100 ms.
    if (pidfd < 0 || (fds[0].revents & POLLIN)) {
      if (waitpid(pid, &status, WNOHANG) == pid) exited = true;
    }
  }
  if (!exited) {
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
  }
  // A detached container may still hold the pipes: take what is buffered, do not wait for EOF.
  if (out_fd >= 0) drain(out_fd, result.out);
  if (err_fd >= 0) drain(err_fd, result.err);
  for (int fd : {out_fd, err_fd, in_fd, pidfd}) {
    if (fd >= 0) close(fd);
  }
  if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) result.exit_code = 128 + WTERMSIG(status);
  return result;
}

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
  write_file(r + "/etc/passwd",
             "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/sh\n");
  write_file(r + "/etc/group", "root:x:0:\nnogroup:x:65534:\n");
  if (!write_file(config_path(), default_spec())) {
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

std::string Bundle::config() const { return read_file(config_path()); }

void Bundle::set_config(const std::string& json) const {
  if (!write_file(config_path(), json)) ADD_FAILURE() << "writing " << config_path();
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

RunResult Hull::operator()(const std::vector<std::string>& args,
                           std::chrono::milliseconds timeout, const std::string& input) const {
  std::vector<std::string> argv = {hull_binary(), "--root", root()};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_command(argv, timeout, input);
}

std::set<std::string> mount_points() {
  std::set<std::string> out;
  for (const auto& m : read_mountinfo()) out.insert(m.mount_point);
  return out;
}

std::set<std::string> cgroup_dirs(const std::string& under) {
  std::set<std::string> out;
  std::set<std::string> roots;
  for (const auto& m : read_mountinfo()) {
    if (m.fstype == "cgroup" || m.fstype == "cgroup2") roots.insert(m.mount_point);
  }
  for (const auto& root : roots) {
    std::string top = root + "/" + under;
    std::error_code ec;
    if (!fs::is_directory(top, ec)) continue;
    out.insert(top);
    for (auto it = fs::recursive_directory_iterator(top, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
      if (it->is_directory(ec) && !it->is_symlink(ec)) out.insert(it->path().string());
    }
  }
  return out;
}

int open_fd_count() {
  int n = 0;
  std::error_code ec;
  for (auto it = fs::directory_iterator("/proc/self/fd", ec);
       !ec && it != fs::directory_iterator(); it.increment(ec)) {
    ++n;
  }
  return n - 1;  // the iterator's own descriptor
}

}  // namespace hull::testing

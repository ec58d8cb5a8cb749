#include "tests/lifecycle/util.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include <simdjson.h>

namespace hull::testing {
namespace fs = std::filesystem;

namespace {

std::optional<simdjson::dom::element> lookup(simdjson::dom::parser& parser, const std::string& json,
                                             const std::string& pointer) {
  simdjson::padded_string padded(json);
  simdjson::dom::element root;
  if (parser.parse(padded).get(root) != simdjson::SUCCESS) return std::nullopt;
  simdjson::dom::element e;
  if (root.at_pointer(pointer).get(e) != simdjson::SUCCESS) return std::nullopt;
  return e;
}

}  // namespace

std::optional<std::string> json_at(const std::string& json, const std::string& pointer) {
  simdjson::dom::parser parser;
  auto e = lookup(parser, json, pointer);
  if (!e) return std::nullopt;
  std::string_view sv;
  if (e->get(sv) == simdjson::SUCCESS) return std::string(sv);
  return simdjson::minify(*e);
}

std::optional<size_t> json_array_size(const std::string& json, const std::string& pointer) {
  simdjson::dom::parser parser;
  auto e = lookup(parser, json, pointer);
  if (!e) return std::nullopt;
  simdjson::dom::array a;
  if (e->get(a) != simdjson::SUCCESS) return std::nullopt;
  return a.size();
}

std::string unique_id(const std::string& name) { return name + "-" + std::to_string(getpid()); }

std::string status_of(const Hull& hull, const std::string& id) {
  RunResult r = hull({"state", id});
  if (r.exit_code != 0) return "";
  return json_at(r.out, "/status").value_or("");
}

std::string wait_for_status(const Hull& hull, const std::string& id, const std::string& want,
                            std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  std::string s;
  do {
    s = status_of(hull, id);
    if (s == want) return s;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  } while (std::chrono::steady_clock::now() < deadline);
  return s;
}

bool wait_for_file(const std::string& path, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!fs::exists(path)) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

bool write_text(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  return !out.fail();
}

std::vector<std::string> mounts_under(const std::string& needle) {
  std::vector<std::string> out;
  for (const auto& m : mount_points()) {
    if (m.find(needle) != std::string::npos) out.push_back(m);
  }
  return out;
}

std::vector<pid_t> pids_with_cmdline(const std::string& needle) {
  std::vector<pid_t> out;
  std::error_code ec;
  for (auto it = fs::directory_iterator("/proc", ec); !ec && it != fs::directory_iterator();
       it.increment(ec)) {
    std::string name = it->path().filename().string();
    if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::string cmd = read_text(it->path().string() + "/cmdline");
    for (char& c : cmd) {
      if (c == '\0') c = ' ';
    }
    // Zombies have an empty cmdline and hold nothing.
    if (cmd.find(needle) != std::string::npos) out.push_back(static_cast<pid_t>(std::stoi(name)));
  }
  return out;
}

std::vector<std::string> cgroup_dirs_of(const std::string& id) {
  std::vector<std::string> out;
  std::string tail = "/hull/" + id;
  for (const auto& d : cgroup_dirs()) {
    // Only the host's hierarchies: criu mounts short-lived copies elsewhere.
    if (d.rfind("/sys/fs/cgroup/", 0) != 0) continue;
    size_t at = d.find(tail);
    if (at == std::string::npos) continue;
    size_t end = at + tail.size();
    if (end == d.size() || d[end] == '/') out.push_back(d);
  }
  return out;
}

Spawned::Spawned(const std::vector<std::string>& argv, const std::vector<int>& keep) {
  // Everything is prepared before fork: the test may be multithreaded.
  std::vector<std::string> copy = argv;
  std::vector<char*> args;
  for (auto& s : copy) args.push_back(s.data());
  args.push_back(nullptr);
  int in = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  int out = ::open((m_tmp.path() + "/out").c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
  int err = ::open((m_tmp.path() + "/err").c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
  m_pid = ::fork();
  if (m_pid == 0) {
    // Move kept fds out of the way first so that dup2 to 3.. cannot clobber one of them.
    int high[16];
    size_t n = keep.size() < 16 ? keep.size() : 16;
    for (size_t i = 0; i < n; ++i) high[i] = ::fcntl(keep[i], F_DUPFD_CLOEXEC, 200);
    ::dup2(in, 0);
    ::dup2(out, 1);
    ::dup2(err, 2);
    for (size_t i = 0; i < n; ++i) ::dup2(high[i], 3 + static_cast<int>(i));
    ::syscall(SYS_close_range, 3U + static_cast<unsigned>(n), ~0U, 0U);
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  for (int fd : {in, out, err}) ::close(fd);
}

Spawned::~Spawned() {
  if (m_pid > 0 && !m_code) {
    ::kill(m_pid, SIGKILL);
    int st;
    while (::waitpid(m_pid, &st, 0) < 0 && errno == EINTR) {
    }
  }
}

std::optional<int> Spawned::wait(std::chrono::milliseconds timeout) {
  if (m_code || m_pid <= 0) return m_code;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    int st = 0;
    pid_t r = ::waitpid(m_pid, &st, WNOHANG);
    if (r == m_pid) {
      m_code = WIFSIGNALED(st) ? 128 + WTERMSIG(st) : WEXITSTATUS(st);
      return m_code;
    }
    if (r < 0 && errno != EINTR) return std::nullopt;
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

void Spawned::kill(int sig) {
  if (m_pid > 0 && !m_code) ::kill(m_pid, sig);
}

}  // namespace hull::testing

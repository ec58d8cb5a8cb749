#include "container/container.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>

#include "container/cgroups/cgroups.h"
#include "container/internal/cgroup_manager.h"
#include "container/internal/operation.h"
#include "container/internal/pid_file.h"
#include "sys/file.h"

namespace hull::container {

using base::Error;
using base::fail;

Result<> validate_id(const std::string& id) {
  auto bad = [&](std::string_view why) {
    return fail(Error::invalid(fmt::format("invalid container id \"{}\": {}", id, why)));
  };
  if (id.empty()) return bad("empty");
  if (id.size() > 1024) return bad("longer than 1024 bytes");
  if (id == "." || id == "..") return bad("reserved name");
  auto ok_first = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; };
  auto ok_rest = [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '+' || c == '-' ||
           c == '.';
  };
  if (!ok_first(id[0])) return bad("must start with a letter or digit");
  if (!std::all_of(id.begin(), id.end(), ok_rest)) return bad("only [A-Za-z0-9_+.-] allowed");
  return {};
}

namespace {

// runc's ErrNotExist text: containerd's shim and podman look for "does not exist", Docker for
// "container does not exist", to treat the container as gone.
Error not_found(const std::string& id) {
  return Error::not_found("container does not exist").context(fmt::format("container \"{}\"", id));
}

}  // namespace

Container::~Container() = default;

Container Container::adopt(std::string root, StateDir dir, State state,
                           std::unique_ptr<Config> config, sys::ChildProcess init) {
  Container c;
  c.m_root = std::move(root);
  c.m_state = std::move(state);
  c.m_config = std::move(config);
  c.m_dir_fd = std::move(dir).keep();
  c.m_init = std::move(init);
  return c;
}

std::string Container::dir() const { return m_root + "/" + m_state.id; }

Result<Container> Container::load(const std::string& root, const std::string& id) {
  TRY(validate_id(id));
  std::string dir = root + "/" + id;
  auto fd = sys::open(dir, O_RDONLY | O_DIRECTORY);
  if (!fd.has_value()) {
    if (fd.error().errno_code() == ENOENT) return fail(not_found(id));
    return fail(std::move(fd).error());
  }
  TRY(sys::flock(*fd, LOCK_EX, dir));
  // The container may have been deleted while we waited for the lock.
  auto text = sys::read_file_at(*fd, "state.json");
  if (!text.has_value()) {
    if (text.error().errno_code() == ENOENT) return fail(not_found(id));
    return fail(std::move(text).error());
  }
  Container c;
  c.m_root = root;
  c.m_state = TRY(parse_state(*text).map_error(base::context(dir + "/state.json")));
  auto cfg = parse_config(c.m_state.config_json);
  if (!cfg.has_value()) return fail(std::move(cfg).error().context(dir + "/state.json: .config"));
  c.m_config = std::make_unique<Config>(std::move(*cfg));
  c.m_dir_fd = std::move(*fd);
  return c;
}

Result<std::vector<std::string>> Container::list(const std::string& root) {
  auto names = sys::list_dir(root);
  if (!names.has_value()) {
    if (names.error().errno_code() == ENOENT) return std::vector<std::string>{};
    return fail(std::move(names).error());
  }
  std::vector<std::string> out;
  for (auto& n : *names)
    if (validate_id(n).has_value() && sys::exists(root + "/" + n + "/state.json"))
      out.push_back(std::move(n));
  std::sort(out.begin(), out.end());
  return out;
}

Result<Status> Container::status() const {
  pid_t pid = m_state.init_pid;
  if (pid <= 0) return Status::Stopped;
  auto start = sys::process_start_time(pid);
  if (!start.has_value() || *start != m_state.init_start_time) return Status::Stopped;
  auto state = sys::process_state(pid);
  if (!state.has_value() || *state == 'Z' || *state == 'X') return Status::Stopped;
  if (is_paused()) return Status::Paused;
  if (sys::exists(dir() + "/exec.sock")) return Status::Created;
  return Status::Running;
}

Result<std::string> Container::oci_state(bool indent) const {
  return in_operation("state", id(), [&]() -> Result<std::string> {
    Status s = TRY(status());
    return oci_state_json(m_state, s, indent);
  });
}

Result<> Container::require_status(std::initializer_list<Status> allowed,
                                   std::string_view runc_text) const {
  Status s = TRY(status());
  for (Status a : allowed)
    if (a == s) return {};
  if (!runc_text.empty())
    return fail(Error::invalid_state(fmt::format("{} (it is {})", runc_text, status_name(s))));
  std::string want;
  for (Status a : allowed) {
    if (!want.empty()) want += " or ";
    want += status_name(a);
  }
  return fail(Error::invalid_state(fmt::format("container is {}, not {}", status_name(s), want)));
}

Result<> Container::report_pid(const std::string& pid_file) {
  if (pid_file.empty()) return {};
  auto written = write_pid_file(pid_file, m_state.init_pid);
  if (!written.has_value()) (void)destroy(true);
  return written;
}

Result<std::vector<pid_t>> Container::processes() const {
  return in_operation("ps", id(), [&] { return cgroup_pids(); });
}

Result<std::vector<pid_t>> Container::cgroup_pids() const {
  if (m_state.cgroup_paths.empty()) return std::vector<pid_t>{};
  auto cg = TRY(load_cgroup_manager(m_state));
  auto pids = cg->pids();
  if (!pids.has_value()) {
    if (pids.error().errno_code() == ENOENT) return std::vector<pid_t>{};
    return fail(std::move(pids).error());
  }
  std::sort(pids->begin(), pids->end());
  return std::move(*pids);
}

}  // namespace hull::container

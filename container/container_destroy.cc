// Container::destroy: `hull delete`; destroy_unreadable: `delete --force` of a container whose
// state.json cannot be read.
#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>

#include <cerrno>
#include <chrono>
#include <optional>
#include <thread>

#include "base/log.h"
#include "container/cgroups/cgroups.h"
#include "container/container.h"
#include "container/hooks.h"
#include "container/internal/cgroup_manager.h"
#include "container/internal/operation.h"
#include "sys/file.h"
#include "sys/process.h"

namespace hull::container {

using base::Error;
using base::fail;

namespace {

// SIGKILL to `pid` if it still is the process that started at `start_time` (defeats pid reuse);
// its pidfd, to wait on: a cgroup cannot be removed while it has tasks.
std::optional<sys::UniqueFd> signal_init(pid_t pid, uint64_t start_time) {
  auto fd = sys::pidfd_open(pid);
  if (!fd.has_value()) return std::nullopt;
  auto start = sys::process_start_time(pid);
  if (!start.has_value() || *start != start_time) return std::nullopt;
  (void)sys::pidfd_send_signal(*fd, SIGKILL);
  return std::move(*fd);
}

// Kills every process left in the cgroup (stragglers that escaped init's pid namespace teardown,
// or all of them when init is unknown), a few rounds against forks in flight, then removes it.
Result<> kill_and_remove(cgroups::Manager& cg) {
  // Frozen tasks do not act on SIGKILL until thawed.
  if (auto st = cg.freezer_state(); st.has_value() && *st != cgroups::FreezerState::Thawed)
    (void)cg.thaw();
  // cgroup.kill where the kernel has it: the whole cgroup at once, tasks forked meanwhile
  // included (a fork bomb outruns listing and killing). The rounds below then find nothing.
  (void)cg.kill_all();
  for (int round = 0; round < 10; ++round) {
    auto pids = cg.pids();
    if (!pids.has_value() || pids->empty()) break;
    for (pid_t p : *pids)
      if (auto pfd = sys::pidfd_open(p); pfd.has_value())
        (void)sys::pidfd_send_signal(*pfd, SIGKILL);
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return cg.destroy();
}

}  // namespace

Result<> Container::destroy(bool force) {
  return in_operation("delete", id(), [&] { return remove_container(force); });
}

Result<> Container::destroy_unreadable(const std::string& root, const std::string& id) {
  return in_operation("delete", id, [&] { return remove_unreadable(root, id); });
}

Result<> Container::remove_container(bool force) {
  Status s = TRY(status());
  if (s == Status::Running || s == Status::Paused) {
    // runc's words.
    if (!force)
      return fail(Error::invalid_state(fmt::format(
          "cannot delete container {} that is not stopped: {}", m_state.id, status_name(s))));
  }
  if (s != Status::Stopped) {
    // Created containers are killed without --force, as runc does.
    auto init = signal_init(m_state.init_pid, m_state.init_start_time);
    if (s == Status::Paused) (void)resume();
    if (init) (void)sys::pidfd_exited(*init, 5000);  // bounded
  }
  if (!m_state.cgroup_paths.empty()) {
    auto cg = TRY(load_cgroup_manager(m_state));
    TRY(kill_and_remove(*cg));
  }
  if (m_config->hooks && !m_config->hooks->poststop.empty()) {
    auto r = run_hooks_in(m_state.bundle, "poststop", m_config->hooks->poststop,
                          oci_state_json(m_state, Status::Stopped, false));
    if (!r.has_value()) HULL_LOG_WARN("{}", r.error().message());
  }
  TRY(sys::remove_tree(dir()));
  return {};
}

Result<> Container::remove_unreadable(const std::string& root, const std::string& id) {
  TRY(validate_id(id));
  std::string dir = root + "/" + id;
  auto fd = sys::open(dir, O_RDONLY | O_DIRECTORY);
  if (!fd.has_value()) {
    if (fd.error().errno_code() == ENOENT) return {};  // deleted meanwhile
    return fail(std::move(fd).error());
  }
  TRY(sys::flock(*fd, LOCK_EX, dir));
  auto text = sys::read_file_at(*fd, "state.json");
  if (!text.has_value() && text.error().errno_code() != ENOENT)
    return fail(std::move(text).error());
  // state.json may parse while the config in it does not: then its cgroups and init are known.
  auto state = text.has_value() ? parse_state(*text) : Result<State>(State{});
  std::unique_ptr<cgroups::Manager> cg;
  std::optional<sys::UniqueFd> init;
  if (state.has_value()) {
    init = signal_init(state->init_pid, state->init_start_time);
    if (!state->cgroup_paths.empty())
      cg = TRY(cgroups::Manager::load(cgroups::CgroupPaths{state->cgroup_paths}));
  } else {
    // Only the default cgroup (/hull/<id> in every hierarchy) can be found without state.json.
    HULL_LOG_WARN(
        "{}/state.json is unreadable ({}): removing the default cgroup of {} and its processes; a "
        "container placed by linux.cgroupsPath keeps its cgroup and processes, which hull cannot "
        "find without its state",
        dir, state.error().message(), id);
    cg = TRY(cgroups::Manager::create("", id));
  }
  // kill_and_remove thaws first: a paused init goes only then.
  if (cg) TRY(kill_and_remove(*cg).map_error(base::context("removing the cgroup of " + id)));
  if (init) (void)sys::pidfd_exited(*init, 5000);  // bounded
  TRY(sys::remove_tree(dir));
  return {};
}

}  // namespace hull::container

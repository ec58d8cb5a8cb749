#include "container/launcher.h"

#include <fcntl.h>
#include <sys/mman.h>

#include <atomic>
#include <mutex>
#include <span>

#include "base/log.h"
#include "base/wire.h"
#include "container/container.h"
#include "container/init/protocol.h"
#include "container/security/sealed_exe.h"
#include "sys/file.h"
#include "sys/security.h"
#include "sys/socket.h"

// The hull-init program, linked in by //container/init:program (bazel/embed.bzl).
extern "C" const unsigned char hull_init_program[];
extern "C" const unsigned long hull_init_program_size;

namespace hull::container {

using base::Error;
using base::fail;
using base::Result;

namespace {

std::atomic<bool> g_own_executable{false};

// hull-init as this process executes it, made on first use and kept for the life of the
// process: a view of our own file when it carries hull-init, else the sealed copy.
Result<int> init_program(const std::string& spare_dir) {
  static std::mutex mu;
  static sys::UniqueFd fd;
  std::lock_guard<std::mutex> lock(mu);
  if (!fd && g_own_executable.load() && !spare_dir.empty()) {
    auto view = security::overlay_view("/proc/self/exe", spare_dir);
    if (view.has_value())
      fd = std::move(*view);
    else
      HULL_LOG_DEBUG("hull-init from a sealed copy instead: {}", view.error().message());
  }
  if (!fd) {
    fd = TRY(security::sealed_memfd(
        kInitProgramName,
        std::span<const unsigned char>(hull_init_program, hull_init_program_size)));
  }
  return fd.get();
}

// The plan, in a memfd of its own: it may be larger than a socket buffer.
Result<sys::UniqueFd> plan_file(const InitPlan& plan) {
  sys::UniqueFd mem = TRY(sys::memfd_create("hull-init-plan", 0));
  TRY(sys::write_all(mem, base::wire::encode(plan), "init plan"));
  return mem;
}

}  // namespace

void use_own_executable_for_init() { g_own_executable.store(true); }

Error init_error(std::string_view payload) {
  auto rec = base::wire::decode<base::ErrorRecord>(payload);
  if (!rec.has_value()) return std::move(rec).error().context("an error record from hull-init");
  return Error::from_record(std::move(*rec));
}

Result<std::string> await_init(sys::FdRef sync, char type, std::string_view what,
                               const std::function<Result<>(sys::UniqueFd)>& on_seccomp_fd) {
  for (;;) {
    auto msg = TRY(sys::recv_with_fds(sync, 1 << 16, "init sync socket"));
    if (msg.data.empty()) {
      if (type == 0) return std::string();
      return fail(Error::make(base::ErrorKind::Child,
                              fmt::format("container init exited before {}", what)));
    }
    if (msg.data[0] == kMsgError) return fail(init_error(std::string_view(msg.data).substr(1)));
    if (msg.data[0] == kMsgSeccompFd && on_seccomp_fd) {
      if (msg.fds.empty())
        return fail(Error::protocol("init sync socket: seccomp record without an fd"));
      TRY(on_seccomp_fd(std::move(msg.fds[0])));
      continue;
    }
    if (msg.data[0] != type)
      return fail(
          Error::protocol(fmt::format("init sync socket: unexpected record '{}'", msg.data[0])));
    return msg.data.substr(1);
  }
}

Result<sys::ChildProcess> start_init(InitLaunch& l) {
  int exe = TRY(init_program(l.spare_dir));
  InitPlan& plan = l.plan;
  // The table: stdio and the preserved fds in place, then ours.
  std::vector<int> table;
  for (int fd = 0; fd < 3 + plan.preserve_fds; ++fd) table.push_back(fd);
  auto slot = [&](int fd) -> int32_t {
    if (fd < 0) return -1;
    table.push_back(fd);
    return static_cast<int32_t>(table.size() - 1);
  };
  const int plan_slot = static_cast<int>(table.size());
  table.push_back(-1);  // the plan memfd, below
  plan.sync_fd = slot(l.sync_fd);
  plan.exec_listener_fd = slot(l.exec_listener_fd);
  plan.console_fd = slot(l.console_fd);
  plan.exec_pidfd = slot(l.exec_pidfd);
  plan.cgroup_tasks_fds.clear();
  for (int fd : l.cgroup_tasks_fds) plan.cgroup_tasks_fds.push_back(slot(fd));
  const base::LogConfig& log = base::log_config();
  plan.log_fd = log.fd == 2 ? 2 : slot(log.fd);
  plan.log_json = log.format == base::LogFormat::Json;
  plan.log_debug = log.min_level == base::LogLevel::Debug;
  sys::UniqueFd plan_fd = TRY(plan_file(plan));
  table[static_cast<size_t>(plan_slot)] = plan_fd.get();

  // Prepared before clone: the child only copies descriptors and executes.
  std::string name = kInitProgramName, plan_arg = std::to_string(plan_slot);
  char* argv[] = {name.data(), plan_arg.data(), nullptr};
  char* envp[] = {nullptr};
  std::vector<int> scratch(table.size());
  nsexec::LaunchRequest req;
  req.image.exe_fd = exe;
  req.image.argv = argv;
  req.image.envp = envp;
  req.image.fds = table;
  req.image.scratch = scratch;
  req.clone_flags = l.clone_flags;
  req.cgroup_fd = l.cgroup_fd;
  req.joins = l.joins;
  req.time_offsets = l.time_offsets;
  req.affinity = l.affinity;
  if (l.in_user_namespace) req.keep_caps_last = plan.prepared.last_cap;
  return nsexec::launch(req).map_error(base::context("starting hull-init"));
}

}  // namespace hull::container

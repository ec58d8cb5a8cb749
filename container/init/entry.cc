#include "container/init/entry.h"

#include <sys/prctl.h>

#include <charconv>
#include <cstdio>
#include <string_view>

#include "base/log.h"
#include "base/wire.h"
#include "container/init/init.h"
#include "container/init/protocol.h"
#include "sys/file.h"
#include "sys/ns.h"
#include "sys/process.h"

namespace hull::container {
namespace {

base::Result<InitPlan> read_plan(std::string_view arg) {
  int fd = -1;
  auto [end, ec] = std::from_chars(arg.data(), arg.data() + arg.size(), fd);
  if (ec != std::errc() || end != arg.data() + arg.size() || fd < 3)
    return base::fail(
        base::Error::invalid(fmt::format("hull-init: bad plan descriptor \"{}\"", arg)));
  sys::UniqueFd plan_fd(fd);
  std::string bytes = TRY(sys::pread_all(plan_fd, "init plan"));
  return base::wire::decode<InitPlan>(bytes);
}

}  // namespace

bool is_init_invocation(int argc, char** argv) {
  return argc >= 1 && argv[0] != nullptr && std::string_view(argv[0]) == kInitProgramName;
}

int init_entry(int argc, char** argv) {
  if (argc != 2) {
    std::fputs("hull-init: started by hull only (hull-init PLAN_FD)\n", stderr);
    return 2;
  }
  auto plan = read_plan(argv[1]);
  if (!plan.has_value()) {
    // No plan, no sync socket: the parent sees init exit before it was ready.
    fmt::print(stderr, "hull-init: {}\n", plan.error().message());
    return 1;
  }
  base::LogConfig log;
  log.fd = plan->log_fd;
  log.format = plan->log_json ? base::LogFormat::Json : base::LogFormat::Text;
  log.min_level = plan->log_debug ? base::LogLevel::Debug : base::LogLevel::Warn;
  base::set_log_config(log);
  // Signals the caller ignored stay ignored across exec: the container's process starts with
  // every disposition at its default, as runc gives it.
  sys::reset_ignored_signals();
  // Executed from a descriptor, the process would show as its number in ps.
  (void)sys::prctl(PR_SET_NAME, reinterpret_cast<unsigned long>(kInitProgramName), "PR_SET_NAME");
  InitContext ctx;
  ctx.plan = std::move(*plan);
  init_main(ctx);
}

}  // namespace hull::container

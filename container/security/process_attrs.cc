#include "container/security/process_attrs.h"

#include <sys/personality.h>

#include <array>
#include <string_view>
#include <utility>

namespace hull::container::security {

using base::Error;
using base::fail;

namespace {

// include/uapi/linux/sched.h: policies and sched_attr flags.
constexpr std::array<std::pair<std::string_view, uint32_t>, 7> kPolicies = {{
    {"SCHED_OTHER", 0},
    {"SCHED_FIFO", 1},
    {"SCHED_RR", 2},
    {"SCHED_BATCH", 3},
    {"SCHED_ISO", 4},
    {"SCHED_IDLE", 5},
    {"SCHED_DEADLINE", 6},
}};
constexpr std::array<std::pair<std::string_view, uint64_t>, 7> kSchedFlags = {{
    {"SCHED_FLAG_RESET_ON_FORK", 0x01},
    {"SCHED_FLAG_RECLAIM", 0x02},
    {"SCHED_FLAG_DL_OVERRUN", 0x04},
    {"SCHED_FLAG_KEEP_POLICY", 0x08},
    {"SCHED_FLAG_KEEP_PARAMS", 0x10},
    {"SCHED_FLAG_UTIL_CLAMP_MIN", 0x20},
    {"SCHED_FLAG_UTIL_CLAMP_MAX", 0x40},
}};
constexpr int kIoprioClassShift = 13;  // include/uapi/linux/ioprio.h
constexpr int kIoprioWhoProcess = 1;   // IOPRIO_WHO_PROCESS

template <typename Table>
auto lookup(const Table& table, std::string_view name) -> std::optional<decltype(table[0].second)> {
  for (const auto& [n, v] : table)
    if (n == name) return v;
  return std::nullopt;
}

}  // namespace

Result<unsigned long> prepare_personality(const Personality& p) {
  if (!p.flags.empty())
    return fail(Error::invalid(
        fmt::format(".linux.personality.flags[0]: unsupported flag \"{}\"", p.flags[0])));
  if (p.domain == "LINUX") return static_cast<unsigned long>(PER_LINUX);
  if (p.domain == "LINUX32") return static_cast<unsigned long>(PER_LINUX32);
  return fail(Error::invalid(fmt::format(
      ".linux.personality.domain: unknown domain \"{}\" (LINUX or LINUX32)", p.domain)));
}

Result<> apply_personality(unsigned long persona) { return sys::personality(persona); }

Result<sys::SchedAttr> prepare_scheduler(const Scheduler& s) {
  constexpr std::string_view kPath = ".process.scheduler";
  auto policy = lookup(kPolicies, s.policy);
  if (!policy)
    return fail(Error::invalid(
        s.policy.empty() ? fmt::format("{}.policy: required", kPath)
                         : fmt::format("{}.policy: unknown policy \"{}\"", kPath, s.policy)));
  sys::SchedAttr attr;
  attr.policy = *policy;
  for (size_t i = 0; i < s.flags.size(); ++i) {
    auto flag = lookup(kSchedFlags, s.flags[i]);
    if (!flag)
      return fail(
          Error::invalid(fmt::format("{}.flags[{}]: unknown flag \"{}\"", kPath, i, s.flags[i])));
    attr.flags |= *flag;
  }
  const int32_t nice = s.nice.value_or(0);
  if ((s.policy == "SCHED_OTHER" || s.policy == "SCHED_BATCH") && (nice < -20 || nice > 19))
    return fail(Error::invalid(
        fmt::format("{}.nice: {} out of range (-20..19) for {}", kPath, nice, s.policy)));
  attr.nice = nice;
  const int32_t priority = s.priority.value_or(0);
  if (priority != 0 && s.policy != "SCHED_FIFO" && s.policy != "SCHED_RR")
    return fail(Error::invalid(
        fmt::format("{}.priority: only SCHED_FIFO and SCHED_RR take a priority", kPath)));
  if (priority < 0)
    return fail(Error::invalid(fmt::format("{}.priority: {} is negative", kPath, priority)));
  attr.priority = static_cast<uint32_t>(priority);
  attr.runtime = s.runtime.value_or(0);
  attr.deadline = s.deadline.value_or(0);
  attr.period = s.period.value_or(0);
  if (s.policy != "SCHED_DEADLINE" && (attr.runtime || attr.deadline || attr.period))
    return fail(Error::invalid(
        fmt::format("{}: runtime, deadline and period are only for SCHED_DEADLINE", kPath)));
  return attr;
}

Result<> apply_scheduler(const sys::SchedAttr& attr) { return sys::sched_setattr(0, attr); }

Result<int> prepare_io_priority(const IoPriority& p) {
  int cls = 0;
  if (p.io_class == "IOPRIO_CLASS_RT") {
    cls = 1;
  } else if (p.io_class == "IOPRIO_CLASS_BE") {
    cls = 2;
  } else if (p.io_class == "IOPRIO_CLASS_IDLE") {
    cls = 3;
  } else {
    return fail(
        Error::invalid(fmt::format(".process.ioPriority.class: unknown class \"{}\"", p.io_class)));
  }
  if (p.priority < 0 || p.priority > 7)
    return fail(Error::invalid(
        fmt::format(".process.ioPriority.priority: {} out of range (0..7)", p.priority)));
  return (cls << kIoprioClassShift) | p.priority;
}

Result<> apply_io_priority(int ioprio) { return sys::ioprio_set(kIoprioWhoProcess, 0, ioprio); }

Result<std::string> prepare_oom_score_adj(int32_t value) {
  if (value < -1000 || value > 1000)
    return fail(
        Error::invalid(fmt::format(".process.oomScoreAdj: {} out of range (-1000..1000)", value)));
  return std::to_string(value);
}

Result<> apply_no_new_privileges(bool enabled) {
  if (!enabled) return {};
  return sys::set_no_new_privs();
}

}  // namespace hull::container::security

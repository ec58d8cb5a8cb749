// Small per-process settings, each a pure prepare step (parent: names → numbers, validation with
// the JSON path) and an apply step for the init child that allocates nothing on success.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "base/result.h"
#include "container/config.h"
#include "sys/security.h"

namespace hull::container::security {

using base::Result;

// linux.personality: domain "LINUX" (PER_LINUX) or "LINUX32" (PER_LINUX32). No flags are defined
// by the spec; any flag is an error.
Result<unsigned long> prepare_personality(const Personality& p);
Result<> apply_personality(unsigned long persona);

// process.scheduler, validated like runc: policy SCHED_OTHER|FIFO|RR|BATCH|ISO|IDLE|DEADLINE;
// flags SCHED_FLAG_RESET_ON_FORK|RECLAIM|DL_OVERRUN|KEEP_POLICY|KEEP_PARAMS|UTIL_CLAMP_MIN|
// UTIL_CLAMP_MAX; nice in -20..19 for OTHER and BATCH; priority only for FIFO and RR;
// runtime/deadline/period only for DEADLINE.
Result<sys::SchedAttr> prepare_scheduler(const Scheduler& s);
// sched_setattr(0, attr): the calling thread.
Result<> apply_scheduler(const sys::SchedAttr& attr);

// process.ioPriority: class IOPRIO_CLASS_RT|BE|IDLE, priority 0..7 → (class << 13) | priority.
Result<int> prepare_io_priority(const IoPriority& p);
// ioprio_set(IOPRIO_WHO_PROCESS, 0, ioprio).
Result<> apply_io_priority(int ioprio);

// process.oomScoreAdj: -1000..1000 → the decimal text to write to /proc/<pid>/oom_score_adj
// (through a procfs fd the caller has verified).
Result<std::string> prepare_oom_score_adj(int32_t value);

// PR_SET_NO_NEW_PRIVS via prctl when `enabled`; nothing otherwise.
Result<> apply_no_new_privileges(bool enabled);

}  // namespace hull::container::security

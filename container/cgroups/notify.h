// EventNotifier: an owned fd that becomes ready when a cgroup event happens (OOM kill, memory
// pressure). Poll fd() for poll_events(), then call consume().
//
//   auto oom = TRY(mgr->notify_oom());
//   poll({oom.fd().get(), oom.poll_events()}) ... ; uint64_t kills = TRY(oom.consume());
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "base/result.h"
#include "container/cgroups/cgroup_dir.h"
#include "sys/unique_fd.h"

namespace hull::container::cgroups {

using base::Result;

enum class PressureLevel { Low, Medium, Critical };
// "low", "medium", "critical" (cgroup v1 memory.pressure_level names).
std::string_view pressure_level_name(PressureLevel level);
// The PSI trigger written to a v2 memory.pressure file for `level`. Windows are multiples of 2 s:
// without CAP_SYS_RESOURCE the kernel accepts nothing else.
std::string psi_trigger(PressureLevel level);

class EventNotifier {
 public:
  enum class Kind {
    EventFd,       // v1: eventfd registered in cgroup.event_control; read() gives the count
    MemoryEvents,  // v2: inotify on memory.events; counts growth of the "oom_kill" counter
    Psi,           // v2: PSI trigger fd; POLLPRI per event
  };

  // v1: `event` is the eventfd, `target` the watched control file (kept open while registered).
  static EventNotifier eventfd(sys::UniqueFd event, sys::UniqueFd target);
  // v2 OOM: `inotify` watches memory.events of `dir`; `oom_kills` is the counter when created.
  static EventNotifier memory_events(sys::UniqueFd inotify, CgroupDir dir, uint64_t oom_kills);
  static EventNotifier psi(sys::UniqueFd trigger);

  EventNotifier(EventNotifier&&) = default;
  EventNotifier& operator=(EventNotifier&&) = default;

  Kind kind() const { return m_kind; }
  sys::FdRef fd() const { return m_fd; }
  // POLLIN, or POLLPRI for PSI triggers.
  short poll_events() const;
  // After fd() was ready: how many events happened since the last call. 0 means a wakeup that
  // was not this event (v2 memory.events also changes for "high"/"max"). Non-blocking.
  Result<uint64_t> consume();

 private:
  EventNotifier(Kind kind, sys::UniqueFd fd) : m_kind(kind), m_fd(std::move(fd)) {}

  Kind m_kind;
  sys::UniqueFd m_fd;
  sys::UniqueFd m_target;
  std::optional<CgroupDir> m_dir;
  uint64_t m_count = 0;
};

// The "key value" lines of a flat-keyed cgroup file (memory.events, cpu.stat, memory.stat).
std::map<std::string, uint64_t> parse_flat_keyed(std::string_view text);

}  // namespace hull::container::cgroups

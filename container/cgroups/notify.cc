#include "container/cgroups/notify.h"

#include <poll.h>

#include <cerrno>

#include "base/strings.h"
#include "sys/eventfd.h"
#include "sys/inotify.h"

namespace hull::container::cgroups {

std::string_view pressure_level_name(PressureLevel level) {
  switch (level) {
    case PressureLevel::Low: return "low";
    case PressureLevel::Medium: return "medium";
    case PressureLevel::Critical: return "critical";
  }
  return "low";
}

std::string psi_trigger(PressureLevel level) {
  // <some|full> <stall us> <window us>: low = 5% of tasks stalled some of the time, medium = 20%,
  // critical = 10% of the time all tasks stalled.
  switch (level) {
    case PressureLevel::Low: return "some 100000 2000000";
    case PressureLevel::Medium: return "some 400000 2000000";
    case PressureLevel::Critical: return "full 200000 2000000";
  }
  return "some 100000 2000000";
}

EventNotifier EventNotifier::eventfd(sys::UniqueFd event, sys::UniqueFd target) {
  EventNotifier n(Kind::EventFd, std::move(event));
  n.m_target = std::move(target);
  return n;
}

EventNotifier EventNotifier::memory_events(sys::UniqueFd inotify, CgroupDir dir,
                                           uint64_t oom_kills) {
  EventNotifier n(Kind::MemoryEvents, std::move(inotify));
  n.m_dir.emplace(std::move(dir));
  n.m_count = oom_kills;
  return n;
}

EventNotifier EventNotifier::psi(sys::UniqueFd trigger) {
  return EventNotifier(Kind::Psi, std::move(trigger));
}

short EventNotifier::poll_events() const { return m_kind == Kind::Psi ? POLLPRI : POLLIN; }

Result<uint64_t> EventNotifier::consume() {
  switch (m_kind) {
    case Kind::EventFd: {
      auto n = sys::eventfd_read(m_fd);
      if (!n.has_value() && n.error().errno_code() == EAGAIN) return uint64_t{0};
      return n;
    }
    case Kind::MemoryEvents: {
      TRY(sys::inotify_drain(m_fd));
      std::string text = TRY(m_dir->read("memory.events"));
      uint64_t now = parse_flat_keyed(text)["oom_kill"];
      uint64_t delta = now > m_count ? now - m_count : 0;
      m_count = now;
      return delta;
    }
    case Kind::Psi: return uint64_t{1};
  }
  return uint64_t{0};
}

std::map<std::string, uint64_t> parse_flat_keyed(std::string_view text) {
  std::map<std::string, uint64_t> out;
  for (std::string_view line : base::split(text, '\n')) {
    size_t sp = line.find(' ');
    if (sp == std::string_view::npos) continue;
    auto v = parse_u64(line.substr(sp + 1), "flat-keyed value");
    if (v.has_value()) out[std::string(line.substr(0, sp))] = *v;
  }
  return out;
}

}  // namespace hull::container::cgroups

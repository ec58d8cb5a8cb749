// Wall-clock time as the runtime writes it (state.json "created", log lines).
#pragma once

#include <ctime>
#include <string>

namespace hull::base {

// `t` as RFC 3339 in UTC with nanoseconds, "2026-12-06T20:35:01.123456789Z" (runc's form).
std::string rfc3339(const struct timespec& t);
// rfc3339 of CLOCK_REALTIME now.
std::string now_rfc3339();

}  // namespace hull::base

#include "base/clock.h"

#include <fmt/format.h>

namespace hull::base {

// Formatted by hand: strftime would load the time zone (/etc/localtime) even for UTC.
std::string rfc3339(const struct timespec& t) {
  struct tm tm {};
  gmtime_r(&t.tv_sec, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:09}Z", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, t.tv_nsec);
}

std::string now_rfc3339() {
  struct timespec ts {};
  clock_gettime(CLOCK_REALTIME, &ts);
  return rfc3339(ts);
}

}  // namespace hull::base

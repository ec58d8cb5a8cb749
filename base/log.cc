#include "base/log.h"

#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <string>

#include "base/clock.h"
#include "base/json_writer.h"

namespace hull::base {
namespace {

LogConfig g_config;

std::string_view level_name(LogLevel level) {
  switch (level) {
    case LogLevel::Debug: return "debug";
    case LogLevel::Info: return "info";
    case LogLevel::Warn: return "warning";
    case LogLevel::Error: return "error";
  }
  return "error";
}

}  // namespace

void set_log_config(const LogConfig& cfg) { g_config = cfg; }
const LogConfig& log_config() { return g_config; }

void log_line(LogLevel level, std::string_view msg) {
  std::string line;
  if (g_config.format == LogFormat::Json) {
    JsonWriter w;
    w.begin_object()
        .field("level", level_name(level))
        .field("msg", msg)
        .field("time", now_rfc3339());
    w.end_object();
    line = w.take();
  } else {
    line = fmt::format("time=\"{}\" level={} msg=", now_rfc3339(), level_name(level));
    json_quote(line, msg);
  }
  line += '\n';
  // One write per line so concurrent writers to an O_APPEND log do not interleave.
  const char* p = line.data();
  size_t left = line.size();
  while (left > 0) {
    ssize_t n = ::write(g_config.fd, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // nowhere left to report a logging failure
    p += n;
    left -= static_cast<size_t>(n);
  }
}

}  // namespace hull::base

// Process-wide logging, configured once by cli/ from --log, --log-format and --debug.
// Lines go to one fd (stderr by default, or the --log file) in runc's shapes:
//   text: time="2026-11-29T04:18:13Z" level=error msg="..."
//   json: {"level":"error","msg":"...","time":"2026-11-29T04:18:13Z"}
// containerd and Docker read the last level=error JSON line of --log to report a failure.
// Library code does not log errors: it returns them, and cli/ reports them once.
#pragma once

#include <fmt/format.h>

#include <string_view>

namespace hull::base {

enum class LogLevel { Debug, Info, Warn, Error };
enum class LogFormat { Text, Json };

struct LogConfig {
  int fd = 2;  // not owned
  LogFormat format = LogFormat::Text;
  LogLevel min_level = LogLevel::Warn;
};

void set_log_config(const LogConfig& cfg);
const LogConfig& log_config();
void log_line(LogLevel level, std::string_view msg);

}  // namespace hull::base

#define HULL_LOG(level, ...)                                       \
  do {                                                             \
    if ((level) >= ::hull::base::log_config().min_level)           \
      ::hull::base::log_line((level), ::fmt::format(__VA_ARGS__)); \
  } while (0)
#define HULL_LOG_DEBUG(...) HULL_LOG(::hull::base::LogLevel::Debug, __VA_ARGS__)
#define HULL_LOG_INFO(...) HULL_LOG(::hull::base::LogLevel::Info, __VA_ARGS__)
#define HULL_LOG_WARN(...) HULL_LOG(::hull::base::LogLevel::Warn, __VA_ARGS__)
#define HULL_LOG_ERROR(...) HULL_LOG(::hull::base::LogLevel::Error, __VA_ARGS__)

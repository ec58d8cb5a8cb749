#include "cli/pid_file.h"

#include "sys/file.h"

namespace hull::cli {

base::Result<std::string> pid_file_flag(const Args& a) {
  std::string path = a.get_or("pid-file", "");
  if (path.empty() || path.front() == '/') return path;
  std::string cwd = TRY(sys::getcwd().map_error(base::context("--pid-file " + path)));
  return cwd + "/" + path;
}

}  // namespace hull::cli

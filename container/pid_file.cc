#include "container/internal/pid_file.h"

#include <fcntl.h>

#include "sys/file.h"

namespace hull::container {

base::Result<> write_pid_file(const std::string& path, pid_t pid) {
  size_t slash = path.rfind('/');
  std::string dir = slash == std::string::npos ? "." : (slash == 0 ? "/" : path.substr(0, slash));
  std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
  auto written = [&]() -> base::Result<> {
    sys::UniqueFd d = TRY(sys::open(dir, O_RDONLY | O_DIRECTORY));
    return sys::write_file_atomic(d, name, std::to_string(pid), 0644);
  }();
  return std::move(written).map_error(base::context("writing pid file " + path));
}

}  // namespace hull::container

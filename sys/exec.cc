#include "sys/exec.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace hull::sys {

using base::Error;
using base::fail;

CStringArray::CStringArray(const std::vector<std::string>& items) {
  m_ptrs.reserve(items.size() + 1);
  for (const auto& s : items) m_ptrs.push_back(s.c_str());
  m_ptrs.push_back(nullptr);
}

Result<> execve(const std::string& path, const std::vector<std::string>& argv,
                const std::vector<std::string>& envp) {
  CStringArray a(argv), e(envp);
  ::execve(path.c_str(), a.get(), e.get());
  return fail(Error::from_errno(errno, "exec", path));
}

namespace {

// Go's error text for an errno, lower case as runc prints it.
std::string lower_strerror(int err) {
  std::string s = strerrordesc_np(err) ? strerrordesc_np(err) : "unknown error";
  if (!s.empty()) s[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(s[0])));
  return s;
}

}  // namespace

Result<std::string> look_path(const std::string& name, const std::string& path_env) {
  if (name.empty()) return fail(Error::invalid("exec: empty command"));
  if (name.find('/') != std::string::npos) {
    struct stat st {};
    if (::stat(name.c_str(), &st) < 0) {
      int err = errno;
      return fail(
          Error::make(base::ErrorKind::NotFound,
                      fmt::format("exec: \"{}\": stat {}: {}", name, name, lower_strerror(err))));
    }
    if (S_ISDIR(st.st_mode) || !(st.st_mode & 0111))
      return fail(Error::make(base::ErrorKind::InvalidArgument,
                              fmt::format("exec: \"{}\": permission denied", name)));
    return name;
  }
  size_t start = 0;
  for (;;) {
    size_t end = path_env.find(':', start);
    std::string dir =
        path_env.substr(start, end == std::string::npos ? std::string::npos : end - start);
    if (dir.empty()) dir = ".";
    std::string candidate = dir + "/" + name;
    struct stat st {};
    if (::stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 0111))
      return candidate;
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return fail(Error::make(base::ErrorKind::NotFound,
                          fmt::format("exec: \"{}\": executable file not found in $PATH", name)));
}

}  // namespace hull::sys

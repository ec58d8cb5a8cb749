// Program execution: execve with prepared argv/envp, and a PATH lookup done the way runc does it
// (inside whatever root the caller is in).
#pragma once

#include <string>
#include <vector>

#include "base/result.h"

namespace hull::sys {

using base::Result;

// NUL-terminated pointer arrays over strings the caller keeps alive.
class CStringArray {
 public:
  explicit CStringArray(const std::vector<std::string>& items);
  char* const* get() const { return const_cast<char* const*>(m_ptrs.data()); }

 private:
  std::vector<const char*> m_ptrs;
};

// execve(2); returns only on failure.
Result<> execve(const std::string& path, const std::vector<std::string>& argv,
                const std::vector<std::string>& envp);
// Resolves `name` like execvp: names with a '/' are checked as given, others searched in
// `path_env` (a $PATH value). Errors use runc's wording, which engines map to exit codes:
//   exec: "x": executable file not found in $PATH
//   exec: "/x": stat /x: no such file or directory
Result<std::string> look_path(const std::string& name, const std::string& path_env);

}  // namespace hull::sys

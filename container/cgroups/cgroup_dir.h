// One open cgroup directory. Every file of the cgroup is read and written relative to its fd
// (openat), so a path is resolved once, at open. Errors name the full file path.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "base/result.h"
#include "sys/unique_fd.h"

namespace hull::container::cgroups {

using base::Result;

class CgroupDir {
 public:
  // Opens an existing cgroup directory (O_RDONLY|O_DIRECTORY). ENOENT when it does not exist.
  static Result<CgroupDir> open(const std::string& path);

  const std::string& path() const { return m_path; }
  sys::FdRef fd() const { return m_fd; }

  // The whole file.
  Result<std::string> read(const std::string& file) const;
  // The file without surrounding whitespace.
  Result<std::string> read_trimmed(const std::string& file) const;
  // A file holding one unsigned number; "max" reads as UINT64_MAX.
  Result<uint64_t> read_u64(const std::string& file) const;
  // One write(2) of `value` (the kernel parses each write on its own).
  Result<> write(const std::string& file, const std::string& value) const;
  bool has(const std::string& file) const;

  // Names of the files (not directories) in the cgroup.
  Result<std::vector<std::string>> files() const;
  // Child cgroup names.
  Result<std::vector<std::string>> children() const;
  // Pids in cgroup.procs of this cgroup only.
  Result<std::vector<pid_t>> procs() const;

 private:
  CgroupDir(std::string path, sys::UniqueFd fd) : m_path(std::move(path)), m_fd(std::move(fd)) {}
  std::string file_path(const std::string& file) const { return m_path + "/" + file; }

  std::string m_path;
  sys::UniqueFd m_fd;
};

// Parses "12345" / "max"; `what` names the file in errors.
Result<uint64_t> parse_u64(std::string_view text, const std::string& what);

}  // namespace hull::container::cgroups

// Directory listing relative to an open directory fd (getdents through readdir on a dup).
#pragma once

#include <string>
#include <vector>

#include "base/result.h"
#include "sys/unique_fd.h"

namespace hull::sys {

struct DirEntry {
  std::string name;
  bool is_dir = false;  // from d_type; DT_UNKNOWN is resolved with fstatat
};

// Lists `dir` (opened O_RDONLY|O_DIRECTORY; not O_PATH), without "." and "..". `what` names the
// directory in errors. The fd's own offset is untouched: a duplicate is read.
base::Result<std::vector<DirEntry>> list_dir_at(FdRef dir, const std::string& what);

}  // namespace hull::sys

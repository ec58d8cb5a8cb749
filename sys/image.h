// Where this process's memory comes from: the file of the loaded object (the program itself or a
// shared library) that maps an address, and the offset there. Lets data linked into hull (its
// init program) be copied by the kernel from the page cache, without faulting it into hull.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <string>

#include "base/result.h"

namespace hull::sys {

struct MappedFileRange {
  std::string path;  // the object's file; "/proc/self/exe" for the program itself
  off_t offset = 0;
};

// The file range behind [addr, addr + size), which must lie inside one loaded segment's file
// contents (not its zero-filled tail). NotFound otherwise.
base::Result<MappedFileRange> mapped_file_range(const void* addr, size_t size);

}  // namespace hull::sys

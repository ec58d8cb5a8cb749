// Flags that `hull checkpoint` and `hull restore` share, parsed as runc parses them.
#pragma once

#include <sched.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdint>
#include <string>

#include "base/result.h"
#include "cli/args.h"

namespace hull::cli {

// runc's default image path: ./checkpoint.
inline base::Result<std::string> default_image_path() {
  char buf[PATH_MAX];
  if (::getcwd(buf, sizeof buf) == nullptr)
    return base::fail(base::Error::from_errno(errno, "getcwd"));
  return std::string(buf) + "/checkpoint";
}

// --empty-ns NAME (repeatable): only "network" is something criu can leave empty.
inline base::Result<uint32_t> empty_ns_flags(const Args& a) {
  uint32_t flags = 0;
  for (const auto& ns : a.all("empty-ns")) {
    if (ns != "network")
      return base::fail(
          base::Error::invalid(fmt::format("--empty-ns: namespace \"{}\" is not supported", ns)));
    flags |= CLONE_NEWNET;
  }
  return flags;
}

}  // namespace hull::cli

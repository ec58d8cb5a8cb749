// linux.resources: the OCI JSON both ways, and what `update` does with it. Reading and writing
// share one table per struct (resources.cc), so what parses also writes: for every Resources r,
// parse_resources(write_resources(r)) == r. A new member goes into that table, which does not
// compile without it, and into the cgroup drivers that apply it.
#pragma once

#include <string>
#include <string_view>

#include "base/result.h"
#include "container/config.h"

namespace hull::container {

// Parses one LinuxResources object (config.json's linux.resources, `update --resources`, podman
// and Docker). JSON path errors are relative to the object: ".memory.limit: expected integer".
Result<Resources> parse_resources(std::string_view json);

// `r` as a LinuxResources object: every member that is set, in the spec's order; unset optionals
// and empty lists are left out, as the parser leaves them unset.
std::string write_resources(const Resources& r);

// Zero numbers mean "unchanged" in an update (runc's update and Docker send explicit zeros):
// returns `r` with every such zero limit unset (memory, CPU and block I/O limits, pids; not
// swappiness, CPU burst or idle, where zero is a value).
Resources drop_zero_limits(Resources r);

// `update` over `base`: every member set in `update` replaces the one in `base`; lists replace
// lists when non-empty; rdma and unified entries are merged by key. Devices of `base` are kept.
Resources merge_resources(const Resources& base, const Resources& update);

// `config_json` with .linux.resources replaced by `r` (every other member kept verbatim; .linux is
// added when missing). Protocol error when the text is not an object or .linux is not one.
Result<std::string> replace_resources(std::string_view config_json, const Resources& r);

}  // namespace hull::container

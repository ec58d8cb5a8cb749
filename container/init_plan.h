// The InitPlan (container/init/plan.h) for a container's init or an exec'd process, from the
// config and what the parent prepared. Pure: no system calls beyond what prepare_process did.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "base/result.h"
#include "container/cgroups/mountinfo.h"
#include "container/config.h"
#include "container/init/plan.h"
#include "container/namespaces.h"

namespace hull::container {

struct CreatePlanInput {
  const Config* config = nullptr;
  std::string id;
  std::string rootfs;
  PreparedProcess prepared;
  const NamespacePlan* namespaces = nullptr;
  std::vector<std::string> extra_env;  // LISTEN_FDS=...
  bool no_pivot = false;
  bool no_new_keyring = false;
  int preserve_fds = 0;
  std::map<std::string, std::string> cgroup_paths;
  cgroups::CgroupLayout cgroup_layout;
  bool all_binds_from_parent = false;  // mount_trees.h
};

// Mount options are parsed here: a bad one is an error naming ".mounts[i]".
base::Result<InitPlan> make_create_plan(CreatePlanInput in);

// For `exec`: the process and its prepared settings; the namespaces come through init's pidfd.
InitPlan make_exec_plan(const Process& p, PreparedProcess prepared, int preserve_fds,
                        uint64_t exec_ns_flags);

}  // namespace hull::container
